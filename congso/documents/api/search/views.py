"""GET /api/v1/documents/search/: full-text and metadata search with facets (cursor pages)."""

from __future__ import annotations

from dataclasses import asdict

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from congso.accounts.api.permissions import IsStaffMember
from congso.accounts.api.request import request_staff
from congso.documents.api.search.serializers import SearchQuerySerializer, SearchResultSerializer
from congso.documents.selectors.search import SearchFilters, SearchResult, document_search


def search_filters(values: dict) -> SearchFilters:
    return SearchFilters(
        direction=tuple(values.get("direction", ())),
        document_type=tuple(values.get("document_type", ())),
        issuer=tuple(values.get("issuer", ())),
        year=tuple(values.get("year", ())),
        status=tuple(values.get("status", ())),
    )


def result_payload(request: Request, result: SearchResult) -> dict:
    next_url = None
    if result.next_cursor:
        query = request.query_params.copy()
        query["cursor"] = result.next_cursor
        next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    return {
        "results": [asdict(hit) for hit in result.hits],
        "facets": {name: [asdict(v) for v in values] for name, values in result.facets.items()},
        "total": {
            "count": result.total,
            "capped": result.total_capped,
            "label": result.total_label,
        },
        "next_cursor": result.next_cursor,
        "next": next_url,
    }


class DocumentSearchApi(APIView):
    """Search every incoming and outgoing document the user may read.

    Diacritics and case do not matter; a số/ký hiệu (12/UBND-VX) matches exactly first, then
    documents naming every word in the subject or other title fields, then anywhere (file text);
    newest first within each group. Facet counts stop at 1000 ("1000+"); no exact COUNT.
    """

    permission_classes = [IsAuthenticated, IsStaffMember]

    @extend_schema(
        parameters=[SearchQuerySerializer],
        responses={
            200: SearchResultSerializer,
            400: OpenApiResponse(description="validation_failed, invalid_cursor (error.code)"),
        },
        tags=["documents-search"],
    )
    def get(self, request: Request) -> Response:
        user = request_staff(request)
        query = SearchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        result = document_search(
            user=user,
            query=values["q"],
            filters=search_filters(values),
            cursor=values["cursor"] or None,
            page_size=values["page_size"],
        )
        return Response(SearchResultSerializer(result_payload(request, result)).data)
