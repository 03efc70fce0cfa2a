"""Accepting, relaying and acknowledging packages: the hub's store-and-forward core.

Order of checks on a document package (cheapest first, nothing stored until all pass): the header
is read with the codec's streaming `read_envelope`; the package must be an edoc, not secret, from
the caller, to registered members; then the whole package is validated and its XML signature
verified, in one streaming pass of the codec (`validate_checked`). Only then are the bytes kept
and the deliveries written, in one transaction with the audit entry, so a refused package leaves
nothing behind.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from django.db import transaction

from congso.audit.services import audit_record
from congso.hub import conf
from congso.hub.constants import BusinessKind, DeliveryState, HubAuditAction, MessageKind
from congso.hub.errors import HubSenderMismatch, HubUnprocessable
from congso.hub.models import Delivery, Member, Message
from congso.hub.services import intake
from congso.hub.services.intake import (
    Accepted,
    Lookups,
    Pending,
    Read,
    codec_refusal,
    envelope_read,
    idempotency_key,
    record_once,
    refused_log,
    signature_require,
)
from congso.hub.services.wakeups import deliveries_made
from congso.hub.signers import signer_check
from congso.hub.storage import Upload


def message_accept(*, sender: Member, upload: Upload) -> Accepted:
    """Take a document package from `sender` and queue it for each recipient.

    The same (sender, DocumentId, business, SHA-256) again returns the first message and creates
    no delivery (at-least-once senders, exactly-once deliveries). Secret documents never travel
    (issue 5, part 4): the hub refuses them whatever the sender's own checks said.
    """
    checked = message_check(sender, message_read(sender, upload), Lookups())
    return checked if isinstance(checked, Accepted) else record_once(checked)


def message_read(sender: Member, upload: Upload) -> Read:
    try:
        envelope = envelope_read(upload.source)
        if envelope.kind != MessageKind.EDOC:
            raise HubUnprocessable(
                "Gói tin trạng thái phải gửi tới statuses/, không phải messages/.",
                code="hub_wrong_kind",
            )
        if envelope.is_secret:
            raise HubUnprocessable(
                "Văn bản mật không được gửi qua trục liên thông.", code="edxml_secret_refused"
            )
        if envelope.from_code != sender.code:
            raise HubSenderMismatch(
                f"Nơi gửi trong gói tin ({envelope.from_code}) không phải đơn vị đã xác thực "
                f"({sender.code})."
            )
        business = str(envelope.business_kind or BusinessKind.NEW)
        if business not in BusinessKind.values:
            raise HubUnprocessable(
                f"Nghiệp vụ '{business}' không được hỗ trợ.", code="edxml_invalid_code"
            )
        _document_ids_check(sender, envelope, business)
    except (HubUnprocessable, HubSenderMismatch) as exc:
        refused_log(sender, exc.code)
        raise
    key = idempotency_key(
        MessageKind.EDOC, sender.code, envelope.document_id, business, upload.sha256
    )
    return Read(upload=upload, envelope=envelope, key=key, business=business)


def _document_ids_check(sender: Member, envelope: Any, business: str) -> None:
    """A member sends only its own documents: a DocumentId in the QCVN 102 form names its issuer
    (`{OrganId},{yyyy/MM/dd},{số}/{ký hiệu}`, standards §4.3 1.14), and that must be the sender.
    So must the earlier document a revoke, update or replace names (Bussiness/DocumentId): the
    hub links it to the sender's own package of that id. Statuses are routed back to the issuer
    of the document they answer; a document claiming another issuer's id would draw them. A
    DocumentId in another form names no issuer and is taken as before."""
    from congso.exchange.lib import document_id_issuer

    named = [("DocumentId", envelope.document_id)]
    if business != BusinessKind.NEW:
        named.append(("Bussiness/DocumentId", _business_target(envelope)))
    for element, document_id in named:
        issuer = document_id_issuer(document_id)
        if issuer is not None and issuer != sender.code:
            raise HubUnprocessable(
                f"Mã văn bản {element} '{document_id}' mang mã định danh {issuer} của cơ quan "
                f"ban hành khác, không phải của đơn vị gửi ({sender.code}).",
                code="hub_document_id_mismatch",
                details={"element": element, "document_id": document_id, "issuer": issuer},
            )


def message_check(sender: Member, read: Read, lookups: Lookups) -> Accepted | Pending:
    upload, envelope, business, key = read.upload, read.envelope, read.business, read.key
    try:
        repeat = lookups.repeat(key)
        if repeat is not None:
            upload.discard()
            return repeat
        recipients = _recipients_of(envelope, lookups)
        _check_whole_package(upload.source, sender)
    except (HubUnprocessable, HubSenderMismatch) as exc:
        refused_log(sender, exc.code)
        raise
    if business != BusinessKind.NEW:
        return Pending(
            key=key,
            upload=upload,
            record=partial(
                _message_record,
                sender=sender,
                envelope=envelope,
                business=business,
                key=key,
                upload=upload,
                recipients=recipients,
            ),
        )
    message = Message(
        kind=MessageKind.EDOC,
        sender=sender,
        document_id=envelope.document_id,
        business=business,
        refers_to=None,
        sha256=upload.sha256,
        size=upload.size,
        idempotency_key=key,
    )
    return Pending(
        key=key,
        upload=upload,
        message=message,
        recipients=recipients,
        audit_data=_message_audit_data(message, recipients, original=None, revoked=0),
    )


def _check_whole_package(source: bytes | Path, sender: Member) -> None:
    """Full validation and the XML signature (HUB_VALIDATE_PACKAGES, HUB_REQUIRE_XML_SIGNATURE),
    in one streaming pass of the codec when both are on."""
    from congso.exchange.lib import EdxmlError, validate, validate_checked, verify_xml_signature

    must_validate, must_verify = conf.validate_packages(), conf.require_xml_signature()
    problems: list[Any] = []
    check = None
    try:
        if must_validate and must_verify:
            problems, check = validate_checked(source)
        elif must_validate:
            problems = validate(source)
        elif must_verify:
            check = verify_xml_signature(source)
    except EdxmlError as exc:
        raise codec_refusal(exc) from exc
    if problems:
        first = problems[0]
        raise HubUnprocessable(
            first.message_vi,
            code=first.code,
            details={
                "problems": [
                    {"code": p.code, "message": p.message_vi, "path": p.path} for p in problems
                ]
            },
        )
    if check is not None:
        signature_require(check)
        signer_check(sender, check.certificate_der)


def _recipients_of(envelope: Any, lookups: Lookups) -> list[Member]:
    codes = sorted({code for code in envelope.to_codes if code})
    members = lookups.members(codes)
    unknown = [code for code in codes if code not in members]
    if not codes or unknown:
        raise HubUnprocessable(
            "Nơi nhận không phải thành viên của trục: " + (", ".join(unknown) or "(không có)"),
            code="hub_unknown_recipient",
            details={"unknown": unknown},
        )
    return [members[code] for code in codes]


def _message_audit_data(
    message: Message, recipients: list[Member], *, original: Message | None, revoked: int
) -> dict[str, Any]:
    return {
        "member": message.sender.code,
        "document_id": message.document_id,
        "business": message.business,
        "sha256": message.sha256,
        "size": message.size,
        "recipients": [r.code for r in recipients],
        "refers_to": str(original.pk) if original else None,
        "revoked_deliveries": revoked,
    }


def messages_prefetch(sender: Member, reads: list[Read]) -> Lookups:
    codes = sorted({code for r in reads for code in r.envelope.to_codes if code})
    members = Member.objects.filter(code__in=codes, is_active=True) if codes else []
    return Lookups(
        repeats=intake.repeats_of([r.key for r in reads]) if reads else {},
        members={m.code: m for m in members},
    )


def _business_target(envelope: Any) -> str:
    """The DocumentId a revoke/update/replace names (Bussiness/DocumentId, else the header's)."""
    return envelope.business_document_id or envelope.document_id


@transaction.atomic
def _message_record(
    *,
    sender: Member,
    envelope: Any,
    business: str,
    key: str,
    upload: Upload,
    stored: str,
    recipients: list[Member],
) -> Accepted:
    original = None
    if business != BusinessKind.NEW:
        original = (
            Message.objects.filter(
                kind=MessageKind.EDOC,
                sender=sender,
                document_id=_business_target(envelope),
                business=BusinessKind.NEW,
            )
            .order_by("created_at")
            .first()
        )
    message = Message.objects.create(
        kind=MessageKind.EDOC,
        sender=sender,
        document_id=envelope.document_id,
        business=business,
        refers_to=original,
        sha256=upload.sha256,
        size=upload.size,
        stored_path=stored,
        idempotency_key=key,
    )
    Delivery.objects.bulk_create([Delivery.of(message, r) for r in recipients])
    deliveries_made(r.pk for r in recipients)
    revoked = 0
    if business == BusinessKind.REVOKE and original is not None:
        # A revoked document that a recipient has not yet fetched never reaches it (docs/hub.md).
        revoked = Delivery.objects.filter(message=original, state=DeliveryState.PENDING).update(
            state=DeliveryState.REVOKED
        )
    audit_record(
        actor=None,
        action=HubAuditAction.MESSAGE_ACCEPTED,
        target=message,
        data=_message_audit_data(message, recipients, original=original, revoked=revoked),
    )
    return Accepted(message, True, [r.code for r in recipients])
