"""Status replies (phản hồi trạng thái, QCVN 102:2016; standards.md §4.6) this installation
sends; applying those received is services/applying.py.

Replying: registering a received package queues 01 ("đã đến") in the same transaction, so the
sender hears the same day (Nghị định 30/2020/NĐ-CP, Điều 21 khoản 2 điểm c); each later change
of the incoming document (documents.hooks) queues 03/04/05/06, or 02 with the clerk's reason
(Điều 21 khoản 2 điểm b). Each reply is an outbox row (`StatusMessage`) sent after commit and
retried by the sweep with back-off; replies of one member travel to the hub in batches
(`status_batch_send`, docs/adr/0019).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from congso.audit.services import AuditItem, audit_record, audit_record_many
from congso.core.bulk import rows_update
from congso.documents.constants import IncomingStatus
from congso.documents.models import IncomingDocument
from congso.documents.services.incoming_status import STATUS_CODES
from congso.exchange import lib
from congso.exchange.lib.config import DEFAULT_STATUS_CODES
from congso.exchange.models import (
    ExchangeReceipt,
    IncidentKind,
    StatusMessage,
    StatusMessageState,
)
from congso.exchange.services import config
from congso.exchange.services.common import (
    ExchangeAction,
    agency_by_code,
    claim_due_many,
    incident_record,
    sends_settle,
)
from congso.exchange.services.packages import status_package
from congso.exchange.transport import Transport, TransportError

# Codes the documents states map to that a receiver reports (15 is the revocation answer).
REPORTED_CODES = {"01", "02", "03", "04", "05", "06"}
LEASE = dt.timedelta(minutes=5)


def _description(receipt: ExchangeReceipt, code: str, reason: str = "") -> str:
    label = DEFAULT_STATUS_CODES.get(code, code)
    agency = receipt.incoming_document.agency.name
    text = f"Văn thư - {agency}: {label}"
    return f"{text}. Lý do: {reason}"[:500] if reason else text[:500]


def _schedule_send(status_id: int) -> None:
    from congso.exchange.tasks import status_send

    # robust: a broker that is down must not fail the state change; the sweep sends it later
    transaction.on_commit(lambda: status_send.delay(status_id=status_id), robust=True)


def status_message_queue(
    *,
    from_code: str,
    to_code: str,
    document_id: str,
    response_for_code: str,
    status_code: str,
    description: str,
    receipt: ExchangeReceipt | None = None,
) -> StatusMessage:
    """Queue one reply in the caller's transaction; it is sent once that commits."""
    message = StatusMessage(
        from_code=from_code,
        to_code=to_code,
        document_id=document_id,
        response_for_code=response_for_code[:50],
        status_code=status_code,
        description=description[:500],
        occurred_at=timezone.now(),
        receipt=receipt,
    )
    message.full_clean()
    message.save()
    audit_record(
        actor=None,
        action=ExchangeAction.STATUS_QUEUED,
        target=message,
        agency_id=receipt.incoming_document.agency_id if receipt else None,
        data={"status_code": status_code, "document_id": document_id, "to": to_code},
    )
    _schedule_send(message.pk)
    return message


def receipt_status_queue(*, receipt: ExchangeReceipt, status_code: str, reason: str = "") -> bool:
    """Queue `status_code` for a registered package unless it is the last one reported."""
    return bool(receipts_status_queue(receipts=[receipt], status_code=status_code, reasons={}))


def receipts_status_queue(
    *, receipts: list[ExchangeReceipt], status_code: str, reasons: dict[int, str]
) -> list[StatusMessage]:
    """Queue `status_code` for each registered package that did not report it last, in the
    caller's transaction, with one audit chain append for all (`reasons`: by receipt pk);
    one send is scheduled after commit (it takes the member's other due replies too)."""
    due = [
        r for r in receipts if status_code in REPORTED_CODES and r.last_status_code != status_code
    ]
    if not due:
        return []
    for receipt in due:
        receipt.last_status_code = status_code
    ExchangeReceipt.objects.filter(pk__in=[r.pk for r in due]).update(last_status_code=status_code)
    return new_receipts_statuses_queue(receipts=due, codes=[status_code], reasons=reasons)


