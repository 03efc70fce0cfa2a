"""The admin edits decisions only through the audited services."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from congso.audit.models import AuditEntry
from congso.workdays.constants import CALENDAR_DECISION_REMOVED, CALENDAR_DECISION_SET
from congso.workdays.models import CalendarDecision

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client, django_user_model):
    user = django_user_model.objects.create_superuser(
        username="sieuquantri", email="qt@example.vn", password="MatKhau@2020"
    )
    client.force_login(user)
    return client, user


def test_adding_a_decision_in_the_admin_is_audited(admin_client_):
    client, user = admin_client_
    # when
    response = client.post(
        reverse("admin:workdays_calendardecision_add"),
        {"day": "2019-03-06", "kind": "off", "reason": "Nghỉ (thử nghiệm)", "legal_basis": ""},
    )
    # then
    assert response.status_code == 302
    decision = CalendarDecision.objects.get(day=date(2019, 3, 6))
    entry = AuditEntry.objects.get(action=CALENDAR_DECISION_SET)
    assert (entry.actor_id, entry.target_id) == (user.pk, str(decision.pk))


def test_changing_a_decision_in_the_admin_keeps_its_day(admin_client_):
    client, _user = admin_client_
    decision = CalendarDecision.objects.get(day=date(2019, 5, 4))
    # when
    response = client.post(
        reverse("admin:workdays_calendardecision_change", args=[decision.pk]),
        {"day": "2019-05-11", "kind": "off", "reason": "Hủy làm bù", "legal_basis": ""},
    )
    # then
    assert response.status_code == 302
    decision.refresh_from_db()
    assert (decision.day, decision.kind, decision.reason) == (date(2019, 5, 4), "off", "Hủy làm bù")
    assert AuditEntry.objects.filter(action=CALENDAR_DECISION_SET).count() == 1


def test_deleting_decisions_in_the_admin_is_audited(admin_client_):
    client, _user = admin_client_
    decisions = list(CalendarDecision.objects.filter(day__year=2019))
    # when: the bulk "delete selected" action
    response = client.post(
        reverse("admin:workdays_calendardecision_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [d.pk for d in decisions],
            "post": "yes",
        },
    )
    # then
    assert response.status_code == 302
    assert not CalendarDecision.objects.filter(day__year=2019).exists()
    assert AuditEntry.objects.filter(action=CALENDAR_DECISION_REMOVED).count() == len(decisions)


def test_deleting_one_decision_in_the_admin_is_audited(admin_client_):
    client, _user = admin_client_
    decision = CalendarDecision.objects.get(day=date(2019, 5, 4))
    # when
    response = client.post(
        reverse("admin:workdays_calendardecision_delete", args=[decision.pk]), {"post": "yes"}
    )
    # then
    assert response.status_code == 302
    assert not CalendarDecision.objects.filter(pk=decision.pk).exists()
    assert AuditEntry.objects.get(action=CALENDAR_DECISION_REMOVED).target_id == str(decision.pk)
