"""The simulated national portal holds status 6 while a fee is awaited, 4/2 again once paid, and
8 when the dossier is stopped (outbox drained after each commit)."""

from __future__ import annotations

import pytest
from django.test import TestCase

from congso.accounts.tests.factories import StaffUserFactory
from congso.core.identity import Role
from congso.dossiers.constants import DossierStatus
from congso.dossiers.services import dossier_fee_paid, dossier_fee_request, dossier_stop
from congso.portalsim.testing import SimulatorProcess
from congso.portalsync.constants import OutboxStatus
from congso.portalsync.models import PortalOutbox
from congso.portalsync.tests.conftest import (  # noqa: F401  (fixtures)
    portal,
    portal_dossier,
    portal_record,
    synced,
)

pytestmark = pytest.mark.django_db


def test_fee_request_payment_and_stop_reach_the_portal(synced: SimulatorProcess) -> None:  # noqa: F811
    # given a received dossier and an officer of its desk
    dossier = portal_dossier(status=DossierStatus.RECEIVED)
    officer = StaffUserFactory(agency=dossier.receiving_agency, roles=[Role.ONE_STOP_OFFICER])
    # when a fee is requested
    with TestCase.captureOnCommitCallbacks(execute=True):
        dossier_fee_request(officer, dossier, 200_000, "Lệ phí trước bạ")
    # then the portal holds status 6 with the reason in the progress
    held = portal_record(synced, dossier.code)
    assert held is not None
    assert held["TrangThaiHoSo"] == 6
    assert "Lệ phí trước bạ" in held["progress"][-1]["NoiDungXuLy"]
    assert "Yêu cầu thực hiện nghĩa vụ tài chính" in held["progress"][-1]["NoiDungXuLy"]
    # when it is paid
    with TestCase.captureOnCommitCallbacks(execute=True):
        dossier_fee_paid(officer, dossier, "BL-77")
    # then the portal is back at "Được tiếp nhận"
    held = portal_record(synced, dossier.code)
    assert held is not None
    assert held["TrangThaiHoSo"] == 2
    # when the dossier is stopped
    with TestCase.captureOnCommitCallbacks(execute=True):
        dossier_stop(officer, dossier, "Người nộp đề nghị dừng")
    # then the portal holds status 8, and every outbox row went out
    held = portal_record(synced, dossier.code)
    assert held is not None
    assert held["TrangThaiHoSo"] == 8
    assert held["progress"][-1]["TrangThai"] == "8"
    pending = PortalOutbox.objects.filter(dossier=dossier).exclude(
        status__in=[OutboxStatus.SENT, OutboxStatus.SUPERSEDED]
    )
    assert not pending.exists()
