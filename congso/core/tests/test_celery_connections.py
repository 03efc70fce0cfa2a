"""A Celery worker keeps its database connection between tasks for `DB_CONN_MAX_AGE`, as a web
request does, instead of Celery's Django fix-up closing it around every task."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from celery.fixups import django as celery_django
from django.db import connection

from config.celery import _connections_tidy, app


def _worker_task() -> SimpleNamespace:
    return SimpleNamespace(request=SimpleNamespace(is_eager=False))


def _connected_with_max_age(monkeypatch: pytest.MonkeyPatch, seconds: int) -> object:
    if connection.vendor == "sqlite":
        pytest.skip("Django never closes the in-memory SQLite database of the tests")
    connection.close()
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", seconds)
    connection.ensure_connection()
    return connection.connection


def test_the_fixup_no_longer_closes_connections_around_each_task():
    # when
    fixup = celery_django.DjangoWorkerFixup(app)  # type: ignore[attr-defined]
    # then: it would close only every 2 × 2**30 tasks
    assert fixup.db_reuse_max >= 1 << 30


@pytest.mark.django_db(transaction=True)
def test_a_connection_within_its_max_age_is_kept_between_tasks(monkeypatch):
    # given
    raw = _connected_with_max_age(monkeypatch, 300)
    # when: one task ends, the next starts
    _connections_tidy(sender=_worker_task())
    _connections_tidy(sender=_worker_task())
    # then
    assert connection.connection is raw
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


@pytest.mark.django_db(transaction=True)
def test_with_no_max_age_each_task_gets_a_fresh_connection(monkeypatch):
    # given
    _connected_with_max_age(monkeypatch, 0)
    # when
    _connections_tidy(sender=_worker_task())
    # then
    assert connection.connection is None


@pytest.mark.django_db(transaction=True)
def test_a_connection_left_in_an_error_state_is_closed(monkeypatch):
    # given
    _connected_with_max_age(monkeypatch, 300)
    connection.errors_occurred = True
    monkeypatch.setattr(connection, "is_usable", lambda: False)
    # when
    _connections_tidy(sender=_worker_task())
    # then
    assert connection.connection is None


@pytest.mark.django_db
def test_an_eager_task_leaves_its_callers_connection_alone(monkeypatch):
    # given: an eager task runs inside its caller's transaction
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    connection.ensure_connection()
    raw = connection.connection
    # when
    _connections_tidy(sender=SimpleNamespace(request=SimpleNamespace(is_eager=True)))
    # then
    assert connection.connection is raw
