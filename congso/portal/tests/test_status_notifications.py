"""The applicant hears of status changes that concern them, after the dossiers service commits."""

from __future__ import annotations

import pytest
from django.core import mail

from congso.accounts.tests.factories import StaffUserFactory
from congso.core.identity import Role
from congso.dossiers.constants import DossierStatus
from congso.dossiers.services import dossier_receive
from congso.dossiers.tests.factories import DossierFactory
from congso.notifications.constants import Channel, NotificationStatus
from congso.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_receiving_a_dossier_emails_and_texts_the_applicant(django_capture_on_commit_callbacks):
    # given: a submitted dossier and the desk officer of its receiving agency
    dossier = DossierFactory.create(
        applicant_email="congdan@example.vn", applicant_phone="0905123456"
    )
    officer = StaffUserFactory.create(
        agency=dossier.receiving_agency, roles=[Role.ONE_STOP_OFFICER]
    )
    # when
    with django_capture_on_commit_callbacks(execute=True):
        dossier_receive(officer, dossier)
    # then: one e-mail (sent) and one SMS (only logged by the development provider)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["congdan@example.vn"]
    assert mail.outbox[0].subject == f"Hồ sơ {dossier.code}: Đã tiếp nhận"
    assert "http://127.0.0.1:8000/dich-vu-cong/tra-cuu/" in mail.outbox[0].body
    rows = {row.channel: row for row in Notification.objects.all()}
    assert rows[Channel.EMAIL].status == NotificationStatus.SENT
    assert rows[Channel.SMS].status == NotificationStatus.LOGGED
    assert rows[Channel.SMS].reference == f"dossier:{dossier.pk}"


def test_a_bad_phone_number_does_not_stop_the_email(django_capture_on_commit_callbacks):
    # given
    dossier = DossierFactory.create(applicant_email="congdan@example.vn", applicant_phone="12")
    officer = StaffUserFactory.create(
        agency=dossier.receiving_agency, roles=[Role.ONE_STOP_OFFICER]
    )
    # when
    with django_capture_on_commit_callbacks(execute=True):
        dossier_receive(officer, dossier)
    # then
    assert len(mail.outbox) == 1
    assert list(Notification.objects.values_list("channel", flat=True)) == [Channel.EMAIL]
