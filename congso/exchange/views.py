"""The clerk's page of the connector (/lien-thong/): sends that failed for good (with "Gửi lại")
and the incidents of the agency (packages and statuses refused)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from congso.core.errors import CongsoError
from congso.documents.views.common import staff_required
from congso.exchange import access, selectors
from congso.exchange.services.business import revoke_request_send
from congso.exchange.services.revocations import revoke_request_decide
from congso.exchange.services.sending import outbox_message_retry

PAGE_SIZE = 100


@require_GET
@staff_required
def exchange_overview(request: HttpRequest) -> HttpResponse:
    if not access.can_watch_exchange(request.user):
        raise Http404
    return render(
        request,
        "exchange/overview.html",
        {
            "title": _("Liên thông văn bản: gửi lỗi và sự cố"),
            "failed": list(selectors.failed_send_list(user=request.user)[:PAGE_SIZE]),
            "incidents": list(selectors.incident_list(user=request.user)[:PAGE_SIZE]),
        },
    )


@require_POST
@staff_required
def failed_send_retry(request: HttpRequest, outbox_id: int) -> HttpResponse:
    try:
        message = access.access_failed_send_by_id(user=request.user, outbox_id=outbox_id)
        if not request.user.has_role("clerk"):  # type: ignore[union-attr]
            raise Http404
        outbox_message_retry(actor=request.user, message=message)
    except CongsoError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã đưa văn bản vào hàng đợi gửi lại."))
    return redirect("exchange:overview")


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


STATUS_FILTERS = [
    ("", _("Tất cả")),
    ("pending", _("Chờ gửi")),
    ("sent", _("Đã gửi lên trục")),
    ("failed", _("Gửi lỗi")),
    ("cancelled", _("Đã hủy")),
    ("00", _("Chưa có phản hồi")),
    ("01", "01 – Đã đến"),
    ("02", "02 – Từ chối tiếp nhận"),
    ("03", "03 – Đã tiếp nhận"),
    ("04", "04 – Phân công"),
    ("05", "05 – Đang xử lý"),
    ("06", "06 – Hoàn thành"),
    ("13", "13 – Yêu cầu lấy lại văn bản"),
    ("15", "15 – Đồng ý lấy lại văn bản"),
    ("16", "16 – Từ chối lấy lại văn bản"),
]


@require_GET
@staff_required
def external_send_list(request: HttpRequest) -> HttpResponse:
    """The clerk's list of documents sent through the hub, filtered by status, recipient and
    issue date."""
    if not access.can_watch_exchange(request.user):
        raise Http404
    params = request.GET
    filters: dict[str, Any] = {
        "status": params.get("status", ""),
        "recipient": params.get("recipient", "").strip()[:100],
        "date_from": _date(params.get("date_from", "")),
        "date_to": _date(params.get("date_to", "")),
    }
    rows = selectors.external_send_list(user=request.user, **filters)
    return render(
        request,
        "exchange/sends.html",
        {
            "title": _("Văn bản gửi qua trục liên thông"),
            "rows": list(rows[:PAGE_SIZE]),
            "filters": filters,
            "status_filters": STATUS_FILTERS,
        },
    )


@require_POST
@staff_required
def revoke_ask(request: HttpRequest, recipient_id: int) -> HttpResponse:
    """The clerk asks one outside recipient to give the document back (a revoke package)."""
    try:
        recipient = access.access_external_recipient_by_id(
            user=request.user, recipient_id=recipient_id
        )
    except CongsoError as exc:
        raise Http404 from exc
    try:
        revoke_request_send(
            actor=request.user, recipient=recipient, reason=request.POST.get("reason", "")
        )
    except CongsoError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Đã gửi yêu cầu thu hồi đến %(name)s.") % {"name": recipient.name}
        )
    return redirect("documents:outgoing-detail", recipient.document_id)


@require_POST
@staff_required
def revoke_decide(request: HttpRequest, request_id: int) -> HttpResponse:
    """The recipient's clerk agrees to (15) or refuses (16) a sender's revoke request."""
    try:
        found = access.access_revoke_request_by_id(user=request.user, request_id=request_id)
    except CongsoError as exc:
        raise Http404 from exc
    accept = request.POST.get("decision") == "accept"
    try:
        revoke_request_decide(
            actor=request.user, request=found, accept=accept, reason=request.POST.get("reason", "")
        )
    except CongsoError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Đã đồng ý thu hồi văn bản.") if accept else _("Đã từ chối yêu cầu thu hồi."),
        )
    document_id = found.receipt.incoming_document_id if found.receipt else None
    if document_id is None:
        return redirect("exchange:overview")
    return redirect("documents:incoming-detail", document_id)
