"""Reads of the portal sync (staff page, admin, exports)."""

from __future__ import annotations

from django.db.models import QuerySet

from congso.portalsync.constants import OutboxStatus
from congso.portalsync.models import PortalOutbox, PortalReconciliation, PortalReconciliationRun


def outbox_problems() -> QuerySet[PortalOutbox]:
    """FAILED rows, and PENDING rows that have already failed at least once (newest first)."""
    return (
        PortalOutbox.objects.filter(status__in=[OutboxStatus.FAILED, OutboxStatus.PENDING])
        .exclude(status=OutboxStatus.PENDING, attempts=0)
        .select_related("dossier")
        .order_by("-updated_at", "-pk")
    )


def reconciliation_latest() -> PortalReconciliationRun | None:
    return PortalReconciliationRun.objects.filter(finished_at__isnull=False).first()


def reconciliation_differences(run: PortalReconciliationRun) -> QuerySet[PortalReconciliation]:
    return run.differences.select_related("dossier").order_by("ma_ho_so")
