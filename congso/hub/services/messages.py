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
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
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
from congso.hub.signers import signer_check
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


def _check_whole_package(path: Path, sender: Member) -> None:
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
    if check is not None:
        _signature_check(check)
        signer_check(sender, check.certificate_der)


def _signature_check(check: Any) -> None:
    """Refuse a package whose XML signature is missing or does not verify."""
    if check.valid:
        return
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


# --- the reads the checks need: per package alone, per batch in one query each ------------------


def _repeats_of(keys: Sequence[str]) -> dict[str, Accepted]:
    """The messages already kept under these idempotency keys, with their recipients' codes."""
    messages = list(Message.objects.filter(idempotency_key__in=list(keys)))
    if not messages:
        return {}
    codes: dict[Any, list[str]] = defaultdict(list)
    rows = (
        Delivery.objects.filter(message__in=messages)
        .order_by("recipient__code")
        .values_list("message_id", "recipient__code")
    )
    for message_id, code in rows:
        codes[message_id].append(code)
    return {m.idempotency_key: Accepted(m, False, codes[m.pk]) for m in messages}


def _answered_many(sender: Member, document_ids: Sequence[str]) -> dict[str, Delivery]:
    """For each DocumentId: the sender's oldest not-revoked delivery of a document of that id."""
    rows = (
        Delivery.objects.filter(
            recipient=sender,
            message__kind=MessageKind.EDOC,
            message__document_id__in=list(document_ids),
        )
        .exclude(state=DeliveryState.REVOKED)
        .select_related("message__sender")
        .order_by("message__created_at", "pk")
    )
    found: dict[str, Delivery] = {}
    for delivery in rows:
        found.setdefault(delivery.message.document_id, delivery)
    return found


class _Lookups:
    """What the checks of a package read from the database. Alone (no argument) each read is
    its own query, as asked; `batch_accept` passes the answers of ONE query per kind of read for
    every package of the batch (`_prefetch_*`), read before anything is written, as the
    checks of a batch always were."""

    def __init__(
        self,
        *,
        repeats: dict[str, Accepted] | None = None,
        members: dict[str, Member] | None = None,
        answered: dict[str, Delivery] | None = None,
    ) -> None:
        self._repeats = repeats
        self._members = members
        self._answered = answered

    def repeat(self, key: str) -> Accepted | None:
        if self._repeats is None:
            return _repeat_of(key)
        return self._repeats.get(key)

    def members(self, codes: list[str]) -> dict[str, Member]:
        if self._members is None:
            return {m.code: m for m in Member.objects.filter(code__in=codes, is_active=True)}
        return {code: self._members[code] for code in codes if code in self._members}

    def answered(self, sender: Member, document_id: str) -> Delivery | None:
        if self._answered is None:
            return (
                Delivery.objects.filter(
                    recipient=sender,
                    message__kind=MessageKind.EDOC,
                    message__document_id=document_id,
                )
                .exclude(state=DeliveryState.REVOKED)
                .select_related("message__sender")
                .order_by("message__created_at")
                .first()
            )
        return self._answered.get(document_id)


def _recipients_of(envelope: Any, lookups: _Lookups) -> list[Member]:
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


# --- what passed the checks, waiting to be written ----------------------------------------------


@dataclass
class _Pending:
    """A package that passed every check. Either its rows are ready to be written together with
    others (`message` unsaved, `recipients`, the audit entry's data; `answers` for a status: the
    document it reports on and its code), or `record` writes it alone (a revoke, update or
    replace, which looks up and changes earlier rows)."""

    key: str
    upload: Upload
    message: Message | None = None
    recipients: list[Member] = field(default_factory=list)
    audit_data: dict[str, Any] = field(default_factory=dict)
    answers: tuple[Message, str] | None = None
    record: Callable[..., Accepted] | None = None


@dataclass(frozen=True)
class _Read:
    """A package read and checked without the database (the first half of the checks)."""

    upload: Upload
    envelope: Any
    key: str
    business: str = BusinessKind.NEW
    status: Any = None
    document_id: str = ""


def message_accept(*, sender: Member, upload: Upload) -> Accepted:
    """Take a document package from `sender` and queue it for each recipient.

    The same (sender, DocumentId, business, SHA-256) again returns the first message and creates
    no delivery (at-least-once senders, exactly-once deliveries). Secret documents never travel
    (issue 5, part 4): the hub refuses them whatever the sender's own checks said.
    """
    checked = _message_check(sender, _message_read(sender, upload), _Lookups())
    return checked if isinstance(checked, Accepted) else _record_once(checked)


def _message_read(sender: Member, upload: Upload) -> _Read:
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
    except (HubUnprocessable, HubSenderMismatch) as exc:
        _refused(sender, exc.code)
        raise
    key = _idempotency_key(
        MessageKind.EDOC, sender.code, envelope.document_id, business, upload.sha256
    )
    return _Read(upload=upload, envelope=envelope, key=key, business=business)


