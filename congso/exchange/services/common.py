"""Names shared by the connector's services: audit actions and the incident log."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import F, Q, QuerySet
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
    rows = claim_due_many(pending.filter(pk=pk), lease=lease, limit=1)
    return rows[0] if rows else None


def claim_due_many(
    pending: QuerySet[Row], *, lease: dt.timedelta, limit: int, first: int | None = None
) -> list[Row]:
    """Claim up to `limit` due rows of `pending` at once, oldest first (`first` leading when it
    is one of them), the way `claim_due` claims one: in one short transaction, each attempt
    counted and leased; rows another worker holds are skipped (PostgreSQL)."""
    if configured := getattr(settings, "EXCHANGE_SEND_LEASE_SECONDS", 0):
        lease = dt.timedelta(seconds=configured)
    now = timezone.now()
    due = pending.filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    # OF self: the filters may join (the sending agency); only the rows themselves are locked
    locked = due.select_for_update(skip_locked=True, of=("self",))
    with transaction.atomic():
        rows = list(locked.order_by("pk")[:limit])
        if first is not None and not any(row.pk == first for row in rows):
            rows = (list(locked.filter(pk=first)) + rows)[:limit]
        if not rows:
            return []
        model = type(rows[0])
        changes: dict[str, Any] = {"attempts": F("attempts") + 1, "next_attempt_at": now + lease}
        if hasattr(rows[0], "updated_at"):
            changes["updated_at"] = now
        model.objects.filter(pk__in=[row.pk for row in rows]).update(**changes)
        for row in rows:
            row.attempts += 1
            row.next_attempt_at = now + lease
        return rows


def sends_settle(
    group: list[Row],
    outcomes: list[Any],
    *,
    mark_sent: Callable[[list[tuple[Row, Any]]], None],
    failed: Callable[..., str],
    sent_state: str,
) -> dict[int, str]:
    """After a batch hand-over: mark the rows the hub took (`mark_sent`, one transaction) and
    fail or reschedule each of the others (`failed(row, code, message, permanent=…)`; an
    outcome with `permanent` is a failure). Returns each row's state."""
    sent = [(row, o) for row, o in zip(group, outcomes, strict=True) if not _is_failure(o)]
    mark_sent(sent)
    states = {row.pk: sent_state for row, _outcome in sent}
    for row, outcome in zip(group, outcomes, strict=True):
        if _is_failure(outcome):
            states[row.pk] = failed(row, outcome.code, outcome.message, permanent=outcome.permanent)
    return states


def _is_failure(outcome: Any) -> bool:
    return isinstance(getattr(outcome, "permanent", None), bool)


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


@contextmanager
def exclusive_many(names: Sequence[str]) -> Iterator[list[bool]]:
    """`exclusive` for several names at once (a poll's page claims each of its items): yields
    whether each lock was granted, in order, taking them in one statement and releasing the
    granted ones in one statement at the end of the block (not two statements per name). The
    same locks as `exclusive(name)` for each name; elsewhere than PostgreSQL all are granted."""
    if connection.vendor != "postgresql" or not names:
        yield [True] * len(names)
        return
    keys = [_lock_key(name) for name in names]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_lock(k) FROM unnest(%s::bigint[]) WITH ORDINALITY AS t(k, n) "
            "ORDER BY n",
            [keys],
        )
        granted = [bool(row[0]) for row in cursor.fetchall()]
    try:
        yield granted
    finally:
        mine = [key for key, ok in zip(keys, granted, strict=True) if ok]
        if mine:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_unlock(k) FROM unnest(%s::bigint[]) AS k", [mine]
                )
