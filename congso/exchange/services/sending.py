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
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.audit.services import audit_record
from congso.documents.constants import OutboxStatus
from congso.documents.errors import InvalidTransition
from congso.documents.models import OutboxMessage
from congso.exchange import lib
from congso.exchange.models import IncidentKind
from congso.exchange.services import config
from congso.exchange.services.common import ExchangeAction, claim_due, incident_record
from congso.exchange.services.packages import NotSendable, document_package
from congso.exchange.transport import SentMessage, Transport, TransportError

LEASE = dt.timedelta(minutes=10)


def spool_path(outbox_id: int) -> Path:
    return config.spool_dir() / f"outbox-{outbox_id}.edxml"


@dataclass(frozen=True)
class SendFailure:
    code: str
    message: str
    permanent: bool


def package_send(
    target: Path,
    make: Callable[[], lib.DocumentPackage],
    *,
    member_code: str,
    transport: Transport | None,
) -> SentMessage | SendFailure:
    """Build the signed package into `target` once (atomically renamed into place, so every
    retry sends the same bytes) and hand it to the hub as `member_code`; a problem comes back as
    a `SendFailure` (permanent: the package cannot be built or the hub refused it)."""
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
        return (transport or config.transport_for(member_code)).send(target)
    except NotSendable as exc:
        return SendFailure(exc.code, exc.message, permanent=True)
    except lib.EdxmlError as exc:
        return SendFailure(exc.code, exc.message_vi, permanent=True)
    except LookupError:
        return SendFailure(
            "exchange_not_a_member",
            "Cơ quan ban hành chưa được cấu hình là thành viên trục liên thông của hệ thống.",
            permanent=True,
        )
    except TransportError as exc:
        return SendFailure(exc.code, exc.message, permanent=exc.permanent)


def outbox_message_send(*, outbox_id: int, transport: Transport | None = None) -> str:
    """Send one outbox row if it is pending and due (idempotent). Returns the resulting state:
    "sent", "pending" (will be retried), "failed" or "skipped"."""
    message = claim_due(
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING), pk=outbox_id, lease=LEASE
    )
    if message is None:
        return "skipped"
    message = OutboxMessage.objects.select_related("document__agency", "recipient").get(
        pk=message.pk
    )
    sent = package_send(
        spool_path(message.pk),
        lambda: document_package(message.recipient),
        member_code=message.document.agency.code_qcvn102 or "",
        transport=transport,
    )
    if isinstance(sent, SendFailure):
        return _failed(message, sent.code, sent.message, permanent=sent.permanent)
    with transaction.atomic():
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=OutboxStatus.SENT,
            hub_message_id=sent.id[:64],
            sent_at=timezone.now(),
            last_error="",
            next_attempt_at=None,
            updated_at=timezone.now(),
        )
        audit_record(
            actor=None,
            action=ExchangeAction.SENT,
            target=message.document,
            agency_id=message.document.agency_id,
            data={
                "outbox_id": message.pk,
                "recipient": message.recipient.organ_id,
                "hub_message_id": sent.id,
                "attempts": message.attempts,
            },
        )
    spool_path(message.pk).unlink(missing_ok=True)
    return OutboxStatus.SENT


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


def outbox_due_ids(*, limit: int = 500) -> list[int]:
    """Pending rows whose attempt is due (never tried, back-off over, or lease lapsed)."""
    now = timezone.now()
    return list(
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
