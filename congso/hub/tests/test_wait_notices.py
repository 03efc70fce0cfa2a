"""Deliveries are announced to the other hub processes over PostgreSQL NOTIFY (ADR 0026)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, transaction

from congso.hub.services import notices, wakeups

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def announced(settings: Any) -> Iterator[None]:
    if connection.vendor != "postgresql":
        pytest.skip("LISTEN/NOTIFY needs PostgreSQL")
    settings.HUB_WAIT_NOTIFY = True
    settings.HUB_WAIT_RECHECK_SECONDS = 60
    settings.HUB_WAIT_RECHECK_NOTIFIED_SECONDS = 60
    yield
    notices.listener_stop()


@pytest.fixture
def other_process() -> Iterator[Any]:
    """A connection of its own, as another hub process (or an observer) has."""
    import psycopg

    if connection.vendor != "postgresql":
        pytest.skip("LISTEN/NOTIFY needs PostgreSQL")
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        yield other


def test_a_notice_from_another_process_wakes_the_waiting_request(announced, other_process) -> None:
    # given a request of member 41 waiting in this process, with nothing pending and no look
    # at the database due before its time is up
    woke: list[bool] = []
    waiter = threading.Thread(
        target=lambda: woke.append(
            wakeups.delivery_wait(member_id=41, seconds=30, pending=lambda: False)
        )
    )
    waiter.start()
    while wakeups._waiting == 0:
        threading.Event().wait(0.01)
    # when another process commits deliveries to members 7 and 41
    other_process.execute("SELECT pg_notify(%s, %s)", [notices.CHANNEL, "7,41"])
    waiter.join(timeout=25)
    # then the request returns, saying something came (only the notice could say so)
    assert woke == [True]


def _rolled_back(work: Any) -> None:
    with transaction.atomic():
        work()
        raise RuntimeError("rolled back")


def test_deliveries_are_announced_when_their_transaction_commits(announced, other_process) -> None:
    # given another process listening
    other_process.execute(f"LISTEN {notices.CHANNEL}")
    # when deliveries are made in a transaction that rolls back, then in one that commits
    with pytest.raises(RuntimeError):
        _rolled_back(lambda: wakeups.deliveries_made([9]))
    with transaction.atomic():
        wakeups.deliveries_made([5, 3, 5])
        # then nothing is announced before the commit
        assert list(other_process.notifies(timeout=0.3)) == []
    # and the committed recipients are announced once, in order; the rolled back one never
    received = [n.payload for n in other_process.notifies(timeout=5, stop_after=1)]
    assert received == ["3,5"]
    assert list(other_process.notifies(timeout=0.3)) == []


def test_one_process_announces_nothing(settings, other_process) -> None:
    # given the default: one hub process
    settings.HUB_SERVE_PROCESSES = 1
    other_process.execute(f"LISTEN {notices.CHANNEL}")
    # when deliveries are made and committed
    with transaction.atomic():
        wakeups.deliveries_made([5])
    # then no notice is sent, and a waiting request does not listen
    assert list(other_process.notifies(timeout=0.3)) == []
    assert notices.listening(wakeups._wake) is False


def test_long_lists_of_recipients_are_split_below_postgresqls_limit() -> None:
    ids = list(range(100_000, 104_000))
    payloads = list(notices._payloads(ids))
    assert len(payloads) > 1
    assert all(len(p) <= notices.PAYLOAD_MAX_CHARS for p in payloads)
    assert [i for p in payloads for i in notices.member_ids(p)] == ids
    assert notices.member_ids("3,x,,7") == [3, 7]
