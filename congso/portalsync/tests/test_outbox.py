"""Outbox → legacy adapter → the real simulator process: delivery, mapping, retries, refusals."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.test import TestCase
from django.utils import timezone

from congso.audit.models import AuditEntry
from congso.core.errors import Conflict
from congso.dossiers import hooks
from congso.dossiers.constants import DossierStatus, EventKind
from congso.dossiers.models import Dossier, PortalStatusMapping
from congso.portalsim.testing import SimulatorProcess
from congso.portalsync.constants import OutboxKind, OutboxStatus, PortalsyncAction
from congso.portalsync.models import PortalOutbox
from congso.portalsync.services.outbox import (
    portal_outbox_drain,
    portal_outbox_enqueue,
    portal_outbox_resend,
)
from congso.portalsync.tests.conftest import event_for, point_at, portal_dossier, portal_record

pytestmark = pytest.mark.django_db


def change_status(dossier: Dossier, status: str, kind: str, **data: Any) -> None:
    """What a dossiers service does: change, write the event, call the in-transaction hooks,
    then the after-commit ones."""
    with TestCase.captureOnCommitCallbacks(execute=True), transaction.atomic():
        Dossier.objects.filter(pk=dossier.pk).update(status=status)
        dossier.status = status
        event = event_for(dossier, kind, **data)
        hooks.status_changing(dossier.pk, event.pk)
        hooks.schedule_status_changed(dossier.pk, event.pk)


def test_a_status_change_reaches_the_portal_with_its_progress(synced: SimulatorProcess):
    # given a received dossier
    dossier = portal_dossier(status=DossierStatus.SUBMITTED)
    # when dossiers reports the change (the registered hook)
    change_status(dossier, DossierStatus.RECEIVED, EventKind.RECEIVED)
    # then both messages were sent and the portal holds status 2 with one progress entry
    rows = list(PortalOutbox.objects.filter(dossier=dossier))
    assert [(r.kind, r.status) for r in rows] == [
        (OutboxKind.DOSSIER, OutboxStatus.SENT),
        (OutboxKind.PROGRESS, OutboxStatus.SENT),
    ]
    held = portal_record(synced, dossier.code)
    assert held is not None
    assert held["TrangThaiHoSo"] == 2
    assert held["madonvi"] == dossier.receiving_agency.code_qcvn102
    local = timezone.localtime(dossier.received_at, timezone.get_fixed_timezone(7 * 60))
    assert held["data"]["NgayTiepNhan"] == local.strftime("%Y%m%d%H%M%S")
    assert [p["NoiDungXuLy"] for p in held["progress"]] == ["Tiếp nhận hồ sơ (Mẫu 01)"]


def test_later_changes_update_the_same_portal_dossier(synced: SimulatorProcess):
    # given a dossier already on the portal
    dossier = portal_dossier()
    change_status(dossier, DossierStatus.RECEIVED, EventKind.RECEIVED)
    # when it moves on twice
    change_status(dossier, DossierStatus.PROCESSING, EventKind.FORWARDED, note="Chuyển phòng")
    change_status(dossier, DossierStatus.SUPPLEMENT_REQUESTED, EventKind.SUPPLEMENT_REQUESTED)
    # then the portal replaced the snapshot (isUpdating=True) and appended the progress
    held = portal_record(synced, dossier.code)
    assert held is not None
    assert (held["TrangThaiHoSo"], held["versions"]) == (5, 3)
    assert [p["TrangThai"] for p in held["progress"]] == ["2", "4", "5"]
    assert held["progress"][1]["NoiDungXuLy"] == "Chuyển xử lý: Chuyển phòng"


def test_the_portal_code_comes_from_the_editable_mapping_table(synced: SimulatorProcess):
    # given an administrator remapped "processing" to portal code 9 (a deliberately odd choice)
    PortalStatusMapping.objects.filter(status=DossierStatus.PROCESSING).update(portal_code=9)
    dossier = portal_dossier()
    # when
    change_status(dossier, DossierStatus.PROCESSING, EventKind.FORWARDED)
    # then
    held = portal_record(synced, dossier.code)
    assert held is not None
    assert held["TrangThaiHoSo"] == 9


@pytest.mark.parametrize(
    "setup",
    ["draft", "no_code", "sub_dossier", "sync_off"],
)
def test_nothing_is_queued_for_what_the_portal_must_not_see(
    synced: SimulatorProcess, settings: Any, setup: str
):
    # given
    dossier = portal_dossier()
    if setup == "draft":
        Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.DRAFT)
    elif setup == "no_code":
        Dossier.objects.filter(pk=dossier.pk).update(code=None)
    elif setup == "sub_dossier":
        Dossier.objects.filter(pk=dossier.pk).update(parent=portal_dossier())
    else:
        settings.PORTALSYNC_URL = ""
    event = event_for(dossier)
    # when
    rows = portal_outbox_enqueue(dossier_id=dossier.pk, event_id=event.pk)
    # then
    assert rows == []
    assert not PortalOutbox.objects.filter(dossier=dossier).exists()


def test_enqueueing_is_idempotent_per_event(synced: SimulatorProcess, settings: Any):
    # given sending is not possible right now (no broker, portal unknown)
    settings.PORTALSYNC_URL = "http://127.0.0.1:9"
    dossier = portal_dossier()
    event = event_for(dossier)
    # when the hook fires twice for the same event
    first = portal_outbox_enqueue(dossier_id=dossier.pk, event_id=event.pk)
    second = portal_outbox_enqueue(dossier_id=dossier.pk, event_id=event.pk)
    # then
    assert [r.pk for r in first] == [r.pk for r in second]
    assert PortalOutbox.objects.filter(dossier=dossier).count() == 2


def test_outbox_waits_while_the_portal_is_down_and_delivers_when_it_is_back(
    settings: Any, tmp_path
):
    # given a portal that is down
    simulator = SimulatorProcess(tmp_path / "portal.sqlite3").start()
    point_at(settings, simulator)
    simulator.stop()
    dossier = portal_dossier()
    # when the dossier changes
    change_status(dossier, DossierStatus.RECEIVED, EventKind.RECEIVED)
    # then the first row waits with back-off, the later row behind it
    first, second = PortalOutbox.objects.filter(dossier=dossier).order_by("pk")
    assert (first.status, first.attempts, second.attempts) == (OutboxStatus.PENDING, 1, 0)
    assert first.last_error
    assert first.next_attempt_at is not None
    delay = (first.next_attempt_at - timezone.now()).total_seconds()
    assert 25 < delay <= settings.PORTALSYNC_RETRY_BASE_SECONDS
    # when a drain runs before the row is due, nothing is tried
    assert portal_outbox_drain()["sent"] == 0
    first.refresh_from_db()
    assert first.attempts == 1
    # when the portal is back (same port, same data) and the row is due
    with SimulatorProcess(tmp_path / "portal.sqlite3", port=simulator.port) as back:
        result = portal_outbox_drain(now=timezone.now() + timedelta(seconds=31))
        held = portal_record(back, dossier.code)
    # then
    assert result == {"sent": 2, "unavailable": 0}
    assert held is not None
    assert held["TrangThaiHoSo"] == 2
    assert len(held["progress"]) == 1
    assert set(PortalOutbox.objects.filter(dossier=dossier).values_list("status", flat=True)) == {
        OutboxStatus.SENT
    }


def test_back_off_doubles_and_the_budget_ends_in_failed_visible_and_resendable(
    settings: Any, tmp_path
):
    # given a portal that stays down and a budget of 3 attempts
    settings.PORTALSYNC_MAX_ATTEMPTS = 3
    simulator = SimulatorProcess(tmp_path / "portal.sqlite3").start()
    point_at(settings, simulator)
    simulator.stop()
    dossier = portal_dossier()
    change_status(dossier, DossierStatus.RECEIVED, EventKind.RECEIVED)
    row = PortalOutbox.objects.filter(dossier=dossier).order_by("pk").first()
    assert row is not None
    # when the drain keeps trying as each retry falls due
    now = timezone.now()
    delays = []
    for _ in range(2):
        row.refresh_from_db()
        assert row.next_attempt_at is not None
        delays.append(round((row.next_attempt_at - now).total_seconds()))
        now = row.next_attempt_at + timedelta(seconds=1)
        portal_outbox_drain(now=now)
    row.refresh_from_db()
    # then the delays doubled and the row failed for good, with an audit entry
    assert delays[0] in range(29, 32)
    assert delays[1] == 60
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, 3)
    assert "Hết 3 lần thử" in row.last_error
    assert AuditEntry.objects.filter(action=PortalsyncAction.OUTBOX_FAILED).count() == 1
    # when staff resend it once the portal is back
    with SimulatorProcess(tmp_path / "portal.sqlite3", port=simulator.port) as back:
        portal_outbox_resend(actor=None, outbox_id=row.pk)
        portal_outbox_drain(now=now + timedelta(hours=1))
        held = portal_record(back, dossier.code)
    row.refresh_from_db()
    # then
    assert row.status == OutboxStatus.SENT
    assert held is not None
    assert held["TrangThaiHoSo"] == 2
    assert AuditEntry.objects.filter(action=PortalsyncAction.OUTBOX_RESENT).count() == 1


def test_only_failed_rows_can_be_resent(synced: SimulatorProcess):
    # given a delivered row
    dossier = portal_dossier()
    change_status(dossier, DossierStatus.RECEIVED, EventKind.RECEIVED)
    row = PortalOutbox.objects.filter(dossier=dossier).first()
    assert row is not None
    # when / then
    with pytest.raises(Conflict):
        portal_outbox_resend(actor=None, outbox_id=row.pk)


def test_a_payload_the_portal_refuses_fails_at_once_naming_the_field(synced: SimulatorProcess):
    # given a dossier with a phone number the portal cannot accept
    dossier = portal_dossier(applicant_phone="gọi 0905")
    # when
    change_status(dossier, DossierStatus.RECEIVED, EventKind.RECEIVED)
    # then no retry is scheduled: the same content would be refused again
    first, second = PortalOutbox.objects.filter(dossier=dossier).order_by("pk")
    assert (first.status, first.attempts, first.next_attempt_at) == (OutboxStatus.FAILED, 1, None)
    assert first.last_error_field == "data[0].SoDienThoai"
    assert "SoDienThoai" in first.last_error
    assert (second.status, second.last_error_field) == (OutboxStatus.FAILED, "data[0].MaHoSo")
    assert portal_record(synced, dossier.code) is None


def test_a_newer_snapshot_supersedes_one_still_waiting(settings: Any):
    # given a portal that cannot be reached, and two changes in a row
    settings.PORTALSYNC_URL = "http://127.0.0.1:9"
    dossier = portal_dossier()
    portal_outbox_enqueue(dossier_id=dossier.pk, event_id=event_for(dossier).pk)
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.PROCESSING)
    # when
    portal_outbox_enqueue(dossier_id=dossier.pk, event_id=event_for(dossier).pk)
    # then only the newest dossier snapshot is still to be sent; all progress rows stay
    kinds = list(
        PortalOutbox.objects.filter(dossier=dossier)
        .order_by("pk")
        .values_list("kind", "status", "portal_status")
    )
    assert kinds == [
        (OutboxKind.DOSSIER, OutboxStatus.SUPERSEDED, 2),
        (OutboxKind.PROGRESS, OutboxStatus.PENDING, 2),
        (OutboxKind.DOSSIER, OutboxStatus.PENDING, 4),
        (OutboxKind.PROGRESS, OutboxStatus.PENDING, 4),
    ]
