"""Decisions override weekends and holidays, are audited, and reach the cached calendar."""

from __future__ import annotations

import importlib
from datetime import date

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from congso.audit.models import AuditEntry
from congso.core.errors import NotFound
from congso.workdays.calendar import add_working_days, day_status, is_working_day
from congso.workdays.constants import CALENDAR_DECISION_REMOVED, CALENDAR_DECISION_SET, DaySource
from congso.workdays.models import CalendarDayKind, CalendarDecision
from congso.workdays.services import calendar_decision_remove, calendar_decision_set

pytestmark = pytest.mark.django_db

SEED = importlib.import_module("congso.workdays.migrations.0002_seed_known_decisions")


def test_a_new_day_off_moves_the_due_date_once_committed(
    staff_user, django_capture_on_commit_callbacks
):
    # given a due date computed (and cached) before the decision
    assert add_working_days(date(2019, 3, 1), 5, cutoff=None) == date(2019, 3, 8)
    # when Wednesday 06/3/2019 is declared a day off
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        decision = calendar_decision_set(
            actor=staff_user,
            day=date(2019, 3, 6),
            kind=CalendarDayKind.DAY_OFF,
            reason="Nghỉ đột xuất (thử nghiệm)",
            legal_basis="QĐ số 1/QĐ-UBND",
        )
    # then
    assert len(callbacks) == 1
    assert add_working_days(date(2019, 3, 1), 5, cutoff=None) == date(2019, 3, 11)
    status = day_status(date(2019, 3, 6))
    assert (status.is_working_day, status.source, status.reason) == (
        False,
        DaySource.DECISION,
        "Nghỉ đột xuất (thử nghiệm)",
    )
    entry = AuditEntry.objects.get(action=CALENDAR_DECISION_SET)
    assert entry.target_id == str(decision.pk)
    assert entry.actor_id == staff_user.pk
    assert entry.data["kind"] == "off"
    assert entry.data["previous"] is None


def test_a_decision_overrides_a_public_holiday(staff_user, django_capture_on_commit_callbacks):
    # given Tết 05/02/2019 is off by the package
    assert is_working_day(date(2019, 2, 5)) is False
    # when
    with django_capture_on_commit_callbacks(execute=True):
        calendar_decision_set(
            actor=staff_user,
            day=date(2019, 2, 5),
            kind=CalendarDayKind.WORKING_DAY,
            reason="Trực Tết (thử nghiệm)",
        )
    # then
    assert is_working_day(date(2019, 2, 5)) is True


def test_updating_a_decision_records_what_it_was(staff_user, django_capture_on_commit_callbacks):
    # given the seeded working Saturday 04/5/2019
    before = CalendarDecision.objects.get(day=date(2019, 5, 4))
    # when it is turned into a day off
    with django_capture_on_commit_callbacks(execute=True):
        decision = calendar_decision_set(
            actor=staff_user, day=date(2019, 5, 4), kind="off", reason="Hủy làm bù (thử nghiệm)"
        )
    # then
    assert decision.pk == before.pk
    assert is_working_day(date(2019, 5, 4)) is False
    entry = AuditEntry.objects.get(action=CALENDAR_DECISION_SET)
    assert entry.data["previous"]["kind"] == "work"
    assert entry.data["kind"] == "off"


def test_setting_the_same_decision_again_changes_nothing(staff_user):
    # when the seeded decision is set with identical values
    seeded = CalendarDecision.objects.get(day=date(2019, 1, 5))
    calendar_decision_set(
        actor=staff_user,
        day=seeded.day,
        kind=seeded.kind,
        reason=seeded.reason,
        legal_basis=seeded.legal_basis,
    )
    # then
    assert not AuditEntry.objects.exists()


