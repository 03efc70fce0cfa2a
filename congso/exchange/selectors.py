"""Reads of the connector: incidents and permanently failed sends as a user may see them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from congso.documents.models import OutboxMessage, OutgoingRecipient
from congso.exchange import access
from congso.exchange.models import (
    ExchangeIncident,
    RecipientStatusEvent,
    RevokeRequest,
    RevokeState,
)


def incident_list(*, user: Any, kind: str = "") -> QuerySet[ExchangeIncident]:
    incidents = access.incidents_visible_to(user)
    if kind:
        incidents = incidents.filter(kind=kind)
    return incidents.order_by("-created_at", "-pk")


def failed_send_list(*, user: Any) -> QuerySet[OutboxMessage]:
    return access.failed_sends_visible_to(user).order_by("-updated_at", "-pk")


def recipient_history(recipient: OutgoingRecipient) -> list[RecipientStatusEvent]:
    """Every status reply of one outside recipient, oldest first (01 → 03 → …)."""
    return list(
        RecipientStatusEvent.objects.filter(recipient=recipient).order_by("occurred_at", "pk")
    )


def outgoing_exchange_rows(document: Any) -> list[OutgoingRecipient]:
    """The document's outside recipients, each with `history` (status replies), `business`
    (revoke / replace / update packages sent to it) and `outbox` (its send, None before the
    document is issued)."""
    recipients = list(
        OutgoingRecipient.objects.filter(document=document, agency__isnull=True)
        .select_related("outbox_message")
        .prefetch_related(
            Prefetch(
                "status_events",
                queryset=RecipientStatusEvent.objects.order_by("occurred_at", "pk"),
            ),
            "business_messages",
        )
        .order_by("pk")
    )
    for recipient in recipients:
        recipient.history = list(recipient.status_events.all())  # type: ignore[attr-defined]
        recipient.business = list(recipient.business_messages.all())  # type: ignore[attr-defined]
        # no outbox row until the document is issued (the row is written by the issuing)
        recipient.outbox = getattr(recipient, "outbox_message", None)  # type: ignore[attr-defined]
    return recipients


SEND_STATES = {"pending", "sent", "failed", "cancelled"}


def external_send_list(
    *,
    user: Any,
    status: str = "",
    recipient: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[OutgoingRecipient]:
    """The clerk's list of sends through the hub, newest document first. `status` is a send
    state (pending, sent, failed, cancelled) or a status code the recipient last reported
    ("00" = no reply yet); `recipient` matches the code or the name; dates bound the issue date."""
    rows = access.external_recipients_visible_to(user).select_related("document__agency")
    if status in SEND_STATES:
        rows = rows.filter(outbox_message__status=status)
    elif status == "00":
        rows = rows.filter(exchange_status_code="")
    elif status:
        rows = rows.filter(exchange_status_code=status)
    if recipient:
        rows = rows.filter(Q(organ_id__icontains=recipient) | Q(name__icontains=recipient))
    if date_from:
        rows = rows.filter(document__issued_on__gte=date_from)
    if date_to:
        rows = rows.filter(document__issued_on__lte=date_to)
    return rows.order_by("-document__issued_at", "-pk")


def pending_revoke_requests(*, user: Any) -> QuerySet[RevokeRequest]:
    return access.revoke_requests_visible_to(user).filter(state=RevokeState.PENDING)
