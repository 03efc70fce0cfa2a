"""The staff page: failed messages visible and resendable, differences downloadable, access."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from congso.accounts.tests.factories import CitizenUserFactory, StaffUserFactory
from congso.core.identity import Role
from congso.portalsync.constants import OutboxKind, OutboxStatus, ReconciliationIssue
from congso.portalsync.models import PortalOutbox, PortalReconciliation, PortalReconciliationRun
from congso.portalsync.tests.conftest import portal_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed_row(settings: Any) -> PortalOutbox:
    settings.PORTALSYNC_URL = "http://127.0.0.1:9"
    dossier = portal_dossier()
    return PortalOutbox.objects.create(
        dossier=dossier,
        kind=OutboxKind.DOSSIER,
        madonvi=dossier.receiving_agency.code_qcvn102 or "",
        ma_ho_so=dossier.code or "",
        portal_status=2,
        payload={},
        status=OutboxStatus.FAILED,
        attempts=12,
        last_error="Hết 12 lần thử: Connection refused",
    )


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_officer_sees_the_failed_message_and_resends_it(failed_row: PortalOutbox):
    # given
    client = logged_in(StaffUserFactory(roles=[Role.ONE_STOP_OFFICER]))
    # when
    page = client.get(reverse("portalsync:overview"))
    client.post(reverse("portalsync:resend", args=[failed_row.pk]))
    # then
    assert page.status_code == 200
    assert failed_row.ma_ho_so in page.content.decode()
    assert "Connection refused" in page.content.decode()
    failed_row.refresh_from_db()
    assert failed_row.status == OutboxStatus.PENDING
    assert failed_row.attempts == 0  # a fresh budget of attempts


def test_the_last_reconciliation_downloads_as_excel_and_csv(failed_row: PortalOutbox):
    # given
    run = PortalReconciliationRun.objects.create(
        started_at=timezone.now(), finished_at=timezone.now(), checked=1, differing=1
    )
    PortalReconciliation.objects.create(
        run=run,
        dossier=failed_row.dossier,
        ma_ho_so=failed_row.ma_ho_so,
        local_status="done",
        expected_portal_status=9,
        portal_status=4,
        issue=ReconciliationIssue.STATUS_DIFFERS,
    )
    client = logged_in(StaffUserFactory(roles=[Role.ADMINISTRATOR]))
    # when
    page = client.get(reverse("portalsync:overview")).content.decode()
    csv = client.get(reverse("portalsync:export", args=[run.pk, "csv"]))
    xlsx = client.get(reverse("portalsync:export", args=[run.pk, "xlsx"]))
    # then
    assert "1</strong> hồ sơ lệch" in page
    assert failed_row.ma_ho_so in csv.content.decode()
    assert xlsx.content[:2] == b"PK"


@pytest.mark.parametrize("who", ["specialist", "citizen"])
def test_others_cannot_open_or_resend(failed_row: PortalOutbox, who: str):
    # given
    user = CitizenUserFactory() if who == "citizen" else StaffUserFactory(roles=[Role.SPECIALIST])
    client = logged_in(user)
    # when
    page = client.get(reverse("portalsync:overview"))
    client.post(reverse("portalsync:resend", args=[failed_row.pk]))
    # then
    assert page.status_code in (302, 403)
    failed_row.refresh_from_db()
    assert failed_row.status == OutboxStatus.FAILED