def _message_check(sender: Member, read: _Read, lookups: _Lookups) -> Accepted | _Pending:
    upload, envelope, business, key = read.upload, read.envelope, read.business, read.key
    try:
        repeat = lookups.repeat(key)
        if repeat is not None:
            upload.discard()
            return repeat
        recipients = _recipients_of(envelope, lookups)
        _check_whole_package(upload.path, sender)
    except (HubUnprocessable, HubSenderMismatch) as exc:
        _refused(sender, exc.code)
        raise
    if business != BusinessKind.NEW:
        return _Pending(
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
    return _Pending(
        key=key,
        upload=upload,
        message=message,
        recipients=recipients,
        audit_data=_message_audit_data(message, recipients, original=None, revoked=0),
    )


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


def batch_accept(
    *, sender: Member, uploads: list[Upload], accept: Callable[..., Accepted]
) -> list[Accepted | CongsoError]:
    """Several packages, each through `accept` (`message_accept` or `status_accept`) as if
    sent alone: one outcome each, the refusal or what was accepted. Every package is checked
    first (no write, no lock held; the checks' reads are one query per kind of read for the
    whole batch); then the records of those that passed are written in ONE transaction
    (`_write`: one INSERT per table and one audit write for the lot) — an unexpected error keeps
    nothing of the batch, and the sender's retry is idempotent."""
    read, check, prefetch = _STEPS[accept]
    outcomes: list[Accepted | CongsoError | None] = [None] * len(uploads)
    reads: list[tuple[int, _Read]] = []
    for index, upload in enumerate(uploads):
        try:
            reads.append((index, read(sender, upload)))
        except CongsoError as exc:
            outcomes[index] = exc
    lookups = prefetch(sender, [r for _, r in reads])
    pending: list[tuple[int, _Pending]] = []
    for index, one in reads:
        try:
            checked = check(sender, one, lookups)
        except CongsoError as exc:
            outcomes[index] = exc
            continue
        if isinstance(checked, Accepted):
            outcomes[index] = checked  # a repeat of a kept package
        else:
            pending.append((index, checked))
    if pending:
        with transaction.atomic():
            written = _write([p for _, p in pending])
        for (index, _), accepted in zip(pending, written, strict=True):
            outcomes[index] = accepted
    return cast(list[Accepted | CongsoError], outcomes)  # every None got its record's answer


def _prefetch_messages(sender: Member, reads: list[_Read]) -> _Lookups:
    codes = sorted({code for r in reads for code in r.envelope.to_codes if code})
    members = Member.objects.filter(code__in=codes, is_active=True) if codes else []
    return _Lookups(
        repeats=_repeats_of([r.key for r in reads]) if reads else {},
        members={m.code: m for m in members},
    )


def _prefetch_statuses(sender: Member, reads: list[_Read]) -> _Lookups:
    document_ids = sorted({r.document_id for r in reads})
    return _Lookups(
        repeats=_repeats_of([r.key for r in reads]) if reads else {},
        answered=_answered_many(sender, document_ids) if document_ids else {},
    )


def _repeat_of(key: str) -> Accepted | None:
    existing = Message.objects.filter(idempotency_key=key).first()
    if existing is None:
        return None
    return Accepted(existing, False, _recipient_codes(existing))


# --- writing what passed -------------------------------------------------------------------------


def _write(pending: Sequence[_Pending]) -> list[Accepted]:
    """Write the records of packages that passed their checks, in order, inside the caller's
    transaction. Consecutive new documents or statuses are written together (`_write_together`);
    a revoke, update or replace alone, in its place. If a concurrent twin of one of them won the
    race (IntegrityError on the idempotency key), that run is written again one by one, each in
    its savepoint, and the twin answers for its package, as when sent alone."""
    answers: list[Accepted] = []
    run: list[_Pending] = []
    for item in [*pending, None]:
        if item is not None and item.record is None:
            run.append(item)
            continue
        if run:
            try:
                with transaction.atomic():
                    answers += _write_together(run)
            except IntegrityError:
                answers += [_record_once(one) for one in run]
            run = []
        if item is not None:
            answers.append(_record_once(item))
    return answers


def _record_once(pending: _Pending) -> Accepted:
    """Keep the bytes, then write the rows; a concurrent twin that won the race answers instead."""
    try:
        if pending.record is not None:
            return pending.record(stored=upload_keep(pending.upload))
        with transaction.atomic():
            return _write_together([pending])[0]
    except IntegrityError:
        repeat = _repeat_of(pending.key)
        if repeat is None:
            raise
        return repeat


def _write_together(pending: Sequence[_Pending]) -> list[Accepted]:
    """Keep the bytes of each package, then insert the messages in one statement, their
    deliveries in another, note the statuses on the deliveries they answer and write the audit
    entries (one per message, in order, with `audit_record_many`: the chain one `audit_record`
    per message would make). The same package twice answers with the first one's message, as a
    repeat does."""
    answers: list[Accepted] = []
    first: dict[str, Accepted] = {}
    messages: list[Message] = []
    deliveries: list[Delivery] = []
    audits: list[AuditItem] = []
    notes: list[tuple[Member, Message, str]] = []
    for item in pending:
        message = item.message
        assert message is not None
        earlier = first.get(item.key)
        if earlier is not None:
            item.upload.discard()
            answers.append(Accepted(earlier.message, False, earlier.recipients))
            continue
        message.stored_path = upload_keep(item.upload)
        accepted = Accepted(message, True, [r.code for r in item.recipients])
        first[item.key] = accepted
        answers.append(accepted)
        messages.append(message)
        deliveries += [Delivery(message=message, recipient=r) for r in item.recipients]
        action = HubAuditAction.MESSAGE_ACCEPTED
        if item.answers is not None:
            action = HubAuditAction.STATUS_ACCEPTED
            notes.append((message.sender, *item.answers))
        audits.append(AuditItem(action=action, target=message, data=item.audit_data))
    Message.objects.bulk_create(messages)
    Delivery.objects.bulk_create(deliveries)
    _statuses_note(notes)
    audit_record_many(audits)
    return answers


def _statuses_note(notes: Sequence[tuple[Member, Message, str]]) -> None:
    """Each status on the reporter's deliveries of the document it answers (the operator view):
    the latest code and its time, and `final_status_at` when the code is final — what one
    UPDATE per status, in order, leaves behind, in one UPDATE per (document sender, code)."""
    if not notes:
        return
    finals = conf.final_status_codes()
    latest: dict[tuple[int, int, str], tuple[str, bool]] = {}
    for reporter, original, code in notes:
        target = (reporter.pk, original.sender_id, original.document_id)
        _code, final = latest.get(target, ("", False))
        latest[target] = (code, final or code in finals)
    groups: dict[tuple[int, int, str, bool], list[str]] = defaultdict(list)
    for (reporter_id, sender_id, document_id), (code, final) in latest.items():
        groups[(reporter_id, sender_id, code, final)].append(document_id)
    now = timezone.now()
    for (reporter_id, sender_id, code, final), document_ids in groups.items():
        changes: dict[str, Any] = {"last_status_code": code, "last_status_at": now}
        if final:
            changes["final_status_at"] = now
        Delivery.objects.filter(
            recipient_id=reporter_id,
            message__kind=MessageKind.EDOC,
            message__document_id__in=document_ids,
            message__sender_id=sender_id,
        ).update(**changes)


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
        data=_message_audit_data(message, recipients, original=original, revoked=revoked),
    )
    return Accepted(message, True, [r.code for r in recipients])


