"""The Vietnamese report page (HTML) and its printable PDF."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from congso.signatures.access import access_validation_record_by_id
from congso.signatures.errors import ValidationRecordNotFound
from congso.signatures.lib.report import format_vn_time
from congso.signatures.lib.reportpdf import report_pdf
from congso.signatures.models import ValidationRecord


def _record(request: HttpRequest, record_id: int) -> ValidationRecord:
    try:
        return access_validation_record_by_id(user=request.user, record_id=record_id)  # type: ignore[arg-type]
    except ValidationRecordNotFound:
        raise Http404 from None


@login_required
def report_page(request: HttpRequest, record_id: int) -> HttpResponse:
    record = _record(request, record_id)
    report = record.report
    return render(
        request,
        "signatures/report.html",
        {
            "record": record,
            "report": report,
            "validated_at": format_vn_time(datetime.fromisoformat(report["validated_at"])),
            "pdf_url": reverse("signatures:report-pdf", args=[record.pk]),
        },
    )


@login_required
def report_page_pdf(request: HttpRequest, record_id: int) -> HttpResponse:
    record = _record(request, record_id)
    response = HttpResponse(report_pdf(record.report), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bien-ban-{record.pk}.pdf"'
    return response
