"""Transactional outbox to the national portal: enqueue with the dossier change, send after.

Rows are written in the dossier service's transaction when dossiers offers an in-transaction
hook (ADR 0017), so a status change never commits without its portal message; with only the
after-commit hook they are written in their own transaction right after. Sending claims a row
with a lease (a conditional UPDATE, so two workers never send the same row and no transaction
stays open during HTTP), sends the rows of one dossier in id order, and retries transport
failures with exponential back-off until `PORTALSYNC_MAX_ATTEMPTS`, then marks the row FAILED
(audited, shown to staff, resendable). A refusal by the portal (bad field) fails at once:
sending the same content again cannot succeed.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from congso.audit.services import audit_record
from congso.core.errors import Conflict
from congso.dossiers.models import Dossier, DossierEvent
from congso.portalsync import conf
from congso.portalsync.adapter import PortalAdapter, PortalRejected, PortalUnavailable, get_adapter
from congso.portalsync.constants import OutboxKind, OutboxStatus, PortalsyncAction
from congso.portalsync.models import PortalOutbox
from congso.portalsync.payloads import (
    dossier_payload,
    madonvi_for,
    portal_code_for,
    progress_payload,
)

logger = logging.getLogger(__name__)
LEASE = timedelta(minutes=5)


# --- hook callbacks (registered in apps.py) ----------------------------------------------------
def on_dossier_event_in_transaction(dossier_id: int, event_id: int) -> None:
    portal_outbox_enqueue(dossier_id=dossier_id, event_id=event_id)


def on_dossier_event_after_commit(dossier_id: int, event_id: int) -> None:
    """Fallback when dossiers has only the after-commit hook: never break the caller."""
    try:
        with transaction.atomic():
            portal_outbox_enqueue(dossier_id=dossier_id, event_id=event_id)
    except Exception:
        logger.exception("portalsync: could not enqueue dossier %s event %s", dossier_id, event_id)


# --- enqueue -------------------------------------------------------------------------------------
def portal_outbox_enqueue(*, dossier_id: int, event_id: int | None) -> list[PortalOutbox]:
    """Queue the dossier's current state (DongBoHoSoMC) and the event (CapNhatTienDoHoSoMC).

    Nothing is queued when sync is off, for drafts (no portal status), dossiers without a code,
    and sub-dossiers of inter-agency dossiers (the portal tracks the main dossier).
    Idempotent per event: a second call for the same event returns the rows already queued.
    """
    if not conf.enabled():
        return []
    if event_id is not None:
        existing = list(PortalOutbox.objects.filter(dossier_id=dossier_id, event_id=event_id))
        if existing:
            return existing
    dossier = (
        Dossier.objects.select_related(
            "procedure__field", "receiving_agency", "handling_agency", "applicant"
        )
        .prefetch_related("files")
        .get(pk=dossier_id)
    )
    portal_status = portal_code_for(dossier.status)
    madonvi = madonvi_for(dossier)
    if not dossier.code or dossier.parent_id is not None or portal_status is None or not madonvi:
        return []
    event = (
        DossierEvent.objects.select_related("actor__position").filter(pk=event_id).first()
        if event_id is not None
        else None
    )
    PortalOutbox.objects.filter(
        dossier=dossier, kind=OutboxKind.DOSSIER, status=OutboxStatus.PENDING
    ).update(status=OutboxStatus.SUPERSEDED, updated_at=timezone.now())
    common = {
        "dossier": dossier,
        "event_id": event_id,
        "madonvi": madonvi,
        "ma_ho_so": dossier.code,
    }
    rows = [
        PortalOutbox.objects.create(
            **common,
            kind=OutboxKind.DOSSIER,
            portal_status=portal_status,
            payload=dossier_payload(dossier, portal_status),
        )
    ]
    if event is not None:
        event_status = event.portal_status or portal_status
        rows.append(
            PortalOutbox.objects.create(
                **common,
                kind=OutboxKind.PROGRESS,
                portal_status=event_status,
                payload=progress_payload(dossier, event, event_status),
            )
        )
    transaction.on_commit(lambda: _schedule_send(dossier.pk))
    return rows


def _schedule_send(dossier_id: int) -> None:
    from congso.portalsync.tasks import outbox_send

    try:
        outbox_send.delay(dossier_id)
    except Exception:  # the broker is down: the beat drain sends the rows later
        logger.exception("portalsync: could not schedule sending for dossier %s", dossier_id)


# --- send ----------------------------------------------------------------------------------------
def _due(now: datetime) -> Q:
    return Q(status=OutboxStatus.PENDING) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )


def portal_outbox_send_dossier(
    *, dossier_id: int, adapter: PortalAdapter | None = None, now: datetime | None = None
) -> int:
    """Send the due rows of one dossier in order; stop at the first that cannot go now.

    Returns the number of rows sent. Raises `PortalUnavailable` after recording it, so a drain
    can stop knocking on a portal that is down.
    """
    now = now or timezone.now()
    adapter = adapter or get_adapter()
    sent = 0
    for row_id in PortalOutbox.objects.filter(
        dossier_id=dossier_id, status=OutboxStatus.PENDING
    ).values_list("pk", flat=True):
        claimed = (
            PortalOutbox.objects.filter(_due(now), pk=row_id).update(next_attempt_at=now + LEASE)
            == 1
        )
        if not claimed:
            break  # not due yet (or another worker has it): later rows wait for it
        row = PortalOutbox.objects.get(pk=row_id)
        try:
            _deliver(adapter, row)
        except PortalUnavailable as error:
            _record_unavailable(row, str(error), now)
            raise
        except PortalRejected as error:
            _record_failure(row, error.message or str(error), error.field, now)
            continue
        PortalOutbox.objects.filter(pk=row.pk).update(
            status=OutboxStatus.SENT,
            sent_at=timezone.now(),
            attempts=row.attempts + 1,
            next_attempt_at=None,
            last_error="",
            last_error_field="",
            updated_at=timezone.now(),
        )
        sent += 1
    return sent


def _deliver(adapter: PortalAdapter, row: PortalOutbox) -> None:
    if row.kind == OutboxKind.DOSSIER:
        # OpenCPS decides isUpdating by looking the dossier up first (standards.md §6.3); this
        # also makes a resend after a lost answer safe.
        exists = adapter.lookup(row.madonvi, row.ma_ho_so) is not None
        adapter.sync_dossiers(row.madonvi, [row.payload], updating=exists)
    else:
        adapter.update_progress(row.madonvi, [row.payload])


def _record_unavailable(row: PortalOutbox, error: str, now: datetime) -> None:
    attempts = row.attempts + 1
    if attempts >= conf.max_attempts():
        _record_failure(row, f"Hết {attempts} lần thử: {error}", "", now, attempts=attempts)
        return
    PortalOutbox.objects.filter(pk=row.pk).update(
        attempts=attempts,
        next_attempt_at=now + timedelta(seconds=conf.retry_delay_seconds(attempts)),
        last_error=error[:1000],
        updated_at=timezone.now(),
    )


@transaction.atomic
def _record_failure(
    row: PortalOutbox, error: str, field: str, now: datetime, *, attempts: int | None = None
) -> None:
    PortalOutbox.objects.filter(pk=row.pk).update(
        status=OutboxStatus.FAILED,
        attempts=attempts if attempts is not None else row.attempts + 1,
        next_attempt_at=None,
        last_error=error[:1000],
        last_error_field=field[:120],
        updated_at=timezone.now(),
    )
    audit_record(
        actor=None,
        action=PortalsyncAction.OUTBOX_FAILED,
        target=row,
        data={"ma_ho_so": row.ma_ho_so, "kind": row.kind, "error": error[:500], "field": field},
    )


def portal_outbox_drain(
    *, adapter: PortalAdapter | None = None, now: datetime | None = None, limit: int = 500
) -> dict[str, int]:
    """Send every due row (beat task); stops early when the portal is unreachable."""
    now = now or timezone.now()
    adapter = adapter or get_adapter()
    dossier_ids: list[Any] = list(
        PortalOutbox.objects.filter(_due(now))
        .order_by("dossier_id")
        .values_list("dossier_id", flat=True)
        .distinct()[:limit]
    )
    sent = 0
    for dossier_id in dossier_ids:
        try:
            sent += portal_outbox_send_dossier(dossier_id=dossier_id, adapter=adapter, now=now)
        except PortalUnavailable:
            return {"sent": sent, "unavailable": 1}
    return {"sent": sent, "unavailable": 0}


@transaction.atomic
def portal_outbox_resend(*, actor: Any, outbox_id: int) -> PortalOutbox:
    """Staff put a FAILED row back in the queue (after fixing the data or the mapping)."""
    row = PortalOutbox.objects.select_for_update().get(pk=outbox_id)
    if row.status != OutboxStatus.FAILED:
        raise Conflict("Chỉ gửi lại được bản tin đã thất bại.", code="portalsync_not_failed")
    row.status = OutboxStatus.PENDING
    row.attempts = 0
    row.next_attempt_at = None
    row.save(update_fields=["status", "attempts", "next_attempt_at", "updated_at"])
    audit_record(
        actor=actor,
        action=PortalsyncAction.OUTBOX_RESENT,
        target=row,
        data={"ma_ho_so": row.ma_ho_so, "kind": row.kind, "previous_error": row.last_error},
    )
    dossier_id = row.dossier_id
    transaction.on_commit(lambda: _schedule_send(dossier_id))
    return row
