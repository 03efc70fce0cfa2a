"""The connector's sections on documents' detail pages (documents.hooks detail sections,
ADR 0017): on an outgoing document, each outside recipient's full status history and the
clerk's "Yêu cầu thu hồi"; on an incoming document received through the hub, the revoke
requests with the clerk's "Đồng ý thu hồi" / "Từ chối thu hồi", and what it replaces."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from congso.documents.constants import OutboxStatus, OutgoingStatus
from congso.exchange import access, selectors
from congso.exchange.models import BusinessKind, ExchangeReceipt, RevokeState


def outgoing_section(request: Any, document: Any) -> str:
    if not access.can_watch_exchange(request.user):
        return ""
    rows = selectors.outgoing_exchange_rows(document)
    if not rows:
        return ""
    clerk = access.can_act_as_clerk(request.user, document.agency_id)
    issued = document.status in (OutgoingStatus.ISSUED, OutgoingStatus.REPLACED)
    for row in rows:
        asked = any(m.kind == BusinessKind.REVOKE for m in row.business)  # type: ignore[attr-defined]
        outbox = row.outbox  # type: ignore[attr-defined]
        sent = outbox is not None and outbox.status == OutboxStatus.SENT
        row.can_ask_revoke = clerk and issued and sent and not asked  # type: ignore[attr-defined]
    return render_to_string(
        "exchange/_outgoing_section.html", {"rows": rows, "document": document}, request=request
    )


def incoming_section(request: Any, document: Any) -> str:
    receipt = (
        ExchangeReceipt.objects.filter(incoming_document=document)
        .select_related("supersedes__incoming_document")
        .first()
    )
    if receipt is None:
        return ""
    requests = list(receipt.revoke_requests.order_by("created_at", "pk"))
    superseded_by = list(
        receipt.superseded_by.select_related("incoming_document").order_by("created_at")
    )
    clerk = access.can_act_as_clerk(request.user, document.agency_id)
    return render_to_string(
        "exchange/_incoming_section.html",
        {
            "receipt": receipt,
            "requests": requests,
            "superseded_by": superseded_by,
            "can_decide": clerk,
            "pending": RevokeState.PENDING,
        },
        request=request,
    )
