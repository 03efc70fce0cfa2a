"""Sending issued documents to outside recipients through the hub (the outbox's consumer).

The issuing transaction left one `OutboxMessage` per outside recipient (documents app) and the
documents hook scheduled a send after commit; the sweep picks up whatever is left. One send:

1. claim the row (PENDING and due; `select_for_update(skip_locked)` on PostgreSQL) by counting
   the attempt and leasing it for a few minutes, in a short transaction — no lock is held while
   the hub is called, and a worker killed mid-send leaves a lease that lapses;
2. build the edXML package once into the spool (the same bytes on every retry, so the hub's
   idempotency on the package's SHA-256 holds), signed with the agency's XML key;
3. hand it to the transport; success marks SENT with the hub's message id;
4. a refusal by the hub (or a package that cannot be built) fails the row for good, a transient
   error retries with exponential back-off until EXCHANGE_SEND_MAX_ATTEMPTS, then fails it;
   every permanent failure is an incident the clerk sees with the last error.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.audit.services import AuditItem, audit_record, audit_record_many
from congso.core.bulk import rows_update
from congso.documents.constants import OutboxStatus
from congso.documents.errors import InvalidTransition
from congso.documents.models import OutboxMessage
from congso.exchange import lib
from congso.exchange.models import IncidentKind
from congso.exchange.services import config
from congso.exchange.services.common import (
    ExchangeAction,
    claim_due_many,
    incident_record,
    sends_settle,
)
from congso.exchange.services.packages import NotSendable, document_packages
from congso.exchange.transport import SentMessage, Transport, TransportError

LEASE = dt.timedelta(minutes=10)


def spool_path(outbox_id: int) -> Path:
    return config.spool_dir() / f"outbox-{outbox_id}.edxml"


@dataclass(frozen=True)
class SendFailure:
    code: str
    message: str
    permanent: bool


NOT_A_MEMBER = SendFailure(
    "exchange_not_a_member",
    "Cơ quan ban hành chưa được cấu hình là thành viên trục liên thông của hệ thống.",
    permanent=True,
)


def package_build(target: Path, make: Callable[[], lib.DocumentPackage]) -> Path | SendFailure:
    """Build the signed package into `target` once (atomically renamed into place, so every
    retry sends the same bytes and the hub's idempotency on the package's SHA-256 holds); a
    package that cannot be built is a permanent `SendFailure`."""
    try:
        if not target.exists():
            package = make()
            key = config.xml_key()
            tmp = target.with_suffix(f".{os.getpid()}.tmp")
            try:
                with tmp.open("wb") as out:
                    lib.build_package(
                        package, signer=lib.XmlSigner(key.private_key, key.certificate), out=out
                    )
                os.replace(tmp, target)
            finally:
                tmp.unlink(missing_ok=True)
    except NotSendable as exc:
        return SendFailure(exc.code, exc.message, permanent=True)
    except lib.EdxmlError as exc:
        return SendFailure(exc.code, exc.message_vi, permanent=True)
    return target


def package_send(
    target: Path,
    make: Callable[[], lib.DocumentPackage],
    *,
    member_code: str,
    transport: Transport | None,
) -> SentMessage | SendFailure:
    """Build the package into `target` once (`package_build`) and hand it to the hub alone
    as `member_code`; a problem comes back as a `SendFailure` (permanent: the package cannot
    be built or the hub refused it)."""
    built = package_build(target, make)
    if isinstance(built, SendFailure):
        return built
    try:
        sender = transport or config.transport_for(member_code)
    except LookupError:
        return NOT_A_MEMBER
    return _hand_over(lambda: sender.send(built))


def outbox_message_send(*, outbox_id: int, transport: Transport | None = None) -> str:
    """Send one outbox row if it is pending and due (idempotent), with whatever else of its
    agency is due (`outbox_batch_send`). Returns the row's resulting state: "sent", "pending"
    (will be retried), "failed" or "skipped"."""
    return outbox_batch_send(first=outbox_id, transport=transport).get(outbox_id, "skipped")


def outbox_batch_send(
    *, first: int | None = None, transport: Transport | None = None, limit: int | None = None
) -> dict[int, str]:
    """Send the due outbox rows of one sending agency in one call to the hub: `first` (when it
    is due) and the agency's other due rows, up to EXCHANGE_SEND_BATCH. Each row is claimed,
    built, handed over and marked on its own terms (a refusal fails only that row); the rows
    sent are marked in one transaction. Packages over EXCHANGE_BATCH_PACKAGE_BYTES go alone,
    streamed. Returns each claimed row's state."""
    limit = limit or int(settings.EXCHANGE_SEND_BATCH)
    pending = OutboxMessage.objects.filter(status=OutboxStatus.PENDING)
    if first is not None:
        code = (
            pending.filter(pk=first)
            .values_list("document__agency__code_qcvn102", flat=True)
            .first()
        )
        if code is None:
            return {}
        pending = pending.filter(document__agency__code_qcvn102=code)
    rows = claim_due_many(pending, lease=LEASE, limit=limit, first=first)
    if not rows:
        return {}
    messages = list(
        OutboxMessage.objects.select_related("document__agency", "recipient").filter(
            pk__in=[row.pk for row in rows]
        )
    )
    claimed = {row.pk: (position, row) for position, row in enumerate(rows)}
    messages.sort(key=lambda message: claimed[message.pk][0])  # in the claimed order
    for message in messages:  # the attempt count as claimed (the copy read above has it too)
        message.attempts = claimed[message.pk][1].attempts
    states: dict[int, str] = {}
    for code, group in _by_member(messages).items():
        outcomes = _send_group(group, member_code=code, transport=transport)
        states |= sends_settle(
            group, outcomes, mark_sent=_mark_sent, failed=_failed, sent_state=OutboxStatus.SENT
        )
    return states


