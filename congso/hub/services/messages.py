"""Accepting, relaying and acknowledging packages: the hub's store-and-forward core.

Order of checks on a document package (cheapest first, nothing stored until all pass): the header
is read with the codec's streaming `read_envelope`; the package must be an edoc, not secret, from
the caller, to registered members; then the whole package is validated and its XML signature
verified, in one streaming pass of the codec (`validate_checked`). Only then are the bytes kept
and the deliveries written, in one transaction with the audit entry, so a refused package leaves
nothing behind.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from congso.audit.services import AuditItem, audit_record, audit_record_many
from congso.core.errors import CongsoError
from congso.hub import conf
from congso.hub.constants import BusinessKind, DeliveryState, HubAuditAction, MessageKind
from congso.hub.errors import HubSenderMismatch, HubUnprocessable
from congso.hub.models import Delivery, Member, Message
from congso.hub.storage import Upload, upload_keep

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Accepted:
    message: Message
    created: bool
    recipients: list[str]


def _codec_refusal(exc: Any) -> HubUnprocessable:
    problems = [
        {"code": p.code, "message": p.message_vi, "path": getattr(p, "path", "")}
        for p in getattr(exc, "problems", [])
    ]
    return HubUnprocessable(exc.message_vi, code=exc.code, details={"problems": problems})


def _read_envelope(path: Path) -> Any:
    from congso.exchange.lib import EdxmlError, read_envelope

    try:
        return read_envelope(path)
    except EdxmlError as exc:
        raise _codec_refusal(exc) from exc


def _check_whole_package(path: Path) -> None:
    """Full validation and the XML signature (HUB_VALIDATE_PACKAGES, HUB_REQUIRE_XML_SIGNATURE),
    in one streaming pass of the codec when both are on."""
    from congso.exchange.lib import EdxmlError, validate, validate_checked, verify_xml_signature

    must_validate, must_verify = conf.validate_packages(), conf.require_xml_signature()
    problems: list[Any] = []
    check = None
    try:
        if must_validate and must_verify:
            problems, check = validate_checked(path)
        elif must_validate:
            problems = validate(path)
        elif must_verify:
            check = verify_xml_signature(path)
    except EdxmlError as exc:
        raise _codec_refusal(exc) from exc
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
    if check is not None and not check.valid:
        code = check.problem_code or "edxml_signature_invalid"
        message = (
            "Gói tin không có chữ ký số XML của đơn vị gửi."
            if code == "edxml_signature_missing"
            else "Chữ ký số XML của gói tin không hợp lệ."
        )
        raise HubUnprocessable(message, code=code)


def _idempotency_key(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _refused(sender: Member, code: str) -> None:
    logger.warning("hub refused a package from %s: %s", sender.code, code)


def _recipients_of(envelope: Any) -> list[Member]:
    codes = sorted({code for code in envelope.to_codes if code})
    members = {m.code: m for m in Member.objects.filter(code__in=codes, is_active=True)}
    unknown = [code for code in codes if code not in members]
    if not codes or unknown:
        raise HubUnprocessable(
            "Nơi nhận không phải thành viên của trục: " + (", ".join(unknown) or "(không có)"),
            code="hub_unknown_recipient",
            details={"unknown": unknown},
        )
    return [members[code] for code in codes]


Later = list[Callable[[], Accepted]]


def message_accept(*, sender: Member, upload: Upload, later: Later | None = None) -> Accepted:
    """Take a document package from `sender` and queue it for each recipient.

    With `later`, a package that passes every check is not written yet: its record is appended
    to `later` (a batch writes its records together, after checking every package) and the
    answer is `PENDING`.

    The same (sender, DocumentId, business, SHA-256) again returns the first message and creates
    no delivery (at-least-once senders, exactly-once deliveries). Secret documents never travel
    (issue 5, part 4): the hub refuses them whatever the sender's own checks said.
    """
    try:
        envelope = _read_envelope(upload.path)
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
        key = _idempotency_key(
            MessageKind.EDOC, sender.code, envelope.document_id, business, upload.sha256
        )
        repeat = _repeat_of(key)
        if repeat is not None:
            upload.discard()
            return repeat
        recipients = _recipients_of(envelope)
        _check_whole_package(upload.path)
    except (HubUnprocessable, HubSenderMismatch) as exc:
        _refused(sender, exc.code)
        raise
    return _record_now_or_later(
        key,
        upload,
        partial(
            _message_record,
            sender=sender,
            envelope=envelope,
            business=business,
            key=key,
            upload=upload,
            recipients=recipients,
        ),
        later,
    )


def batch_accept(
    *, sender: Member, uploads: list[Upload], accept: Callable[..., Accepted]
) -> list[Accepted | CongsoError]:
    """Several packages, each through `accept` (`message_accept` or `status_accept`) as if
    sent alone: one outcome each, the refusal or what was accepted. Every package is checked
    first (no write, no lock held); then the records of those that passed are written in ONE
    transaction, each in a savepoint — an unexpected error keeps nothing of the batch, and the
    sender's retry is idempotent."""
    outcomes: list[Accepted | CongsoError | None] = []
    records: list[tuple[int, Callable[[], Accepted]]] = []
    for index, upload in enumerate(uploads):
        later: Later = []
        try:
            accepted = accept(sender=sender, upload=upload, later=later)
        except CongsoError as exc:
            outcomes.append(exc)
            continue
        outcomes.append(None if later else accepted)  # no record: a repeat of a kept package
        records += [(index, record) for record in later]
    with transaction.atomic():
        for index, record in records:
            outcomes[index] = record()
    return cast(list[Accepted | CongsoError], outcomes)  # every None got its record's answer


