"""Nightly reconciliation: every synced dossier whose status differs between congso and the portal.

For each dossier the portal should know (a code, not a sub-dossier, a status with a portal code)
the portal is asked with TraCuuHoSo and its TrangThaiHoSo compared with the mapped local status.
No transaction stays open during HTTP: the differences are written at the end, with one audit
entry for the run. If the portal goes away mid-run, the run stops and says so.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from congso.audit.services import audit_record
from congso.dossiers.models import Dossier, PortalStatusMapping
from congso.portalsync.adapter import PortalAdapter, PortalRejected, PortalUnavailable, get_adapter
from congso.portalsync.constants import OutboxStatus, PortalsyncAction, ReconciliationIssue
from congso.portalsync.models import PortalOutbox, PortalReconciliation, PortalReconciliationRun
from congso.portalsync.payloads import madonvi_for


def portal_reconcile(
    *, actor: Any, adapter: PortalAdapter | None = None
) -> PortalReconciliationRun:
    adapter = adapter or get_adapter()
    mapping = dict(PortalStatusMapping.objects.values_list("status", "portal_code"))
    run = PortalReconciliationRun.objects.create(started_at=timezone.now())
    pending = set(
        PortalOutbox.objects.filter(status=OutboxStatus.PENDING).values_list(
            "dossier_id", flat=True
        )
    )
    dossiers = (
        Dossier.objects.filter(code__isnull=False, parent__isnull=True, status__in=list(mapping))
        .select_related("receiving_agency")
        .order_by("pk")
    )
    differences: list[PortalReconciliation] = []
    checked = 0
    error = ""
    for dossier in dossiers.iterator(chunk_size=500):
        madonvi = madonvi_for(dossier)
        if not madonvi or not dossier.code:
            continue
        expected = mapping[dossier.status]
        common = {
            "run": run,
            "dossier": dossier,
            "ma_ho_so": dossier.code,
            "local_status": dossier.status,
            "expected_portal_status": expected,
            "has_pending_outbox": dossier.pk in pending,
        }
        try:
            found = adapter.lookup(madonvi, dossier.code)
        except PortalUnavailable as exc:
            error = f"Cổng không trả lời sau {checked} hồ sơ: {exc}"[:500]
            break
        except PortalRejected as exc:
            checked += 1
            differences.append(
                PortalReconciliation(
                    **common, issue=ReconciliationIssue.LOOKUP_FAILED, note=str(exc)[:500]
                )
            )
            continue
        checked += 1
        if found is None:
            differences.append(
                PortalReconciliation(**common, issue=ReconciliationIssue.MISSING_ON_PORTAL)
            )
            continue
        portal_status = _as_int(found.get("TrangThaiHoSo"))
        if portal_status != expected:
            differences.append(
                PortalReconciliation(
                    **common, portal_status=portal_status, issue=ReconciliationIssue.STATUS_DIFFERS
                )
            )
    with transaction.atomic():
        PortalReconciliation.objects.bulk_create(differences)
        run.finished_at = timezone.now()
        run.checked = checked
        run.differing = len(differences)
        run.error = error
        run.save(update_fields=["finished_at", "checked", "differing", "error", "updated_at"])
        audit_record(
            actor=actor,
            action=PortalsyncAction.RECONCILED,
            target=run,
            data={"checked": checked, "differing": len(differences), "error": error},
        )
    return run


def _as_int(value: Any) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None
