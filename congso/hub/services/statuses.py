"""Status packages (standards §4.6): read once (envelope, status, XML signature), accepted only
from a recipient of the document they report on (named by its sender and DocumentId), relayed to
that sender, and noted on the reporter's deliveries for the operator view."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from congso.hub import conf
from congso.hub.constants import BusinessKind, MessageKind
from congso.hub.errors import HubSenderMismatch, HubUnprocessable
from congso.hub.models import Delivery, Member, Message
from congso.hub.services import intake
from congso.hub.services.intake import (
    Accepted,
    Lookups,
    Pending,
    Read,
    codec_refusal,
    idempotency_key,
    record_once,
    refused_log,
    signature_require,
)
from congso.hub.signers import signer_check
from congso.hub.storage import Upload


def status_accept(*, sender: Member, upload: Upload) -> Accepted:
    """Take a status package (standards §4.6) and relay it to the sender of the document.

    The document is the one the status names by its sender (ResponseFor/OrganId) and DocumentId
    together, never by DocumentId alone: only a recipient of that sender's document may report on
    it (else 422 `hub_unknown_document`), and the status goes to that sender only. The same
    (sender, DocumentId, StatusCode, Timestamp) again returns the first status (`_status_key`).
    """
    checked = status_check(sender, status_read(sender, upload), Lookups())
    return checked if isinstance(checked, Accepted) else record_once(checked)


def status_read(sender: Member, upload: Upload) -> Read:
    from congso.exchange.lib import EdxmlError, StatusReading

    try:
        # one reading (one parse when small) for read_envelope, parse_status and
        # verify_xml_signature, each answering, in this order, as that call alone would
        try:
            reading = StatusReading(upload.source)
            envelope = reading.envelope()
        except EdxmlError as exc:
            raise codec_refusal(exc) from exc
        if envelope.kind != MessageKind.STATUS:
            raise HubUnprocessable(
                "Gói tin văn bản phải gửi tới messages/, không phải statuses/.",
                code="hub_wrong_kind",
            )
        if envelope.from_code != sender.code:
            raise HubSenderMismatch(
                f"Nơi gửi trong gói tin trạng thái ({envelope.from_code}) không phải đơn vị đã "
                f"xác thực ({sender.code})."
            )
        try:
            status = reading.status()
            if conf.require_xml_signature():
                check = reading.signature()
                signature_require(check)
                signer_check(sender, check.certificate_der)
        except EdxmlError as exc:
            raise codec_refusal(exc) from exc
    except (HubUnprocessable, HubSenderMismatch) as exc:
        refused_log(sender, exc.code)
        raise
    document_id = envelope.response_for_document_id or status.response_for_document_id
    original_sender = envelope.to_codes[0] if envelope.to_codes else status.to_orgs[0].code
    return Read(
        upload=upload,
        envelope=envelope,
        key=_status_key(sender, original_sender, document_id, status),
        status=status,
        document_id=document_id,
        original_sender=original_sender,
    )


def _status_key(sender: Member, original_sender: str, document_id: str, status: Any) -> str:
    """(reporter, DocumentId, StatusCode, Timestamp), and the document's sender when the
    DocumentId does not name it: two documents of one DocumentId from different senders
    (ids in another form, or sent before the hub checked issuers) get a status each. The key of
    a DocumentId that names its sender is as it always was, so a status sent again after an
    upgrade is still the same status."""
    from congso.exchange.lib import document_id_issuer

    parts = [MessageKind.STATUS, sender.code, document_id]
    if document_id_issuer(document_id) != original_sender:
        parts.append(f"to:{original_sender}")
    return idempotency_key(*parts, status.status_code, str(status.timestamp))


def status_check(sender: Member, read: Read, lookups: Lookups) -> Accepted | Pending:
    answered = lookups.answered(sender, read.original_sender, read.document_id)
    if answered is None:
        exc = HubUnprocessable(
            f"Đơn vị không nhận văn bản {read.document_id} của {read.original_sender} qua trục "
            "nên không thể báo trạng thái.",
            code="hub_unknown_document",
            details={"document_id": read.document_id, "sender": read.original_sender},
        )
        refused_log(sender, exc.code)
        raise exc
    repeat = lookups.repeat(read.key)
    if repeat is not None:
        read.upload.discard()
        return repeat
    original, status_code, upload = answered.message, read.status.status_code, read.upload
    message = Message(
        kind=MessageKind.STATUS,
        sender=sender,
        document_id=original.document_id,
        business=BusinessKind.NEW,
        status_code=status_code,
        refers_to=original,
        sha256=upload.sha256,
        size=upload.size,
        idempotency_key=read.key,
    )
    return Pending(
        key=read.key,
        upload=upload,
        message=message,
        recipients=[original.sender],
        audit_data={
            "member": sender.code,
            "document_id": original.document_id,
            "status_code": status_code,
            "relayed_to": original.sender.code,
        },
        answers=(original, status_code),
    )


def _answered_many(sender: Member, reads: Sequence[Read]) -> dict[tuple[str, str], Delivery]:
    """For each (document's sender, DocumentId) the statuses answer: the reporter's oldest
    not-revoked delivery of that document (`Lookups.answered`), all in one query."""
    wanted = {(r.original_sender, r.document_id) for r in reads}
    rows = intake.answered_deliveries(
        sender, sorted({code for code, _ in wanted}), sorted({d for _, d in wanted})
    ).order_by("message__created_at", "pk")
    found: dict[tuple[str, str], Delivery] = {}
    for delivery in rows:
        pair = (delivery.message.sender.code, delivery.message.document_id)
        if pair in wanted:
            found.setdefault(pair, delivery)
    return found


def statuses_prefetch(sender: Member, reads: list[Read]) -> Lookups:
    return Lookups(
        repeats=intake.repeats_of([r.key for r in reads]) if reads else {},
        answered=_answered_many(sender, reads) if reads else {},
    )
