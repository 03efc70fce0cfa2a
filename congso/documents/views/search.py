"""The search page (/van-ban/tra-cuu/): a query box, facet checkboxes, highlighted results.

The page is a GET form, so a search is a link that can be bookmarked and shared; pages follow a
cursor ("Trang sau"), never an offset. Everything shown comes from `document_search`, which
already obeys the access rules.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from congso.core.errors import CongsoError
from congso.documents.selectors.search import FACET_FIELDS, SearchFilters, document_search
from congso.documents.views.common import staff_required

FACET_TITLES = {
    "direction": _("Loại sổ"),
    "document_type": _("Loại văn bản"),
    "issuer": _("Cơ quan ban hành"),
    "year": _("Năm"),
    "status": _("Trạng thái"),
}
DETAIL_URLS = {"incoming": "documents:incoming-detail", "outgoing": "documents:outgoing-detail"}


def _ints(values: list[str]) -> tuple[int, ...]:
    return tuple(int(value) for value in values if value.isdigit())


def filters_from(query: QueryDict) -> SearchFilters:
    return SearchFilters(
        direction=tuple(v for v in query.getlist("direction") if v in ("incoming", "outgoing")),
        document_type=_ints(query.getlist("document_type")),
        issuer=tuple(v[:200] for v in query.getlist("issuer")),
        year=_ints(query.getlist("year")),
        status=tuple(v[:12] for v in query.getlist("status")),
    )


def _detail_url(direction: str, document_id: int) -> str | None:
    try:
        return reverse(DETAIL_URLS[direction], args=[document_id])
    except (KeyError, NoReverseMatch):
        return None


@staff_required
def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:500]
    filters = filters_from(request.GET)
    context: dict[str, Any] = {"q": query, "searched": "q" in request.GET}
    status = 200
    try:
        result = document_search(
            user=request.user,
            query=query,
            filters=filters,
            cursor=request.GET.get("cursor") or None,
        )
    except CongsoError as error:
        context["error"] = error.message
        status = 400
        result = None
    if result is not None:
        selected = {facet: {str(v) for v in filters.values_of(facet)} for facet in FACET_FIELDS}
        context["facets"] = [
            {
                "name": facet,
                "title": FACET_TITLES[facet],
                "values": [
                    {
                        "value": v.value,
                        "label": v.label,
                        "count": v.count,
                        "checked": v.value in selected[facet],
                    }
                    for v in result.facets.get(facet, [])
                ],
            }
            for facet in FACET_FIELDS
        ]
        context["hits"] = [
            {"hit": hit, "url": _detail_url(hit.direction, hit.document_id)} for hit in result.hits
        ]
        context["result"] = result
        if result.next_cursor:
            following = request.GET.copy()
            following["cursor"] = result.next_cursor
            context["next_query"] = following.urlencode()
    return render(request, "documents/search/search.html", context, status=status)
