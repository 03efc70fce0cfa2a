"""Serializers of the dossiers API: inputs parse, outputs render; the rules live in services."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from congso.accounts.models import User
from congso.core.api.fields import IdField
from congso.dossiers.constants import Channel, DossierStatus, RatingLevel, ResultChannel
from congso.dossiers.models import (
    Dossier,
    DossierComponentFile,
    DossierEvent,
    DossierStep,
    QueueTicket,
    Rating,
)
from congso.organizations.models import Agency


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class EventSerializer(serializers.ModelSerializer):
    actor = PersonSerializer(allow_null=True)

    class Meta:
        model = DossierEvent
        fields = ["id", "kind", "at", "status", "portal_status", "actor", "data"]


class FileSerializer(serializers.ModelSerializer):
    class Meta:
        model = DossierComponentFile
        fields = [
            "id",
            "component_code",
            "name",
            "sha256",
            "size",
            "content_type",
            "uploaded_at",
            "is_supplement",
        ]


class StepSerializer(serializers.ModelSerializer):
    agency_name = serializers.CharField(source="agency.name")
    assignee = PersonSerializer(allow_null=True)
    sender = PersonSerializer(allow_null=True)
    sub_dossier_code = serializers.CharField(
        source="sub_dossier.code", allow_null=True, default=None
    )

    class Meta:
        model = DossierStep
        fields = [
            "id",
            "order",
            "name",
            "agency",
            "agency_name",
            "assignee",
            "sender",
            "days",
            "received_at",
            "due_at",
            "finished_at",
            "outcome",
            "note",
            "sub_dossier",
            "sub_dossier_code",
        ]


class RatingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Rating
        fields = ["level", "comment", "rated_at"]


class ChildSerializer(serializers.ModelSerializer):
    handling_agency_name = serializers.CharField(source="handling_agency.name")

    class Meta:
        model = Dossier
        fields = [
            "id",
            "code",
            "status",
            "handling_agency",
            "handling_agency_name",
            "due_at",
            "finished_at",
        ]


class DossierListItemSerializer(serializers.ModelSerializer):
    procedure_code = serializers.CharField(source="procedure.code")
    procedure_name = serializers.CharField(source="procedure.name")
    receiving_agency_name = serializers.CharField(source="receiving_agency.name")
    handling_agency_name = serializers.CharField(source="handling_agency.name")

    class Meta:
        model = Dossier
        fields = [
            "id",
            "code",
            "status",
            "channel",
            "procedure_code",
            "procedure_name",
            "receiving_agency",
            "receiving_agency_name",
            "handling_agency",
            "handling_agency_name",
            "parent",
            "applicant_name",
            "submitted_at",
            "received_at",
            "due_at",
            "finished_at",
            "returned_at",
        ]


def prefetched(obj: Dossier, name: str) -> list[Any]:
    """The first page of a relation, as `dossier_detail` prefetched it (`<name>_page`)."""
    return list(getattr(obj, f"{name}_page"))


class RelationPage(serializers.Serializer):
    has_more = serializers.BooleanField()
    next = serializers.CharField()


class RelationsSerializer(serializers.Serializer):
    events = RelationPage()
    files = RelationPage()
    steps = RelationPage()


class ResultSerializer(serializers.Serializer):
    finished_at = serializers.DateTimeField(allow_null=True)
    signed = serializers.BooleanField()
    signature_verdict = serializers.CharField()
    signature_summary = serializers.CharField()
    file_name = serializers.CharField()


class DossierDetailSerializer(DossierListItemSerializer):
    """The dossier in one call: history, components, steps, sub-dossiers, rating, result.

    Each relation shows its first page; `*_page.next` is the relation endpoint for the rest."""

    events = serializers.SerializerMethodField()
    files = serializers.SerializerMethodField()
    steps = serializers.SerializerMethodField()
    children = ChildSerializer(many=True)
    rating = serializers.SerializerMethodField()
    result = serializers.SerializerMethodField()
    relations = serializers.SerializerMethodField()

    class Meta(DossierListItemSerializer.Meta):
        fields = [
            *DossierListItemSerializer.Meta.fields,
            "applicant_id_number",
            "applicant_address",
            "applicant_phone",
            "applicant_email",
            "summary",
            "form_data",
            "receipt_number",
            "register_book",
            "register_seq",
            "processing_days",
            "legal_due_at",
            "paused_at",
            "paused_days_total",
            "extended_due_at",
            "extension_reason",
            "refusal_reason",
            "result_channel",
            "events",
            "files",
            "steps",
            "children",
            "rating",
            "result",
            "relations",
        ]

    def _limit(self) -> int:
        return int(self.context.get("page", 50))

    @extend_schema_field(EventSerializer(many=True))
    def get_events(self, obj: Dossier) -> Any:
        return EventSerializer(prefetched(obj, "events")[: self._limit()], many=True).data

    @extend_schema_field(FileSerializer(many=True))
    def get_files(self, obj: Dossier) -> Any:
        return FileSerializer(prefetched(obj, "files")[: self._limit()], many=True).data

    @extend_schema_field(StepSerializer(many=True))
    def get_steps(self, obj: Dossier) -> Any:
        return StepSerializer(prefetched(obj, "steps")[: self._limit()], many=True).data

    @extend_schema_field(RatingSerializer(allow_null=True))
    def get_rating(self, obj: Dossier) -> Any:
        rating = getattr(obj, "rating", None) if hasattr(obj, "rating") else None
        return RatingSerializer(rating).data if rating else None

    @extend_schema_field(ResultSerializer(allow_null=True))
    def get_result(self, obj: Dossier) -> dict[str, Any] | None:
        if not obj.result_file:
            return None
        return {
            "finished_at": obj.finished_at,
            "signed": obj.result_signed,
            "signature_verdict": obj.result_signature_verdict,
            "signature_summary": obj.result_signature_summary,
            "file_name": (obj.result_file.name or "").rsplit("/", 1)[-1],
        }

    @extend_schema_field(RelationsSerializer)
    def get_relations(self, obj: Dossier) -> dict[str, Any]:
        limit = self._limit()
        base = f"/api/v1/dossiers/{obj.pk}/"
        return {
            name: {
                "has_more": len(prefetched(obj, name)) > limit,
                "next": f"{base}{name}/",
            }
            for name in ("events", "files", "steps")
        }


class PublicLookupSerializer(serializers.Serializer):
    """The public lookup's answer (documents the schema; `public_lookup_data` renders it)."""

    code = serializers.CharField()
    status = serializers.ChoiceField(choices=DossierStatus.choices)
    status_name = serializers.CharField()
    procedure_name = serializers.CharField()
    receiving_agency_name = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    received_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    returned_at = serializers.DateTimeField(allow_null=True)


