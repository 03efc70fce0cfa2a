"""The printed forms as PDF (Mẫu 01–05 of one dossier, the stop notice) and the tracking book
(Mẫu 06)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.dossiers.access import access_dossier_by_id
from congso.dossiers.constants import DossierStatus, EventKind
from congso.dossiers.errors import DossierNotFound
from congso.dossiers.printing import (
    builders,
    render_apology,
    render_control_sheet,
    render_receipt,
    render_refusal,
    render_stop_notice,
    render_supplement_request,
    render_tracking_book_pdf,
    render_tracking_book_xlsx,
)
from congso.dossiers.printing.fonts import FontMissing
from congso.dossiers.views.common import detail_url, officer, recalled_secret, staff_required
from congso.dossiers.views.forms import PeriodForm

PDF = "application/pdf"
#: The slug of the stop notice (no TT 01/2018 number: a letter in 2019–2020).
STOP_NOTICE = "thong-bao-dung"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _file(data: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _available(dossier: Any, form: str) -> bool:
    if form in ("mau-01", "mau-05"):
        return dossier.received_at is not None
    if form == "mau-02":
        return dossier.events.filter(kind=EventKind.SUPPLEMENT_REQUESTED).exists()
    if form == "mau-03":
        return dossier.status == DossierStatus.REFUSED
    if form == "mau-04":
        return dossier.extended_due_at is not None
    if form == STOP_NOTICE:
        return dossier.status == DossierStatus.STOPPED
    return False


def _renderers(request: HttpRequest) -> dict[str, Callable[[Any], bytes]]:
    return {
        "mau-01": lambda d: render_receipt(
            builders.receipt_data(d, lookup_secret=recalled_secret(request, d.pk))
        ),
        "mau-02": lambda d: render_supplement_request(builders.supplement_request_data(d)),
        "mau-03": lambda d: render_refusal(builders.refusal_data(d)),
        "mau-04": lambda d: render_apology(builders.apology_data(d)),
        "mau-05": lambda d: render_control_sheet(builders.control_sheet_data(d)),
        STOP_NOTICE: lambda d: render_stop_notice(builders.stop_notice_data(d)),
    }


@staff_required
def form_pdf(request: HttpRequest, dossier_id: int, form: str) -> HttpResponseBase:
    """One printed form of a dossier; a form that does not apply (yet) sends the officer back."""
    dossier = access_dossier_by_id(request.user, dossier_id)
    render_form = _renderers(request).get(form)
    if render_form is None:
        raise DossierNotFound(dossier_id)
    if not _available(dossier, form):
        messages.error(request, _("Hồ sơ chưa có biểu mẫu này."))
        return redirect(detail_url(dossier.pk))
    try:
        data = render_form(dossier)
    except FontMissing as error:
        messages.error(request, str(error))
        return redirect(detail_url(dossier.pk))
    return _file(data, PDF, f"{form}-{dossier.code or dossier.pk}.pdf")


def _period(request: HttpRequest) -> tuple[PeriodForm, date | None, date | None]:
    today = timezone.localdate()
    initial = {"tu": today.replace(day=1), "den": today}
    form = PeriodForm(request.GET if "tu" in request.GET else None, initial=initial)
    if not form.is_bound:
        return form, initial["tu"], initial["den"]
    if form.is_valid():
        return form, form.cleaned_data["tu"], form.cleaned_data["den"]
    return form, None, None


@staff_required
def tracking_book_page(request: HttpRequest) -> HttpResponse:
    """Mẫu 06 of the officer's agency: choose the period, read it here, download PDF or Excel."""
    form, start, end = _period(request)
    rows: list[Any] = []
    if start and end:
        rows = list(builders.tracking_book_data(officer(request).agency, start, end).rows)[:500]
    return render(
        request,
        "dossiers/book.html",
        {"form": form, "rows": rows, "start": start, "end": end, "limited": len(rows) == 500},
    )


@staff_required
def tracking_book_file(request: HttpRequest, kind: str) -> HttpResponseBase:
    form, start, end = _period(request)
    if not (start and end):
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, str(problem))
        return redirect("dossiers:book")
    book = builders.tracking_book_data(officer(request).agency, start, end)
    stem = f"so-theo-doi-ho-so-{start:%Y%m%d}-{end:%Y%m%d}"
    try:
        if kind == "pdf":
            return _file(render_tracking_book_pdf(book), PDF, f"{stem}.pdf")
    except FontMissing as error:
        messages.error(request, str(error))
        return redirect("dossiers:book")
    return _file(render_tracking_book_xlsx(book), XLSX, f"{stem}.xlsx")
