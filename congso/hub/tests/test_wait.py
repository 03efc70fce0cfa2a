"""`wait/` (long polling): a member's request is held until a delivery is waiting for it."""

from __future__ import annotations

import threading

import pytest

from congso.hub.services import wakeups
from congso.hub.tests.conftest import API
from congso.hub.tests.test_messages import send, signed

pytestmark = pytest.mark.django_db

WAIT = API + "wait/"


def test_a_waiting_package_answers_at_once(client, sender, recipient) -> None:
    # given a package waiting for the recipient
    send(client, sender, signed(sender, [recipient], number=1))
    # when the recipient waits
    answer = client.get(WAIT + "?seconds=20", **recipient.auth())
    # then the hub says a package is waiting (it was not held: nothing to wait for)
    assert answer.status_code == 200
    assert answer.json() == {"packages": True, "statuses": False}


def test_nothing_waiting_and_no_time_answers_nothing(client, sender, recipient) -> None:
    send(client, sender, signed(sender, [recipient], number=1))
    # the sender has nothing waiting; seconds=0 does not hold the request
    answer = client.get(WAIT + "?seconds=0", **sender.auth())
    assert answer.json() == {"packages": False, "statuses": False}


def test_a_bad_wait_is_refused_with_a_code(client, recipient) -> None:
    answer = client.get(WAIT + "?seconds=-1", **recipient.auth())
    assert answer.status_code == 400
    assert answer.json()["code"] == "validation_failed"


def test_waiting_needs_a_member_token(client) -> None:
    assert client.get(WAIT + "?seconds=0").status_code in (401, 403)


def test_a_delivery_made_wakes_the_waiting_request(recipient) -> None:
    # given a request of the recipient waiting with nothing pending
    woke: list[bool] = []
    waiter = threading.Thread(
        target=lambda: woke.append(
            wakeups.delivery_wait(member_id=recipient.member.pk, seconds=30, pending=lambda: False)
        )
    )
    waiter.start()
    # when a delivery to the recipient is made (its transaction commits)
    while wakeups._waiting == 0:
        threading.Event().wait(0.01)
    wakeups._wake([recipient.member.pk])
    waiter.join(timeout=30)
    # then the request returns, saying something came
    assert woke == [True]


def test_deliveries_wake_only_after_commit(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        wakeups.deliveries_made([7, 7, 8])
    before = wakeups._generation[7]
    assert len(callbacks) == 1  # nothing woken before the commit
    callbacks[0]()
    assert wakeups._generation[7] == before + 1
    assert wakeups._generation[8] >= 1


def test_past_the_waiters_cap_a_request_is_not_held(settings, recipient) -> None:
    settings.HUB_WAIT_MAX_WAITERS = 0
    # then it returns at once with nothing (the connector polls later)
    assert not wakeups.delivery_wait(
        member_id=recipient.member.pk, seconds=30, pending=lambda: False
    )
