"""Public catalogue pages (/thu-tuc/) and the staff drift page (/thu-tuc/quan-ly/sai-lech/)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from congso.catalogues.selectors import procedure_field_list
from congso.core.errors import CongsoError, NotFound
from congso.organizations.constants import AgencyKind
from congso.organizations.models import Agency
from congso.procedures.access import can_manage_catalogue
from congso.procedures.constants import ProcedureLevel
from congso.procedures.drift import (
    ATTRIBUTE_LABELS,
    drift_to_xlsx,
    parse_national_list,
    procedure_drift,
)
from congso.procedures.selectors import (
    procedure_get,
    procedure_receiving_agency_summary,
    procedure_search,
)

PAGE_SIZE = 20
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_NATIONAL_BYTES = 20 * 1024 * 1024


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def procedure_search_page(request: HttpRequest) -> HttpResponse:
    """Search published procedures by name or code, with or without Vietnamese accents."""
    q = request.GET.get("q", "").strip()[:200]
    level = request.GET.get("level", "")
    level = level if level in ProcedureLevel.values else ""
    field = request.GET.get("field", "").strip()[:30]
    agency = _int_or_none(request.GET.get("agency"))
    results = procedure_search(q, level=level or None, field=field or None, agency=agency)
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    filters = {
        k: v for k, v in {"q": q, "level": level, "field": field, "agency": agency}.items() if v
    }
    desks = (
        Agency.objects.filter(
            kind__in=[AgencyKind.PROVINCIAL_BODY, AgencyKind.DISTRICT_COMMITTEE],
            received_procedures__isnull=False,
            is_active=True,
        )
        .distinct()
        .order_by("code_qcvn102")
    )
    return render(
        request,
        "procedures/search.html",
        {
            "q": q,
            "level": level,
            "field": field,
            "agency": agency,
            "levels": ProcedureLevel.choices,
            "fields": procedure_field_list(),
            "desks": desks,
            "page": page,
            "filter_query": urlencode(filters),
        },
    )


def procedure_detail_page(request: HttpRequest, code: str) -> HttpResponse:
    try:
        procedure = procedure_get(code)
    except NotFound as error:
        raise Http404(error.message) from error
    names, total = procedure_receiving_agency_summary(procedure)
    return render(
        request,
        "procedures/detail.html",
        {
            "procedure": procedure,
            "components": list(procedure.components.all()),
            "steps": list(procedure.steps.all()),
            "desk_names": names,
            "desk_total": total,
            "submit_url": f"/dich-vu-cong/nop/{procedure.code}/",
            "can_submit_online": procedure.online_level >= 3,
        },
    )


@require_http_methods(["GET", "POST"])
def drift_page(request: HttpRequest) -> HttpResponse:
    """Staff administrators upload a national list (JSON) and read, or download, the drift."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_manage_catalogue(request.user):
        return render(request, "procedures/forbidden.html", status=403)
    context: dict[str, Any] = {"labels": ATTRIBUTE_LABELS}
    if request.method == "POST":
        upload = request.FILES.get("national")
        try:
            if upload is None:
                raise CongsoError(
                    _("Hãy chọn tệp JSON danh sách thủ tục quốc gia."), code="file_required"
                )
            if upload.size and upload.size > MAX_NATIONAL_BYTES:
                raise CongsoError(_("Tệp quá lớn (tối đa 20 MB)."), code="file_too_large")
            try:
                data = json.loads(upload.read())
            except (ValueError, UnicodeDecodeError) as error:
                raise CongsoError(
                    _("Tệp không phải JSON hợp lệ."), code="invalid_national_list"
                ) from error
            report = procedure_drift(parse_national_list(data))
        except CongsoError as error:
            context["error"] = error.message
            return render(request, "procedures/drift.html", context, status=400)
        if request.POST.get("output") == "xlsx":
            response = HttpResponse(drift_to_xlsx(report), content_type=XLSX)
            response["Content-Disposition"] = 'attachment; filename="sai-lech-thu-tuc.xlsx"'
            return response
        context["report"] = report
    return render(request, "procedures/drift.html", context)
