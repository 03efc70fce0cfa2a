"""Status replies (phản hồi trạng thái, QCVN 102:2016; standards.md §4.6), both ways.

Replying: registering a received package queues 01 ("đã đến") in the same transaction, so the
sender hears the same day (Nghị định 30/2020/NĐ-CP, Điều 21 khoản 2 điểm c); each later change
of the incoming document (documents.hooks) queues 03/04/05/06, or 02 with the clerk's reason
(Điều 21 khoản 2 điểm b). Each reply is an outbox row (`StatusMessage`) sent after commit and
retried by the sweep with back-off.

Applying: a status package received from the hub lands on the `OutgoingRecipient` it answers
(the outgoing document found by its DocumentId, the recipient by the replying organisation), so
the sender sees each recipient's current status on the document.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from congso.audit.services import audit_record
from congso.documents.constants import DeliveryStatus, IncomingStatus
from congso.documents.models import IncomingDocument, OutgoingDocument, OutgoingRecipient
from congso.documents.services.incoming_status import STATUS_CODES
from congso.exchange import lib
from congso.exchange.lib.config import DEFAULT_STATUS_CODES
from congso.exchange.models import (
    ExchangeReceipt,
    IncidentKind,
    RecipientStatusEvent,
    StatusMessage,
    StatusMessageState,
)
from congso.exchange.services import config
from congso.exchange.services.common import (
    ExchangeAction,
    agency_by_code,
    claim_due,
    incident_record,
)
from congso.exchange.services.packages import parse_document_id, status_package
from congso.exchange.transport import ReceivedItem, Transport, TransportError

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
    if status_code not in REPORTED_CODES or receipt.last_status_code == status_code:
        return False
    status_message_queue(
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
    return True


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


def incoming_state_listener(document_id: int, new_state: str) -> None:
    """documents.hooks listener: an incoming document changed state inside the current
    transaction; if it came through the hub, its sender hears the new status code."""
    # FOR UPDATE OF the receipt only: a plain FOR UPDATE over the join would also lock the
    # agency row, which every registration's foreign-key check needs (FOR KEY SHARE) while it
    # holds the audit chain head — a deadlock with the clerk's acceptance (benchmarks.md)
    receipt = (
        ExchangeReceipt.objects.select_for_update(of=("self",))
        .select_related("incoming_document__agency")
        .filter(incoming_document_id=document_id)
        .first()
    )
    if receipt is None:
        return
    code = STATUS_CODES.get(IncomingStatus(new_state))
    if code is None:
        return
    reason = ""
    if new_state == IncomingStatus.RETURNED:
        reason = (
            IncomingDocument.objects.filter(pk=document_id)
            .values_list("return_reason", flat=True)
            .first()
            or ""
        )
    receipt_status_queue(receipt=receipt, status_code=code, reason=reason)


def status_message_send(*, status_id: int, transport: Transport | None = None) -> str:
    """Send one queued reply (idempotent: a reply already sent or claimed is left alone).
    Returns the resulting state."""
    message = claim_due(
        StatusMessage.objects.filter(state=StatusMessageState.PENDING), pk=status_id, lease=LEASE
    )
    if message is None:
        return "skipped"
    try:
        sender = transport or config.transport_for(message.from_code)
        package = status_package(
            from_agency=agency_by_code(message.from_code),
            from_code=message.from_code,
            to_code=message.to_code,
            document_id=message.document_id,
            response_for_code=message.response_for_code,
            status_code=message.status_code,
            description=message.description,
            at=message.occurred_at,
        )
        key = config.xml_key()
        data = lib.build_status(package, signer=lib.XmlSigner(key.private_key, key.certificate))
        hub_id = sender.send_status(data)
    except TransportError as exc:
        return _send_failed(message, exc.code, exc.message, permanent=exc.permanent)
    except (LookupError, lib.EdxmlError) as exc:
        return _send_failed(message, "exchange_status_unsendable", str(exc), permanent=True)
    with transaction.atomic():
        StatusMessage.objects.filter(pk=message.pk).update(
            state=StatusMessageState.SENT,
            hub_status_id=hub_id[:64],
            sent_at=timezone.now(),
            last_error="",
            next_attempt_at=None,
        )
        audit_record(
            actor=None,
            action=ExchangeAction.STATUS_SENT,
            target=message,
            data={"status_code": message.status_code, "hub_status_id": hub_id},
        )
    return StatusMessageState.SENT


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


# --- applying replies received -----------------------------------------------------------------


def _recipient_for(document_id: str, from_code: str, member_code: str) -> OutgoingRecipient | None:
    parsed = parse_document_id(document_id)
    if parsed is None or parsed.organ_id != member_code:
        return None
    document = OutgoingDocument.objects.filter(
        agency__code_qcvn102=parsed.organ_id,
        issued_on=parsed.issued_on,
        code_number=parsed.code_number,
        code_notation=parsed.code_notation,
    ).first()
    if document is None:
        return None
    return (
        OutgoingRecipient.objects.select_for_update()
        .filter(document=document, agency__isnull=True, organ_id=from_code)
        .first()
    )


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


def status_package_apply(*, transport: Transport, item: ReceivedItem) -> str:
    """Read one status package waiting on the hub, apply it to the recipient row it answers,
    then acknowledge it. A status for a document this installation did not send, or one that
    cannot be read, is logged as an incident (never answered: statuses are not replied to)."""
    if RecipientStatusEvent.objects.filter(hub_status_id=item.id[:64]).exists():
        transport.ack_status(item.id)  # applied before; its acknowledgement was lost
        return "duplicate"
    try:
        raw = transport.fetch_status(item.id)
    except TransportError:
        return "retry"  # still listed on the hub; the next poll tries again
    result = _apply(transport, item, raw)
    transport.ack_status(item.id)
    return result


def _verified_status(raw: bytes) -> tuple[Any, str, str]:
    """(status, problem code, problem message): the status is None when it is refused."""
    try:
        status = lib.parse_status(raw)
    except lib.EdxmlError as exc:
        return None, exc.code, exc.message_vi
    try:
        check = lib.verify_xml_signature(raw)
    except lib.EdxmlError as exc:
        return None, exc.code, exc.message_vi
    if not check.valid:
        code = check.problem_code or "edxml_signature_invalid"
        missing = code == "edxml_signature_missing"
        if not missing or settings.EXCHANGE_REQUIRE_XML_SIGNATURE:
            return None, code, check.message_vi or "Chữ ký số XML của gói tin không hợp lệ."
    return status, "", ""


@transaction.atomic
def _apply(transport: Transport, item: ReceivedItem, raw: bytes) -> str:
    status, code, problem = _verified_status(raw)
    if status is None:
        return _refuse_status(transport, item, code, problem)
    from_code = status.from_org.code
    if item.from_code and from_code != item.from_code:
        return _refuse_status(
            transport,
            item,
            "exchange_sender_mismatch",
            f"Gói tin trạng thái ghi nơi gửi {from_code}, trục báo {item.from_code}.",
        )
    recipient = _recipient_for(status.response_for_document_id, from_code, transport.member_code)
    if recipient is None:
        return _refuse_status(
            transport,
            item,
            "exchange_unknown_document",
            f"Trạng thái cho văn bản không do cơ quan gửi: {status.response_for_document_id}.",
        )
    at = status.timestamp or timezone.now()
    _event, created = RecipientStatusEvent.objects.get_or_create(
        recipient=recipient,
        status_code=status.status_code,
        occurred_at=at,
        defaults={"description": (status.description or "")[:500], "hub_status_id": item.id[:64]},
    )
    if not created:
        return "duplicate"  # the same reply again (the recipient row is locked: no race)
    # an older reply arriving late never hides a newer one; timestamps travel to the second, so
    # on a tie the later code of the handling (01 < 03 < 04 …) wins
    if recipient.exchange_status_at and (at, status.status_code) < (
        recipient.exchange_status_at,
        recipient.exchange_status_code,
    ):
        return "stale"
    recipient.exchange_status_code = status.status_code
    recipient.exchange_status_at = at
    recipient.exchange_status_description = (status.description or "")[:500]
    fields = ["exchange_status_code", "exchange_status_at", "exchange_status_description"]
    if status.status_code != "02" and recipient.delivery_status != DeliveryStatus.DELIVERED:
        recipient.delivery_status = DeliveryStatus.DELIVERED
        recipient.delivered_at = at
        fields += ["delivery_status", "delivered_at"]
    recipient.save(update_fields=fields)
    audit_record(
        actor=None,
        action=ExchangeAction.STATUS_APPLIED,
        target=recipient.document,
        agency_id=recipient.document.agency_id,
        data={
            "recipient_id": recipient.pk,
            "status_code": status.status_code,
            "hub_status_id": item.id,
        },
    )
    return "applied"