def _repeat_of(key: str) -> Accepted | None:
    existing = Message.objects.filter(idempotency_key=key).first()
    if existing is None:
        return None
    return Accepted(existing, False, _recipient_codes(existing))


PENDING = Accepted(message=None, created=True, recipients=[])  # type: ignore[arg-type]


def _record_now_or_later(
    key: str, upload: Upload, record: Callable[..., Accepted], later: Later | None
) -> Accepted:
    if later is None:
        return _record_once(key, upload, record)
    later.append(partial(_record_once, key, upload, record))
    return PENDING


def _record_once(key: str, upload: Upload, record: Callable[..., Accepted]) -> Accepted:
    """Keep the bytes, then write the rows; a concurrent twin that won the race answers instead."""
    stored = upload_keep(upload)
    try:
        return record(stored=stored)
    except IntegrityError:
        repeat = _repeat_of(key)
        if repeat is None:
            raise
        return repeat


def _recipient_codes(message: Message) -> list[str]:
    return list(
        message.deliveries.order_by("recipient__code").values_list("recipient__code", flat=True)
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
    Delivery.objects.bulk_create([Delivery(message=message, recipient=r) for r in recipients])
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
        data={
            "member": sender.code,
            "document_id": message.document_id,
            "business": business,
            "sha256": upload.sha256,
            "size": upload.size,
            "recipients": [r.code for r in recipients],
            "refers_to": str(original.pk) if original else None,
            "revoked_deliveries": revoked,
        },
    )
    return Accepted(message, True, [r.code for r in recipients])


def status_accept(*, sender: Member, upload: Upload, later: Later | None = None) -> Accepted:
    """Take a status package (standards §4.6) and relay it to the sender of the document
    (`later`: as in `message_accept`).

    Only a recipient of the document may report on it (else 422 `hub_unknown_document`). The same
    (sender, DocumentId, StatusCode, Timestamp) again returns the first status.
    """
    from congso.exchange.lib import EdxmlError, parse_status

    try:
        envelope = _read_envelope(upload.path)
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
            status = parse_status(upload.path)
        except EdxmlError as exc:
            raise _codec_refusal(exc) from exc
        document_id = envelope.response_for_document_id or status.response_for_document_id
        answered = (
            Delivery.objects.filter(
                recipient=sender, message__kind=MessageKind.EDOC, message__document_id=document_id
            )
            .exclude(state=DeliveryState.REVOKED)
            .select_related("message__sender")
            .order_by("message__created_at")
            .first()
        )
        if answered is None:
            raise HubUnprocessable(
                f"Đơn vị không nhận văn bản {document_id} qua trục nên không thể báo trạng thái.",
                code="hub_unknown_document",
            )
    except (HubUnprocessable, HubSenderMismatch) as exc:
        _refused(sender, exc.code)
        raise
    key = _idempotency_key(
        MessageKind.STATUS, sender.code, document_id, status.status_code, str(status.timestamp)
    )
    repeat = _repeat_of(key)
    if repeat is not None:
        upload.discard()
        return repeat
    return _record_now_or_later(
        key,
        upload,
        partial(
            _status_record,
            sender=sender,
            original=answered.message,
            status_code=status.status_code,
            key=key,
            upload=upload,
        ),
        later,
    )