_DATETIME = serializers.DateTimeField()
PUBLIC_DATES = ("submitted_at", "received_at", "due_at", "finished_at", "returned_at")


def public_lookup_data(answer: dict[str, Any]) -> dict[str, Any]:
    """`dossier_public_status`'s dict as the API answers it, without serializer machinery (the
    lookup is the hottest public path); dates as DRF renders them (local time, ISO 8601)."""
    data = {
        "code": answer["code"],
        "status": answer["status"],
        "status_name": str(DossierStatus(answer["status"]).label),
        "procedure_name": answer["procedure_name"],
        "receiving_agency_name": answer["receiving_agency_name"],
    }
    for name in PUBLIC_DATES:
        value = answer[name]
        data[name] = None if value is None else _DATETIME.to_representation(value)
    return data


# --- Inputs ------------------------------------------------------------------------------------


def _staff() -> Any:
    return User.objects.filter(kind="staff")


class ListFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=DossierStatus.choices, required=False)
    procedure = serializers.CharField(required=False)
    code = serializers.CharField(required=False)
    applicant = serializers.CharField(required=False)
    overdue = serializers.BooleanField(required=False, default=False)
    parent_dossier = IdField(required=False)


class LookupQuerySerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40)
    secret = serializers.CharField(max_length=20)


class DeadlineQuerySerializer(serializers.Serializer):
    agency = IdField(required=False)
    officer = IdField(required=False)
    days = serializers.IntegerField(required=False, min_value=0, max_value=60)


class SupplementRequestSerializer(serializers.Serializer):
    items = serializers.ListField(child=serializers.JSONField(), min_length=1)
    reason = serializers.CharField(max_length=4000)


class SupplementSerializer(serializers.Serializer):
    component_code = serializers.CharField(max_length=20)
    files = serializers.ListField(child=serializers.FileField(), min_length=1)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000)


class OptionalReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class ForwardSerializer(serializers.Serializer):
    to_agency = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(), required=False, allow_null=True
    )
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=_staff(), required=False, allow_null=True
    )
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class ExtendSerializer(serializers.Serializer):
    new_due = serializers.DateTimeField()
    reason = serializers.CharField(max_length=4000)


class FinishSerializer(serializers.Serializer):
    result_file = serializers.FileField()


class ReturnSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=ResultChannel.choices, default=ResultChannel.COUNTER)


class RateSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=RatingLevel.choices)
    comment = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class QueueTicketSerializer(serializers.ModelSerializer):
    counter_code = serializers.CharField(source="counter.code")

    class Meta:
        model = QueueTicket
        fields = [
            "id",
            "counter",
            "counter_code",
            "day",
            "number",
            "status",
            "taken_at",
            "called_at",
        ]


class DelayShareSerializer(serializers.Serializer):
    step_id = serializers.IntegerField(allow_null=True)
    agency_id = serializers.IntegerField(allow_null=True)
    agency_name = serializers.CharField()
    step_name = serializers.CharField()
    days = serializers.IntegerField()


class DelaySerializer(serializers.Serializer):
    total_days = serializers.IntegerField()
    shares = DelayShareSerializer(many=True)


class DraftInputSerializer(serializers.Serializer):
    """A citizen's online dossier (saved as a draft; submit separately)."""

    procedure = serializers.CharField(max_length=60, help_text="Mã thủ tục")
    receiving_agency = IdField(required=False, allow_null=True)
    applicant_name = serializers.CharField(max_length=255, required=False)
    applicant_id_number = serializers.CharField(max_length=20, required=False, allow_blank=True)
    applicant_address = serializers.CharField(max_length=500, required=False, allow_blank=True)
    applicant_phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    applicant_email = serializers.EmailField(required=False, allow_blank=True)
    summary = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    form_data = serializers.JSONField(required=False)
    result_channel = serializers.ChoiceField(choices=ResultChannel.choices, required=False)


class CounterInputSerializer(DraftInputSerializer):
    """A dossier handed in at the counter (the desk types the applicant's data)."""

    applicant_name = serializers.CharField(max_length=255)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.DIRECT)


class FileInputSerializer(serializers.Serializer):
    component_code = serializers.CharField(max_length=20)
    file = serializers.FileField()


class SubmittedSerializer(serializers.Serializer):
    dossier = serializers.DictField()
    lookup_secret = serializers.CharField(help_text="Hiển thị một lần cho người nộp.")