def new_receipts_statuses_queue(
    *, receipts: list[ExchangeReceipt], codes: list[str], reasons: dict[int, str] | None = None
) -> list[StatusMessage]:
    """Queue `codes` in order for each receipt (the caller has set `last_status_code`; a page
    of arrivals registered on arrival answers 01 and 03 at once), with one audit chain append
    for all; one send is scheduled after commit."""
    if not receipts or not codes:
        return []
    now = timezone.now()
    pairs = [(receipt, code) for receipt in receipts for code in codes]
    messages = [
        StatusMessage(
            from_code=receipt.recipient_code,
            to_code=receipt.sender_code,
            document_id=receipt.document_id,
            response_for_code=receipt.response_for_code[:50],
            status_code=code,
            description=_description(receipt, code, (reasons or {}).get(receipt.pk, ""))[:500],
            occurred_at=now,
            receipt=receipt,
        )
        for receipt, code in pairs
    ]
    for message in messages:
        message.clean_fields(exclude=["receipt"])  # the receipts are the caller's own rows
    StatusMessage.objects.bulk_create(messages)
    audit_record_many(
        [
            AuditItem(
                action=ExchangeAction.STATUS_QUEUED,
                target=message,
                agency_id=receipt.incoming_document.agency_id,
                data={
                    "status_code": message.status_code,
                    "document_id": message.document_id,
                    "to": message.to_code,
                },
            )  # fmt: skip
            for message, (receipt, _code) in zip(messages, pairs, strict=True)
        ]
    )
    _schedule_send(messages[0].pk)
    return messages


def revoke_status_queue(
    *,
    receipt: ExchangeReceipt | None,
    status_code: str,
    reason: str = "",
    request: Any = None,
) -> StatusMessage:
    """Queue an answer to a revoke package: 13 (registered, the clerk decides), 15 (agreed) or
    16 (refused). Without a receipt (document unknown here) the answer names the `request`'s
    sender and DocumentId."""
    if receipt is None:
        return status_message_queue(
            from_code=request.recipient_code,
            to_code=request.sender_code,
            document_id=request.document_id,
            response_for_code="",
            status_code=status_code,
            description=f"{DEFAULT_STATUS_CODES.get(status_code, status_code)}. Lý do: {reason}",
        )
    message = status_message_queue(
        from_code=receipt.recipient_code,
        to_code=receipt.sender_code,
        document_id=receipt.document_id,
        response_for_code=receipt.response_for_code,
        status_code=status_code,
        description=_description(receipt, status_code, reason),
        receipt=receipt,
    )
    receipt.last_status_code = status_code
    receipt.save(update_fields=["last_status_code"])
    return message


def incoming_state_listener(document_ids: list[int], new_state: str) -> None:
    """documents.hooks listener: incoming documents changed state inside the current
    transaction; the senders of those that came through the hub hear the new status code."""
    code = STATUS_CODES.get(IncomingStatus(new_state))
    if code is None:
        return
    # FOR UPDATE OF the receipts only: a plain FOR UPDATE over the join would also lock the
    # agency row, which every registration's foreign-key check needs (FOR KEY SHARE) while it
    # holds the audit chain head — a deadlock with the clerk's acceptance (benchmarks.md)
    receipts = list(
        ExchangeReceipt.objects.select_for_update(of=("self",))
        .select_related("incoming_document__agency")
        .filter(incoming_document_id__in=document_ids)
        .order_by("pk")
    )
    if not receipts:
        return
    reasons: dict[int, str] = {}
    if new_state == IncomingStatus.RETURNED:
        returned = dict(
            IncomingDocument.objects.filter(pk__in=document_ids).values_list("pk", "return_reason")
        )
        reasons = {r.pk: returned.get(r.incoming_document_id) or "" for r in receipts}
    receipts_status_queue(receipts=receipts, status_code=code, reasons=reasons)


def status_message_send(*, status_id: int, transport: Transport | None = None) -> str:
    """Send one queued reply (idempotent: a reply already sent or claimed is left alone), with
    the other due replies of the same member (`status_batch_send`). Returns its state."""
    return status_batch_send(first=status_id, transport=transport).get(status_id, "skipped")