@transaction.atomic
def _status_record(
    *, sender: Member, original: Message, status_code: str, key: str, upload: Upload, stored: str
) -> Accepted:
    message = Message.objects.create(
        kind=MessageKind.STATUS,
        sender=sender,
        document_id=original.document_id,
        business=BusinessKind.NEW,
        status_code=status_code,
        refers_to=original,
        sha256=upload.sha256,
        size=upload.size,
        stored_path=stored,
        idempotency_key=key,
    )
    Delivery.objects.create(message=message, recipient=original.sender)
    now = timezone.now()
    changes: dict[str, Any] = {"last_status_code": status_code, "last_status_at": now}
    if status_code in conf.final_status_codes():
        changes["final_status_at"] = now
    Delivery.objects.filter(
        recipient=sender,
        message__kind=MessageKind.EDOC,
        message__document_id=original.document_id,
        message__sender=original.sender,
    ).update(**changes)
    audit_record(
        actor=None,
        action=HubAuditAction.STATUS_ACCEPTED,
        target=message,
        data={
            "member": sender.code,
            "document_id": original.document_id,
            "status_code": status_code,
            "relayed_to": original.sender.code,
        },
    )
    return Accepted(message, True, [original.sender.code])


@transaction.atomic
def delivery_acknowledge(*, delivery: Delivery) -> Delivery:
    """Mark a pending delivery as received by its recipient; repeating it changes nothing."""
    locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if locked.state != DeliveryState.PENDING:
        return locked
    locked.state = DeliveryState.DELIVERED
    locked.delivered_at = timezone.now()
    locked.save(update_fields=["state", "delivered_at"])
    audit_record(
        actor=None,
        action=HubAuditAction.DELIVERY_ACKNOWLEDGED,
        target=locked.message,
        data={"member": delivery.recipient.code, "delivery": locked.pk},
    )
    return locked


@transaction.atomic
def delivery_acknowledge_many(*, member: Member, deliveries: Sequence[Delivery]) -> list[Delivery]:
    """Mark the member's pending deliveries among `deliveries` as received, all at once.

    One transaction, one audit entry per delivery that changes state (written with
    `audit_record_many`); deliveries already acknowledged or revoked change nothing. Returns the
    deliveries acknowledged now.
    """
    locked = list(
        Delivery.objects.select_for_update(of=("self",))
        .select_related("message")
        .filter(pk__in=[d.pk for d in deliveries], recipient=member, state=DeliveryState.PENDING)
        .order_by("pk")
    )
    if not locked:
        return []
    now = timezone.now()
    Delivery.objects.filter(pk__in=[d.pk for d in locked]).update(
        state=DeliveryState.DELIVERED, delivered_at=now
    )
    audit_record_many(
        [
            AuditItem(
                action=HubAuditAction.DELIVERY_ACKNOWLEDGED,
                target=d.message,
                data={"member": member.code, "delivery": d.pk},
            )
            for d in locked
        ]
    )
    for d in locked:
        d.state, d.delivered_at = DeliveryState.DELIVERED, now
    return locked


def delivery_count_fetch(*, delivery: Delivery) -> None:
    """Count a download of the package by its recipient (shown to operators; not audited)."""
    Delivery.objects.filter(pk=delivery.pk).update(attempts=F("attempts") + 1)


def delivery_count_fetch_many(*, deliveries: Sequence[Delivery]) -> None:
    """`delivery_count_fetch` for a page of packages handed out inline, in one statement."""
    if deliveries:
        Delivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(
            attempts=F("attempts") + 1
        )