def status_accept(*, sender: Member, upload: Upload) -> Accepted:
    """Take a status package (standards §4.6) and relay it to the sender of the document.

    Only a recipient of the document may report on it (else 422 `hub_unknown_document`). The same
    (sender, DocumentId, StatusCode, Timestamp) again returns the first status.
    """
    checked = _status_check(sender, _status_read(sender, upload), _Lookups())
    return checked if isinstance(checked, Accepted) else _record_once(checked)


def _status_read(sender: Member, upload: Upload) -> _Read:
    from congso.exchange.lib import EdxmlError, StatusReading

    try:
        # one reading (one parse when small) for read_envelope, parse_status and
        # verify_xml_signature, each answering, in this order, as that call alone would
        try:
            reading = StatusReading(upload.path)
            envelope = reading.envelope()
        except EdxmlError as exc:
            raise _codec_refusal(exc) from exc
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
                _signature_check(check)
                signer_check(sender, check.certificate_der)
        except EdxmlError as exc:
            raise _codec_refusal(exc) from exc
    except (HubUnprocessable, HubSenderMismatch) as exc:
        _refused(sender, exc.code)
        raise
    document_id = envelope.response_for_document_id or status.response_for_document_id
    key = _idempotency_key(
        MessageKind.STATUS, sender.code, document_id, status.status_code, str(status.timestamp)
    )
    return _Read(upload=upload, envelope=envelope, key=key, status=status, document_id=document_id)


def _status_check(sender: Member, read: _Read, lookups: _Lookups) -> Accepted | _Pending:
    answered = lookups.answered(sender, read.document_id)
    if answered is None:
        exc = HubUnprocessable(
            f"Đơn vị không nhận văn bản {read.document_id} qua trục nên không thể báo trạng thái.",
            code="hub_unknown_document",
        )
        _refused(sender, exc.code)
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
    return _Pending(
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


_STEPS: dict[Callable[..., Accepted], tuple[Callable[..., _Read], Callable[..., Any], Any]] = {
    message_accept: (_message_read, _message_check, _prefetch_messages),
    status_accept: (_status_read, _status_check, _prefetch_statuses),
}


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
