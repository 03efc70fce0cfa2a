"""The steps every package taken by the hub shares (documents in `messages`, statuses in
`statuses`, several at once in `batches`): refusals with the codec's problems, idempotency keys and
repeats, the reads a check needs (alone or prefetched for a batch), and writing what passed —
the bytes kept, then the rows and audit entries of a run of packages together, in the caller's
transaction."""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from congso.audit.services import AuditItem, audit_record_many
from congso.hub import conf
from congso.hub.constants import BusinessKind, DeliveryState, HubAuditAction, MessageKind
from congso.hub.errors import HubUnprocessable
from congso.hub.models import Delivery, Member, Message
from congso.hub.services.wakeups import deliveries_made
from congso.hub.storage import Upload, upload_keep

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Accepted:
    message: Message
    created: bool
    recipients: list[str]


def codec_refusal(exc: Any) -> HubUnprocessable:
    problems = [
        {"code": p.code, "message": p.message_vi, "path": getattr(p, "path", "")}
        for p in getattr(exc, "problems", [])
    ]
    return HubUnprocessable(exc.message_vi, code=exc.code, details={"problems": problems})


def envelope_read(source: bytes | Path) -> Any:
    from congso.exchange.lib import EdxmlError, read_envelope

    try:
        return read_envelope(source)
    except EdxmlError as exc:
        raise codec_refusal(exc) from exc


def signature_require(check: Any) -> None:
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


def idempotency_key(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def refused_log(sender: Member, code: str) -> None:
    logger.warning("hub refused a package from %s: %s", sender.code, code)


def repeats_of(keys: Sequence[str]) -> dict[str, Accepted]:
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


def repeat_of(key: str) -> Accepted | None:
    existing = Message.objects.filter(idempotency_key=key).first()
    if existing is None:
        return None
    return Accepted(existing, False, _recipient_codes(existing))


def _recipient_codes(message: Message) -> list[str]:
    return list(
        message.deliveries.order_by("recipient__code").values_list("recipient__code", flat=True)
    )


class Lookups:
    """What the checks of a package read from the database. Alone (no argument) each read is
    its own query, as asked; `batch_accept` passes the answers of ONE query per kind of read for
    every package of the batch (`messages_prefetch`, `statuses_prefetch`), read before anything
    is written, as the checks of a batch always were."""

    def __init__(
        self,
        *,
        repeats: dict[str, Accepted] | None = None,
        members: dict[str, Member] | None = None,
        answered: dict[tuple[str, str], Delivery] | None = None,
    ) -> None:
        self._repeats = repeats
        self._members = members
        self._answered = answered

    def repeat(self, key: str) -> Accepted | None:
        if self._repeats is None:
            return repeat_of(key)
        return self._repeats.get(key)

    def members(self, codes: list[str]) -> dict[str, Member]:
        if self._members is None:
            return {m.code: m for m in Member.objects.filter(code__in=codes, is_active=True)}
        return {code: self._members[code] for code in codes if code in self._members}

    def answered(self, reporter: Member, original_sender: str, document_id: str) -> Delivery | None:
        """The reporter's oldest not-revoked delivery of the document `document_id` sent by the
        member `original_sender` (a code): what a status of `reporter` on it answers."""
        if self._answered is None:
            return (
                answered_deliveries(reporter, [original_sender], [document_id])
                .order_by("message__created_at", "pk")
                .first()
            )
        return self._answered.get((original_sender, document_id))


def answered_deliveries(
    reporter: Member, original_senders: Sequence[str], document_ids: Sequence[str]
) -> QuerySet[Delivery]:
    """The reporter's not-revoked deliveries of documents with one of `document_ids`, sent by
    one of the members `original_senders` (codes). Read through `hub_message_document` (the few
    messages of a DocumentId), then each message's delivery to the reporter (`hub_delivery_once`)
    and its sender by primary key: no scan, however many messages the hub holds (ADR 0025)."""
    return (
        Delivery.objects.filter(
            recipient=reporter,
            message__kind=MessageKind.EDOC,
            message__document_id__in=list(document_ids),
            message__sender__code__in=list(original_senders),
        )
        .exclude(state=DeliveryState.REVOKED)
        .select_related("message__sender")
    )


@dataclass
class Pending:
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
class Read:
    """A package read and checked without the database (the first half of the checks)."""

    upload: Upload
    envelope: Any
    key: str
    business: str = BusinessKind.NEW
    status: Any = None
    document_id: str = ""
    # a status: the code of the member whose document it answers (ResponseFor/OrganId)
    original_sender: str = ""


def pending_write(pending: Sequence[Pending]) -> list[Accepted]:
    """Write the records of packages that passed their checks, in order, inside the caller's
    transaction. Consecutive new documents or statuses are written together (`_write_together`);
    a revoke, update or replace alone, in its place. If a concurrent twin of one of them won the
    race (IntegrityError on the idempotency key), that run is written again one by one, each in
    its savepoint, and the twin answers for its package, as when sent alone."""
    answers: list[Accepted] = []
    run: list[Pending] = []
    for item in [*pending, None]:
        if item is not None and item.record is None:
            run.append(item)
            continue
        if run:
            try:
                with transaction.atomic():
                    answers += _write_together(run)
            except IntegrityError:
                answers += [record_once(one) for one in run]
            run = []
        if item is not None:
            answers.append(record_once(item))
    return answers


def record_once(pending: Pending) -> Accepted:
    """Keep the bytes, then write the rows; a concurrent twin that won the race answers instead."""
    try:
        if pending.record is not None:
            return pending.record(stored=upload_keep(pending.upload))
        with transaction.atomic():
            return _write_together([pending])[0]
    except IntegrityError:
        repeat = repeat_of(pending.key)
        if repeat is None:
            raise
        return repeat


def _write_together(pending: Sequence[Pending]) -> list[Accepted]:
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
        deliveries += [Delivery.of(message, r) for r in item.recipients]
        action = HubAuditAction.MESSAGE_ACCEPTED
        if item.answers is not None:
            action = HubAuditAction.STATUS_ACCEPTED
            notes.append((message.sender, *item.answers))
        audits.append(AuditItem(action=action, target=message, data=item.audit_data))
    Message.objects.bulk_create(messages)
    Delivery.objects.bulk_create(deliveries)
    deliveries_made(delivery.recipient_id for delivery in deliveries)
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
