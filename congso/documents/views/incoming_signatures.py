"""The digital-signature part of the incoming-document detail page: "Kiểm tra lại" (POST to the
detail page with `action=kiem-tra-chu-ky`) and the links to the signatures app's reports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from congso.core.errors import CongsoError
from congso.documents.models import IncomingDocument, IncomingFile
from congso.documents.services.incoming_signatures import (
    PDF,
    document_signature_verdict,
    incoming_signatures_recheck,
)

RECHECK_ACTION = "kiem-tra-chu-ky"


def recheck_signatures(request: HttpRequest, document: IncomingDocument) -> HttpResponse:
    if request.POST.get("action") != RECHECK_ACTION:
        return HttpResponseNotAllowed(["GET"])
    try:
        files = incoming_signatures_recheck(actor=request.user, document=document)
    except CongsoError as exc:
        messages.error(request, exc.message)
    else:
        verdict = document_signature_verdict(files)
        if verdict is None:
            messages.info(request, _("Văn bản không có tệp PDF để kiểm tra chữ ký số."))
        else:
            messages.success(
                request, _("Đã kiểm tra lại chữ ký số: %(label)s.") % {"label": verdict.label}
            )
    return redirect("documents:incoming-detail", document_id=document.pk)


def signature_rows(user: Any, files: list[IncomingFile]) -> list[dict[str, Any]]:
    """One row per PDF: the file and the id of its report when the viewer may open it in the
    signatures app (a secret document's report belongs to the clerk who checked it)."""
    rows: list[dict[str, Any]] = []
    for incoming_file in files:
        if incoming_file.stored_file.media_type != PDF:
            continue
        record = incoming_file.signature_report
        report_id = None
        if record is not None and (
            record.agency_id == user.agency_id or record.requested_by_id == user.pk
        ):
            report_id = record.pk
        rows.append({"file": incoming_file, "report_id": report_id})
    return rows
