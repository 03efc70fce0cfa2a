"""Names shared by the connector's services: audit actions and the incident log."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congso.audit.services import audit_record
from congso.exchange.models import ExchangeIncident
from congso.organizations.models import Agency

logger = logging.getLogger("congso.exchange")
Row = TypeVar("Row", bound=Any)


class ExchangeAction(models.TextChoices):
    SENT = "exchange.package_sent", _("Gửi văn bản qua trục liên thông")
    SEND_RETRY = "exchange.package_send_retry", _("Gửi văn bản qua trục lỗi, sẽ gửi lại")
    SEND_FAILED = "exchange.package_send_failed", _("Gửi văn bản qua trục thất bại")
    RECEIVED = "exchange.package_received", _("Nhận văn bản qua trục liên thông")
    REFUSED = "exchange.package_refused", _("Từ chối gói tin nhận qua trục")
    STATUS_QUEUED = "exchange.status_queued", _("Lập phản hồi trạng thái")
    STATUS_SENT = "exchange.status_sent", _("Gửi phản hồi trạng thái")
    STATUS_FAILED = "exchange.status_send_failed", _("Gửi phản hồi trạng thái thất bại")
    STATUS_APPLIED = "exchange.status_applied", _("Nhận phản hồi trạng thái của nơi nhận")
    STATUS_REFUSED = "exchange.status_refused", _("Từ chối phản hồi trạng thái")
    BUSINESS_QUEUED = "exchange.business_queued", _("Lập gói tin thu hồi, thay thế, cập nhật")
    BUSINESS_SENT = "exchange.business_sent", _("Gửi gói tin thu hồi, thay thế, cập nhật")
    REVOKE_ASKED = "exchange.revoke_asked", _("Yêu cầu nơi nhận thu hồi văn bản")
    REVOKE_RECEIVED = "exchange.revoke_received", _("Nhận yêu cầu thu hồi văn bản")
    REVOKE_ACCEPTED = "exchange.revoke_accepted", _("Đồng ý thu hồi văn bản (15)")
    REVOKE_REFUSED = "exchange.revoke_refused", _("Từ chối thu hồi văn bản (16)")


def agency_by_code(code: str) -> Agency | None:
    """The active agency of this installation with identifier `code` (QCVN 102 form)."""
    if not code:
        return None
    return Agency.objects.filter(code_qcvn102=code, is_active=True).first()


@transaction.atomic
def incident_record(
    *,
    kind: str,
    code: str,
    message: str,
    agency: Agency | None = None,
    hub_message_id: str = "",
    sender_code: str = "",
    recipient_code: str = "",
    document_id: str = "",
    status_reply_sent: bool = False,
    audit_action: str | None = None,
) -> ExchangeIncident:
    """Keep what was refused or failed, for the clerk (their agency's incidents) and the
    administrator (all), with one audit entry."""
    incident = ExchangeIncident(
        kind=kind,
        code=code[:50],
        message=message[:1000],
        agency=agency,
        hub_message_id=hub_message_id[:64],
        sender_code=sender_code[:13],
        recipient_code=recipient_code[:13],
        document_id=document_id[:100],
        status_reply_sent=status_reply_sent,
    )
    incident.full_clean()
    incident.save()
    logger.warning(
        "exchange incident %s %s (hub message %s, from %s, document %s): %s",
        kind,
        code,
        hub_message_id or "-",
        sender_code or "-",
        document_id or "-",
        message,
    )
    audit_record(
        actor=None,
        action=audit_action or ExchangeAction.REFUSED,
        target=incident,
        agency_id=agency.pk if agency else None,
        data={"code": code, "hub_message_id": hub_message_id, "document_id": document_id},
    )
    return incident


def claim_due(pending: QuerySet[Row], *, pk: int, lease: dt.timedelta) -> Row | None:
    """Claim one outbox row for a send attempt, in a short transaction of its own: the row
    must be in `pending` and due; its attempt is counted and it is leased for `lease`, so no
    lock is held while the hub is called and a worker that dies mid-send leaves a lease that
    lapses (the sweep tries again). Rows another worker holds are skipped (PostgreSQL).
    EXCHANGE_SEND_LEASE_SECONDS, when set, replaces `lease` (a bound on how long a crashed
    worker's row waits; it must exceed the longest send)."""
    if configured := getattr(settings, "EXCHANGE_SEND_LEASE_SECONDS", 0):
        lease = dt.timedelta(seconds=configured)
    now = timezone.now()
    with transaction.atomic():
        row = pending.select_for_update(skip_locked=True).filter(pk=pk).first()
        if row is None or (row.next_attempt_at and row.next_attempt_at > now):
            return None
        row.attempts += 1
        row.next_attempt_at = now + lease
        fields = ["attempts", "next_attempt_at"]
        if hasattr(row, "updated_at"):
            fields.append("updated_at")
        row.save(update_fields=fields)
        return row


def _lock_key(name: str) -> int:
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@contextmanager
def exclusive(name: str) -> Iterator[bool]:
    """Hold the named lock while the block runs if no other process holds it (yields True),
    else yield False at once. A PostgreSQL session advisory lock: it is released at the end of
    the block, or by PostgreSQL when the worker dies; no transaction is kept open. Elsewhere
    (SQLite, one process) it is always granted."""
    if connection.vendor != "postgresql":
        yield True
        return
    key = _lock_key(name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        granted = bool(cursor.fetchone()[0])
    try:
        yield granted
    finally:
        if granted:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