def _by_member(messages: list[OutboxMessage]) -> dict[str, list[OutboxMessage]]:
    groups: dict[str, list[OutboxMessage]] = {}
    for message in messages:
        groups.setdefault(message.document.agency.code_qcvn102 or "", []).append(message)
    return groups


def _send_group(
    group: list[OutboxMessage], *, member_code: str, transport: Transport | None
) -> list[SentMessage | SendFailure]:
    """Build each row's package, then hand the small ones over in one call and the large
    ones alone; one outcome per row, in order."""
    outcomes: list[SentMessage | SendFailure | None] = []
    batch: list[tuple[int, Path]] = []
    try:
        sender = transport or config.transport_for(member_code)
    except LookupError:
        sender = None
    packages: dict[int, lib.DocumentPackage | NotSendable] | None = None

    def make(message: OutboxMessage) -> lib.DocumentPackage:
        nonlocal packages
        if packages is None:  # read once for the group, only if some package is not built yet
            packages = document_packages([m.recipient for m in group])
        made = packages[message.recipient.pk]
        if isinstance(made, NotSendable):
            raise made
        return made

    for index, message in enumerate(group):
        built = package_build(spool_path(message.pk), partial(make, message))
        if isinstance(built, SendFailure):
            outcomes.append(built)
        elif sender is None:
            outcomes.append(NOT_A_MEMBER)
        elif built.stat().st_size > int(settings.EXCHANGE_BATCH_PACKAGE_BYTES):
            outcomes.append(_hand_over(partial(sender.send, built)))
        else:
            outcomes.append(None)
            batch.append((index, built))
    if batch and sender is not None:
        try:
            answers: list[SentMessage | TransportError] = sender.send_many([p for _i, p in batch])
        except TransportError as exc:
            answers = [exc] * len(batch)
        for (index, _path), answer in zip(batch, answers, strict=True):
            outcomes[index] = (
                SendFailure(answer.code, answer.message, permanent=answer.permanent)
                if isinstance(answer, TransportError)
                else answer
            )
    return [outcome or NOT_A_MEMBER for outcome in outcomes]


