"""Nightly reconciliation against the real simulator: diverged, missing, pending, exports."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import TestCase
from openpyxl import load_workbook

from congso.audit.models import AuditEntry
from congso.dossiers.constants import DossierStatus, EventKind
from congso.dossiers.models import Dossier
from congso.portalsim.testing import SimulatorProcess
from congso.portalsync.adapter import get_adapter
from congso.portalsync.constants import PortalsyncAction, ReconciliationIssue
from congso.portalsync.exports import reconciliation_csv, reconciliation_xlsx
from congso.portalsync.models import PortalReconciliation
from congso.portalsync.services.outbox import portal_outbox_enqueue
from congso.portalsync.services.reconciliation import portal_reconcile
from congso.portalsync.tests.conftest import event_for, point_at, portal_dossier

pytestmark = pytest.mark.django_db


def on_portal(dossier: Dossier) -> Dossier:
    with TestCase.captureOnCommitCallbacks(execute=True):
        portal_outbox_enqueue(dossier_id=dossier.pk, event_id=event_for(dossier).pk)
    return dossier


def test_reconciliation_lists_exactly_the_dossiers_that_differ(synced: SimulatorProcess):
    # given three dossiers on the portal, one unknown to it ...
    in_step = on_portal(portal_dossier())
    changed_here = on_portal(portal_dossier())
    changed_there = on_portal(portal_dossier())
    never_sent = portal_dossier()
    # ... one changed locally without the portal hearing of it ...
    Dossier.objects.filter(pk=changed_here.pk).update(status=DossierStatus.DONE)
    # ... and one changed on the portal side (status 8, Dừng xử lý)
    get_adapter().update_progress(
        changed_there.receiving_agency.code_qcvn102 or "",
        [
            {
                "MaHoSo": changed_there.code,
                "NguoiXuLy": "Cổng",
                "ThoiDiemXuLy": "20200320080000",
                "NoiDungXuLy": "Dừng",
                "TrangThai": "8",
            }
        ],
    )
    # when
    run = portal_reconcile(actor=None)
    # then
    found = {
        d.ma_ho_so: (d.issue, d.local_status, d.expected_portal_status, d.portal_status)
        for d in PortalReconciliation.objects.filter(run=run)
    }
    assert found == {
        changed_here.code: (ReconciliationIssue.STATUS_DIFFERS, "done", 9, 2),
        changed_there.code: (ReconciliationIssue.STATUS_DIFFERS, "received", 2, 8),
        never_sent.code: (ReconciliationIssue.MISSING_ON_PORTAL, "received", 2, None),
    }
    assert in_step.code not in found
    assert (run.checked, run.differing, run.error) == (4, 3, "")
    assert AuditEntry.objects.filter(action=PortalsyncAction.RECONCILED).count() == 1


def test_a_dossier_still_waiting_in_the_outbox_is_flagged(settings: Any, tmp_path: Path):
    # given a dossier queued while the portal was down
    with SimulatorProcess(tmp_path / "p.sqlite3") as simulator:
        point_at(settings, simulator)
        settings.PORTALSYNC_URL = "http://127.0.0.1:9"
        dossier = on_portal(portal_dossier())
        point_at(settings, simulator)
        # when
        run = portal_reconcile(actor=None)
    # then
    item = PortalReconciliation.objects.get(run=run)
    assert (item.ma_ho_so, item.issue, item.has_pending_outbox) == (
        dossier.code,
        ReconciliationIssue.MISSING_ON_PORTAL,
        True,
    )


def test_a_run_against_a_portal_that_is_down_stops_and_says_so(settings: Any):
    # given
    settings.PORTALSYNC_URL = "http://127.0.0.1:9"
    portal_dossier()
    # when
    run = portal_reconcile(actor=None)
    # then
    assert run.checked == 0
    assert run.finished_at is not None
    assert run.error.startswith("Cổng không trả lời")


def test_differences_export_to_csv_and_excel_and_the_command_prints_them(
    synced: SimulatorProcess, tmp_path: Path
):
    # given a dossier that differs
    dossier = on_portal(portal_dossier())
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.RETURNED)
    out = io.StringIO()
    # when
    call_command(
        "portalsync", "reconcile", "--csv", str(tmp_path / "d.csv"),
        "--xlsx", str(tmp_path / "d.xlsx"), stdout=out,
    )  # fmt: skip
    # then
    rows = list(csv.reader(io.StringIO((tmp_path / "d.csv").read_text(encoding="utf-8"))))
    assert rows[0][0] == "Mã hồ sơ"
    assert rows[1][:5] == [dossier.code, "Đã trả kết quả", "10", "2", "Trạng thái khác nhau"]
    sheet = load_workbook(tmp_path / "d.xlsx").active
    assert sheet is not None
    assert sheet.cell(row=2, column=1).value == dossier.code
    assert f"{dossier.code}\treturned\t10\t2\tstatus_differs" in out.getvalue()
    assert "1 hồ sơ lệch" in out.getvalue()


def test_exports_of_a_clean_run_hold_only_the_header(synced: SimulatorProcess):
    # given
    on_portal(portal_dossier())
    # when
    run = portal_reconcile(actor=None)
    # then
    assert reconciliation_csv(run).strip() == reconciliation_csv(run).splitlines()[0]
    assert load_workbook(io.BytesIO(reconciliation_xlsx(run))).active.max_row == 1


def test_status_events_from_the_real_lifecycle_are_kept_in_step(synced: SimulatorProcess):
    # given a dossier that went through several changes, each reported by the hook
    dossier = on_portal(portal_dossier(status=DossierStatus.SUBMITTED))
    for status, _kind in [
        (DossierStatus.RECEIVED, EventKind.RECEIVED),
        (DossierStatus.PROCESSING, EventKind.FORWARDED),
        (DossierStatus.DONE, EventKind.FINISHED),
    ]:
        Dossier.objects.filter(pk=dossier.pk).update(status=status)
        on_portal(Dossier.objects.get(pk=dossier.pk))
    # when
    run = portal_reconcile(actor=None)
    # then
    assert not PortalReconciliation.objects.filter(run=run, dossier=dossier).exists()
