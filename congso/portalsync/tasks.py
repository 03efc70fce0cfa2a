"""Celery tasks: ids in, one service call, idempotent (house style §2.2)."""

from __future__ import annotations

from typing import Any

from celery import shared_task


@shared_task(name="portalsync.tasks.outbox_send")
def outbox_send(dossier_id: int) -> int:
    from congso.portalsync.adapter import PortalUnavailable
    from congso.portalsync.services.outbox import portal_outbox_send_dossier

    try:
        return portal_outbox_send_dossier(dossier_id=dossier_id)
    except PortalUnavailable:
        return 0  # recorded on the row; the beat drain retries when it is due


@shared_task(name="portalsync.tasks.outbox_drain")
def outbox_drain() -> dict[str, int]:
    from congso.portalsync import conf
    from congso.portalsync.services.outbox import portal_outbox_drain

    if not conf.enabled():
        return {"sent": 0, "unavailable": 0}
    return portal_outbox_drain()


@shared_task(name="portalsync.tasks.reconcile")
def reconcile() -> dict[str, Any]:
    from congso.portalsync import conf
    from congso.portalsync.services.reconciliation import portal_reconcile

    if not conf.enabled():
        return {}
    run = portal_reconcile(actor=None)
    return {"run": run.pk, "checked": run.checked, "differing": run.differing}