def _hand_over(call: Callable[[], SentMessage]) -> SentMessage | SendFailure:
    try:
        return call()
    except TransportError as exc:
        return SendFailure(exc.code, exc.message, permanent=exc.permanent)


def _mark_sent(sent: list[tuple[OutboxMessage, SentMessage]]) -> None:
    if not sent:
        return
    now = timezone.now()
    with transaction.atomic():
        rows_update(
            OutboxMessage,
            ["status", "hub_message_id", "sent_at", "last_error", "next_attempt_at", "updated_at"],
            [
                (message.pk, OutboxStatus.SENT, answer.id[:64], now, "", None, now)
                for message, answer in sent
            ],
        )
        audit_record_many(
            [
                AuditItem(
                    action=ExchangeAction.SENT,
                    target=message.document,
                    agency_id=message.document.agency_id,
                    data={
                        "outbox_id": message.pk,
                        "recipient": message.recipient.organ_id,
                        "hub_message_id": answer.id,
                        "attempts": message.attempts,
                    },
                )
                for message, answer in sent
            ]
        )
    for message, _answer in sent:
        spool_path(message.pk).unlink(missing_ok=True)


def _failed(message: OutboxMessage, code: str, error: str, *, permanent: bool) -> str:
    exhausted = message.attempts >= settings.EXCHANGE_SEND_MAX_ATTEMPTS
    text = f"{code}: {error}"[:500]
    with transaction.atomic():
        if not (permanent or exhausted):
            OutboxMessage.objects.filter(pk=message.pk).update(
                last_error=text,
                next_attempt_at=timezone.now() + config.retry_delay(message.attempts),
                updated_at=timezone.now(),
            )
            audit_record(
                actor=None,
                action=ExchangeAction.SEND_RETRY,
                target=message.document,
                agency_id=message.document.agency_id,
                data={"outbox_id": message.pk, "code": code, "attempts": message.attempts},
            )
            return OutboxStatus.PENDING
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=OutboxStatus.FAILED,
            last_error=text,
            next_attempt_at=None,
            updated_at=timezone.now(),
        )
        incident_record(
            kind=IncidentKind.SEND_FAILED,
            code=code,
            message=(
                f"Không gửi được văn bản {message.document.number_notation} đến "
                f"{message.recipient.name} sau {message.attempts} lần: {error}"
            ),
            agency=message.document.agency,
            sender_code=message.document.agency.code_qcvn102 or "",
            recipient_code=message.recipient.organ_id,
            audit_action=ExchangeAction.SEND_FAILED,
        )
    spool_path(message.pk).unlink(missing_ok=True)
    return OutboxStatus.FAILED


@transaction.atomic
def outbox_message_retry(*, actor: Any, message: OutboxMessage) -> OutboxMessage:
    """The clerk sends a permanently failed row again (e.g. after the hub operator registered
    the recipient): a fresh budget of attempts, due now. The caller loads `message` through
    `access.access_failed_send_by_id`."""
    current = OutboxMessage.objects.select_for_update().get(pk=message.pk)
    if current.status != OutboxStatus.FAILED:
        raise InvalidTransition(_("Chỉ gửi lại được lượt gửi đã thất bại."))
    current.status = OutboxStatus.PENDING
    current.attempts = 0
    current.next_attempt_at = None
    current.save(update_fields=["status", "attempts", "next_attempt_at", "updated_at"])
    audit_record(
        actor=actor,
        action=ExchangeAction.SEND_RETRY,
        target=current.document,
        data={"outbox_id": current.pk, "manual": True, "last_error": current.last_error},
    )
    from congso.exchange.tasks import outbox_send

    outbox_id = current.pk
    transaction.on_commit(lambda: outbox_send.delay(outbox_id=outbox_id))
    return current