def test_removing_a_decision_restores_the_default_rules(
    staff_user, django_capture_on_commit_callbacks
):
    # given
    with django_capture_on_commit_callbacks(execute=True):
        calendar_decision_set(
            actor=staff_user, day=date(2019, 3, 6), kind="off", reason="Nghỉ (thử nghiệm)"
        )
    assert is_working_day(date(2019, 3, 6)) is False
    # when
    with django_capture_on_commit_callbacks(execute=True):
        calendar_decision_remove(actor=staff_user, day=date(2019, 3, 6))
    # then
    assert is_working_day(date(2019, 3, 6)) is True
    assert not CalendarDecision.objects.filter(day=date(2019, 3, 6)).exists()
    removal = AuditEntry.objects.get(action=CALENDAR_DECISION_REMOVED)
    assert removal.data["reason"] == "Nghỉ (thử nghiệm)"


def test_removing_a_missing_decision_is_not_found(staff_user):
    with pytest.raises(NotFound) as caught:
        calendar_decision_remove(actor=staff_user, day=date(2019, 3, 6))
    assert caught.value.code == "calendar_decision_not_found"


@pytest.mark.parametrize(
    ("kind", "reason"), [("holiday", "Lý do"), ("off", ""), ("off", "   ")], ids=str
)
def test_an_invalid_decision_writes_nothing(staff_user, kind, reason):
    with pytest.raises(ValidationError):
        calendar_decision_set(actor=staff_user, day=date(2019, 3, 6), kind=kind, reason=reason)
    assert not CalendarDecision.objects.filter(day=date(2019, 3, 6)).exists()
    assert not AuditEntry.objects.exists()


def test_uncommitted_decisions_do_not_reach_the_cache_before_commit(staff_user):
    # given a warm cache
    assert is_working_day(date(2019, 3, 6)) is True
    # when a decision is written but its transaction has not committed
    calendar_decision_set(actor=staff_user, day=date(2019, 3, 6), kind="off", reason="Nghỉ")
    # then the cached calendar still answers from committed data
    assert is_working_day(date(2019, 3, 6)) is True


@override_settings(CONGSO_CALENDAR_RECHECK_SECONDS=0)
def test_a_change_made_by_another_process_is_noticed():
    # given a warm cache
    assert is_working_day(date(2019, 3, 6)) is True
    # when another process writes the table (simulated: no on-commit hook runs here)
    CalendarDecision.objects.create(day=date(2019, 3, 6), kind="off", reason="Nghỉ")
    # then the next question sees the changed table
    assert is_working_day(date(2019, 3, 6)) is False


@override_settings(CONGSO_CALENDAR_RECHECK_SECONDS=0)
def test_an_unchanged_table_keeps_the_cache_across_checks():
    # given a warm cache
    assert is_working_day(date(2019, 3, 6)) is True
    # when
    with CaptureQueriesContext(connection) as queries:
        assert add_working_days(date(2019, 3, 1), 5, cutoff=None) == date(2019, 3, 8)
    # then: only the cheap checks ran, the decisions were not reloaded
    assert queries.captured_queries
    assert all("COUNT(" in query["sql"] for query in queries.captured_queries)


def test_the_seed_migration_records_the_2018_2019_swaps_honestly():
    # then
    seeded = {d.day: d for d in CalendarDecision.objects.all()}
    assert {day: d.kind for day, d in seeded.items()} == {
        date(2018, 12, 31): "off",
        date(2019, 1, 5): "work",
        date(2019, 4, 29): "off",
        date(2019, 5, 4): "work",
    }
    assert all(d.legal_basis.startswith("[C]") for d in seeded.values())


def test_the_seed_migration_reverses_and_reapplies():
    # when
    SEED.unseed(apps, None)
    # then
    assert not CalendarDecision.objects.exists()
    # when
    SEED.seed(apps, None)
    SEED.seed(apps, None)  # idempotent
    # then
    assert CalendarDecision.objects.count() == 4


def test_reversing_the_seed_keeps_decisions_edited_since(staff_user):
    # given an edited seeded row
    calendar_decision_set(actor=staff_user, day=date(2019, 5, 4), kind="work", reason="Sửa lại")
    # when
    SEED.unseed(apps, None)
    # then
    assert list(CalendarDecision.objects.values_list("day", flat=True)) == [date(2019, 5, 4)]
