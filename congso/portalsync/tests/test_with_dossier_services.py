"""End to end with the real dossiers services: the desk's action reaches the simulated portal."""

from __future__ import annotations

import pytest
from django.test import TestCase

from congso.accounts.tests.factories import StaffUserFactory
from congso.core.identity import Role
from congso.dossiers.constants import DossierStatus, EventKind
from congso.dossiers.models import DossierEvent
from congso.dossiers.services import dossier_receive, dossier_refuse
from congso.portalsim.testing import SimulatorProcess
from congso.portalsync.constants import OutboxKind, OutboxStatus
from congso.portalsync.models import PortalOutbox
from congso.portalsync.tests.conftest import portal_dossier, portal_record

pytestmark = pytest.mark.django_db


def submitted_with_desk_officer():
    dossier = portal_dossier(status=DossierStatus.SUBMITTED, submitted_only=True)
    dossier.procedure.receiving_agencies.add(dossier.receiving_agency)
    officer = StaffUserFactory(agency=dossier.receiving_agency, roles=[Role.ONE_STOP_OFFICER])
    return dossier, officer


def test_receiving_at_the_desk_shows_status_2_on_the_portal(synced: SimulatorProcess):
    # given
    dossier, officer = submitted_with_desk_officer()
    # when
    with TestCase.captureOnCommitCallbacks(execute=True):
        dossier_receive(officer, dossier)
    # then
    held = portal_record(synced, dossier.code)
    assert held is not None
    assert held["TrangThaiHoSo"] == 2
    assert held["data"]["NgayHenTra"] != ""
    assert held["progress"][-1]["NguoiXuLy"] == officer.display_name


def test_a_refusal_shows_status_3_on_the_portal(synced: SimulatorProcess):
    # given
    dossier, officer = submitted_with_desk_officer()
    # when
    with TestCase.captureOnCommitCallbacks(execute=True):
        dossier_refuse(officer, dossier, "Không thuộc thẩm quyền")
    # then
    held = portal_record(synced, dossier.code)
    assert held is not None
    assert held["TrangThaiHoSo"] == 3


def test_portalsync_listens_inside_the_dossier_transaction():
    # given the installed apps (PortalsyncConfig.ready ran)
    from congso.dossiers import hooks
    from congso.portalsync.services import outbox

    # then the outbox is fed by the in-transaction hook, not the after-commit fallback
    assert outbox.on_dossier_event_in_transaction in hooks.registered_in_transaction()
    assert outbox.on_dossier_event_after_commit not in hooks.registered()


def test_the_outbox_rows_are_written_before_the_service_commits(synced: SimulatorProcess):
    # given a submitted dossier and its desk officer
    dossier, officer = submitted_with_desk_officer()
    # when the desk receives it, with the after-commit work held back
    with TestCase.captureOnCommitCallbacks(execute=False) as pending:
        dossier_receive(officer, dossier)
        # then the rows already exist inside the still-open transaction, pending, for the event
        event = DossierEvent.objects.get(dossier=dossier, kind=EventKind.RECEIVED)
        rows = list(PortalOutbox.objects.filter(dossier=dossier).order_by("pk"))
        assert [(r.kind, r.status, r.event_id) for r in rows] == [
            (OutboxKind.DOSSIER, OutboxStatus.PENDING, event.pk),
            (OutboxKind.PROGRESS, OutboxStatus.PENDING, event.pk),
        ]
        assert rows[0].portal_status == 2
    assert pending  # sending is left to after commit


def test_a_service_that_rolls_back_leaves_no_outbox_row(synced: SimulatorProcess):
    # given a submitted dossier and a later in-transaction callback that fails
    from congso.dossiers import hooks

    dossier, officer = submitted_with_desk_officer()

    def failing(dossier_id: int, event_id: int) -> None:
        raise RuntimeError("boom")

    hooks.in_transaction(failing)
    try:
        # when the desk tries to receive it
        with pytest.raises(RuntimeError):
            dossier_receive(officer, dossier)
    finally:
        hooks.remove(failing)
    # then the outbox row portalsync wrote rolled back with the dossier change
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
    assert not PortalOutbox.objects.filter(dossier=dossier).exists()
    assert not DossierEvent.objects.filter(dossier=dossier, kind=EventKind.RECEIVED).exists()


def test_a_dossier_change_never_commits_without_its_outbox_row(
    synced: SimulatorProcess, monkeypatch: pytest.MonkeyPatch
):
    # given a submitted dossier, and an outbox that cannot build its message
    from congso.portalsync.services import outbox

    dossier, officer = submitted_with_desk_officer()

    def broken(*args: object, **kwargs: object) -> dict[str, object]:
        raise RuntimeError("payload")

    monkeypatch.setattr(outbox, "dossier_payload", broken)
    # when the desk receives it
    with pytest.raises(RuntimeError):
        dossier_receive(officer, dossier)
    # then the dossier did not change either
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
    assert dossier.received_at is None
    assert not PortalOutbox.objects.exists()