def status_batch_send(
    *,
    first: int | None = None,
    from_code: str | None = None,
    transport: Transport | None = None,
    limit: int | None = None,
) -> dict[int, str]:
    """Send due replies of one member in one call to the hub: `first` (when due) and that
    member's other due replies, or those of `from_code`, up to EXCHANGE_SEND_BATCH. Each is
    claimed, built, handed over and marked on its own terms; those sent are marked in one
    transaction. Returns each claimed reply's state."""
    pending = StatusMessage.objects.filter(state=StatusMessageState.PENDING)
    if first is not None:
        from_code = pending.filter(pk=first).values_list("from_code", flat=True).first()
        if from_code is None:
            return {}
    if from_code is not None:
        pending = pending.filter(from_code=from_code)
    rows = claim_due_many(
        pending, lease=LEASE, limit=limit or int(settings.EXCHANGE_SEND_BATCH), first=first
    )
    states: dict[int, str] = {}
    for code in sorted({row.from_code for row in rows}):
        group = [row for row in rows if row.from_code == code]
        outcomes = _send_statuses(group, code, transport)
        states |= sends_settle(
            group,
            outcomes,
            mark_sent=_mark_sent,
            failed=_send_failed,
            sent_state=StatusMessageState.SENT,
        )
    return states


def _send_statuses(
    group: list[StatusMessage], from_code: str, transport: Transport | None
) -> list[str | TransportError]:
    """Build and sign each reply, then hand them over in one call; one outcome each."""
    agency = agency_by_code(from_code)
    key = config.xml_key()
    signer = lib.XmlSigner(key.private_key, key.certificate)
    outcomes: list[str | TransportError | None] = []
    built: list[tuple[int, bytes]] = []
    try:
        sender = transport or config.transport_for(from_code)
    except LookupError as exc:
        return [TransportError(str(exc), code="exchange_status_unsendable", permanent=True)] * len(
            group
        )
    for index, message in enumerate(group):
        package = status_package(
            from_agency=agency,
            from_code=message.from_code,
            to_code=message.to_code,
            document_id=message.document_id,
            response_for_code=message.response_for_code,
            status_code=message.status_code,
            description=message.description,
            at=message.occurred_at,
        )
        try:
            built.append((index, lib.build_status(package, signer=signer)))
            outcomes.append(None)
        except lib.EdxmlError as exc:
            outcomes.append(
                TransportError(str(exc), code="exchange_status_unsendable", permanent=True)
            )
    if built:
        try:
            answers = sender.send_statuses([data for _index, data in built])
        except TransportError as exc:
            answers = [exc] * len(built)
        for (index, _data), answer in zip(built, answers, strict=True):
            outcomes[index] = answer
    return [outcome if outcome is not None else TransportError("?") for outcome in outcomes]


def _mark_sent(sent: list[tuple[StatusMessage, str]]) -> None:
    if not sent:
        return
    now = timezone.now()
    with transaction.atomic():
        rows_update(
            StatusMessage,
            ["state", "hub_status_id", "sent_at", "last_error", "next_attempt_at"],
            [
                (message.pk, StatusMessageState.SENT, hub_id[:64], now, "", None)
                for message, hub_id in sent
            ],
        )
        audit_record_many(
            [
                AuditItem(
                    action=ExchangeAction.STATUS_SENT,
                    target=message,
                    data={"status_code": message.status_code, "hub_status_id": hub_id},
                )
                for message, hub_id in sent
            ]
        )


def _send_failed(message: StatusMessage, code: str, error: str, *, permanent: bool) -> str:
    exhausted = message.attempts >= settings.EXCHANGE_SEND_MAX_ATTEMPTS
    with transaction.atomic():
        if permanent or exhausted:
            StatusMessage.objects.filter(pk=message.pk).update(
                state=StatusMessageState.FAILED, last_error=error[:500], next_attempt_at=None
            )
            incident_record(
                kind=IncidentKind.STATUS_SEND_FAILED,
                code=code,
                message=f"Không gửi được trạng thái {message.status_code}: {error}",
                agency=agency_by_code(message.from_code),
                sender_code=message.to_code,
                recipient_code=message.from_code,
                document_id=message.document_id,
                audit_action=ExchangeAction.STATUS_FAILED,
            )
            return StatusMessageState.FAILED
        StatusMessage.objects.filter(pk=message.pk).update(
            last_error=error[:500],
            next_attempt_at=timezone.now() + config.retry_delay(message.attempts),
        )
    return StatusMessageState.PENDING
