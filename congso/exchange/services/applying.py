"""Applying status replies received from the hub (standards.md §4.6) to the outgoing
document's recipient rows, so the sender sees each recipient's current status.

A status package lands on the `OutgoingRecipient` it answers: the outgoing document found by its
DocumentId, the recipient by the replying organisation. Every reply is kept as a
`RecipientStatusEvent` (once: the same reply again is a duplicate); an older reply arriving
late never hides a newer one. A status for a document this installation did not send, or one
that cannot be read, is logged as an incident (statuses are not replied to).

`status_page_apply` applies a poll's page at once (docs/adr/0019): each package verified on
its own, then one transaction for the page with one statement per table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from congso.audit.services import AuditItem, audit_record_many
from congso.core.bulk import rows_update
from congso.documents.constants import DeliveryStatus
from congso.documents.models import OutgoingDocument, OutgoingRecipient
from congso.exchange import lib
from congso.exchange.models import IncidentKind, RecipientStatusEvent
from congso.exchange.services.common import (
    ExchangeAction,
    agency_by_code,
    incident_record,
)
from congso.exchange.services.packages import ParsedDocumentId, parse_document_id
from congso.exchange.transport import ReceivedItem, Transport, TransportError


def _refuse_status(transport: Transport, item: ReceivedItem, code: str, message: str) -> str:
    incident_record(
        kind=IncidentKind.STATUS_REFUSED,
        code=code,
        message=message,
        agency=agency_by_code(transport.member_code),
        hub_message_id=item.id,
        sender_code=item.from_code,
        recipient_code=transport.member_code,
        document_id=item.document_id,
        audit_action=ExchangeAction.STATUS_REFUSED,
    )
    return "refused"


def _verified_status(raw: bytes) -> tuple[Any, str, str]:
    """(status, problem code, problem message): the status is None when it is refused."""
    try:  # parse_status, then verify_xml_signature: their errors in that order, one parse
        status, check = lib.parse_status_checked(raw)
    except lib.EdxmlError as exc:
        return None, exc.code, exc.message_vi
    if not check.valid:
        code = check.problem_code or "edxml_signature_invalid"
        missing = code == "edxml_signature_missing"
        if not missing or settings.EXCHANGE_REQUIRE_XML_SIGNATURE:
            return None, code, check.message_vi or "Chữ ký số XML của gói tin không hợp lệ."
    return status, "", ""


def _refuse_mismatch(transport: Transport, item: ReceivedItem, status: Any) -> str:
    return _refuse_status(
        transport,
        item,
        "exchange_sender_mismatch",
        f"Gói tin trạng thái ghi nơi gửi {status.from_org.code}, trục báo {item.from_code}.",
    )


def _refuse_unknown(transport: Transport, item: ReceivedItem, status: Any) -> str:
    return _refuse_status(
        transport,
        item,
        "exchange_unknown_document",
        f"Trạng thái cho văn bản không do cơ quan gửi: {status.response_for_document_id}.",
    )


def _land(recipient: OutgoingRecipient, status: Any, at: dt.datetime) -> list[str]:
    """Show the reply on the recipient row unless a newer one is there; the changed fields
    ([] when the reply is older). Timestamps travel to the second, so on a tie the later code
    of the handling (01 < 03 < 04 …) wins."""
    if recipient.exchange_status_at and (at, status.status_code) < (
        recipient.exchange_status_at,
        recipient.exchange_status_code,
    ):
        return []
    recipient.exchange_status_code = status.status_code
    recipient.exchange_status_at = at
    recipient.exchange_status_description = (status.description or "")[:500]
    fields = ["exchange_status_code", "exchange_status_at", "exchange_status_description"]
    if status.status_code != "02" and recipient.delivery_status != DeliveryStatus.DELIVERED:
        recipient.delivery_status = DeliveryStatus.DELIVERED
        recipient.delivered_at = at
        fields += ["delivery_status", "delivered_at"]
    return fields


def _applied_data(recipient: OutgoingRecipient, status: Any, item: ReceivedItem) -> dict[str, Any]:
    return {
        "recipient_id": recipient.pk,
        "status_code": status.status_code,
        "hub_status_id": item.id,
    }


# --- a page at once ------------------------------------------------------------------------------


@dataclass
class _Verified:
    index: int
    item: ReceivedItem
    status: Any
    at: dt.datetime


def status_page_apply(
    *, transport: Transport, items: list[ReceivedItem], ack: Callable[[str], None]
) -> list[str]:
    """Apply a page of status packages (each claimed by the caller); one outcome per item, in
    order: "applied", "stale", "duplicate", "refused" or "retry". The bytes of an item the hub
    did not send with the list are fetched alone."""
    outcomes: list[str | None] = [None] * len(items)
    known = set(
        RecipientStatusEvent.objects.filter(
            hub_status_id__in=[item.id[:64] for item in items]
        ).values_list("hub_status_id", flat=True)
    )
    verified: list[_Verified] = []
    for index, item in enumerate(items):
        if item.id[:64] in known:
            outcomes[index] = "duplicate"  # applied before; its acknowledgement was lost
            ack(item.id)
        else:
            raw = item.content
            if raw is None:  # not sent with the list: asked for alone
                try:
                    raw = transport.fetch_status(item.id)
                except TransportError:
                    outcomes[index] = "retry"  # still listed on the hub; the next poll tries
                    continue
            outcomes[index] = _verify(transport, item, raw, index, verified)
            if outcomes[index] is not None:
                ack(item.id)
    if verified:
        with transaction.atomic():
            _apply_page(transport, verified, outcomes)
        for one in verified:
            ack(one.item.id)
    return [outcome or "retry" for outcome in outcomes]


def _verify(
    transport: Transport, item: ReceivedItem, raw: bytes, index: int, verified: list[_Verified]
) -> str | None:
    """None when the status is kept for the page (added to `verified`), else its outcome."""
    status, code, problem = _verified_status(raw)
    if status is None:
        return _refuse_status(transport, item, code, problem)
    if item.from_code and status.from_org.code != item.from_code:
        return _refuse_mismatch(transport, item, status)
    verified.append(_Verified(index, item, status, status.timestamp or timezone.now()))
    return None


def _recipients(
    verified: list[_Verified], member_code: str
) -> dict[tuple[str, str], OutgoingRecipient]:
    """(DocumentId, replying organisation) → this installation's recipient row, locked: two
    queries for the page."""
    parsed: dict[str, ParsedDocumentId] = {}
    for one in verified:
        found = parse_document_id(one.status.response_for_document_id)
        if found is not None and found.organ_id == member_code:
            parsed[one.status.response_for_document_id] = found
    if not parsed:
        return {}
    # every DocumentId names this member (checked above): the documents of its agency with those
    # numbers and dates, matched exactly below (one short query, not an OR of one clause each)
    wanted = {(p.issued_on, p.code_number, p.code_notation) for p in parsed.values()}
    documents = {
        numbered: d.pk
        for d in OutgoingDocument.objects.filter(
            agency__code_qcvn102=member_code,
            issued_on__in={p.issued_on for p in parsed.values()},
            code_number__in={p.code_number for p in parsed.values()},
        ).only("pk", "issued_on", "code_number", "code_notation")
        if (numbered := (d.issued_on, d.code_number, d.code_notation)) in wanted
    }
    document_of = {
        document_id: documents.get((p.issued_on, p.code_number, p.code_notation))
        for document_id, p in parsed.items()
    }
    rows = {
        (row.document_id, row.organ_id): row
        for row in OutgoingRecipient.objects.select_for_update(of=("self",))
        .select_related("document")
        .filter(
            document_id__in=[pk for pk in document_of.values() if pk is not None],
            agency__isnull=True,
            organ_id__in={one.status.from_org.code for one in verified},
        )
        .order_by("pk")
    }
    found_rows: dict[tuple[str, str], OutgoingRecipient] = {}
    for one in verified:
        key = (one.status.response_for_document_id, one.status.from_org.code)
        document_pk = document_of.get(key[0])
        row = rows.get((document_pk, key[1])) if document_pk is not None else None
        if row is not None:
            found_rows[key] = row
    return found_rows


def _apply_page(
    transport: Transport, verified: list[_Verified], outcomes: list[str | None]
) -> None:
    recipients = _recipients(verified, transport.member_code)
    ids = {row.pk for row in recipients.values()}
    existing = set(
        RecipientStatusEvent.objects.filter(recipient_id__in=ids).values_list(
            "recipient_id", "status_code", "occurred_at"
        )
    )
    events: list[RecipientStatusEvent] = []
    changed: dict[int, tuple[OutgoingRecipient, set[str]]] = {}
    applied: list[AuditItem] = []
    for one in verified:  # in the hub's order, as one at a time would (`_land` keeps the newest)
        status = one.status
        recipient = recipients.get((status.response_for_document_id, status.from_org.code))
        if recipient is None:
            outcomes[one.index] = _refuse_unknown(transport, one.item, status)
            continue
        key = (recipient.pk, status.status_code, one.at)
        if key in existing:
            outcomes[one.index] = "duplicate"
            continue
        existing.add(key)
        events.append(
            RecipientStatusEvent(
                recipient=recipient,
                status_code=status.status_code,
                occurred_at=one.at,
                description=(status.description or "")[:500],
                hub_status_id=one.item.id[:64],
            )
        )
        fields = _land(recipient, status, one.at)
        if not fields:
            outcomes[one.index] = "stale"
            continue
        changed.setdefault(recipient.pk, (recipient, set()))[1].update(fields)
        applied.append(
            AuditItem(
                action=ExchangeAction.STATUS_APPLIED,
                target=recipient.document,
                agency_id=recipient.document.agency_id,
                data=_applied_data(recipient, status, one.item),
            )
        )
        outcomes[one.index] = "applied"
    RecipientStatusEvent.objects.bulk_create(events)
    by_fields: dict[tuple[str, ...], list[OutgoingRecipient]] = {}
    for row, row_fields in changed.values():
        by_fields.setdefault(tuple(sorted(row_fields)), []).append(row)
    for names, same in by_fields.items():  # one statement run per set of changed fields
        rows_update(
            OutgoingRecipient,
            names,
            [(row.pk, *(getattr(row, name) for name in names)) for row in same],
        )
    audit_record_many(applied)
