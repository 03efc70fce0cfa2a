"""Search API payloads: the query in, hits and facets out (no document bodies or files)."""

from __future__ import annotations

from rest_framework import serializers

from congso.core.api.fields import IdField
from congso.documents.constants import Direction
from congso.documents.selectors.search import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE


class SearchQuerySerializer(serializers.Serializer):
    """`q`: words (diacritics optional), "quoted phrases", or a số/ký hiệu such as 12/UBND-VX.
    Facet filters repeat: `?year=2019&year=2020` matches either year."""

    q = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    direction = serializers.ListField(
        child=serializers.ChoiceField(choices=Direction.choices), required=False, default=list
    )
    document_type = serializers.ListField(child=IdField(), required=False, default=list)
    issuer = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, default=list
    )
    year = serializers.ListField(
        child=serializers.IntegerField(min_value=1900, max_value=2999),
        required=False,
        default=list,
    )
    status = serializers.ListField(
        child=serializers.CharField(max_length=12), required=False, default=list
    )
    cursor = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_PAGE_SIZE, default=DEFAULT_PAGE_SIZE
    )


class SegmentSerializer(serializers.Serializer):
    text = serializers.CharField()
    is_match = serializers.BooleanField()


class SearchHitSerializer(serializers.Serializer):
    direction = serializers.CharField(help_text="incoming | outgoing")
    document_id = serializers.IntegerField()
    number_notation = serializers.CharField()
    subject = serializers.CharField()
    subject_segments = SegmentSerializer(
        many=True, help_text="The subject in pieces; is_match marks the words of the query."
    )
    issuer_name = serializers.CharField()
    document_type_id = serializers.IntegerField()
    document_type_name = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    year = serializers.IntegerField()
    issued_on = serializers.DateField(allow_null=True)
    sort_at = serializers.DateTimeField()
    match = serializers.CharField(help_text="notation | head | text | all")


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    count = serializers.IntegerField()


class FacetsSerializer(serializers.Serializer):
    direction = FacetValueSerializer(many=True, required=False)
    document_type = FacetValueSerializer(many=True, required=False)
    issuer = FacetValueSerializer(many=True, required=False)
    year = FacetValueSerializer(many=True, required=False)
    status = FacetValueSerializer(many=True, required=False)


class TotalSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Exact below the cap, else the cap itself.")
    capped = serializers.BooleanField()
    label = serializers.CharField(help_text='"37" or "1000+"')  # type: ignore[assignment]


class SearchResultSerializer(serializers.Serializer):
    results = SearchHitSerializer(many=True)
    facets = FacetsSerializer()
    total = TotalSerializer()
    next_cursor = serializers.CharField(allow_null=True)
    next = serializers.CharField(allow_null=True, help_text="URL of the next page")
