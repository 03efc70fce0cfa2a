"""The queue state of the service-center counters: the selector, the desk page and the API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from congso.dossiers.selectors_queue import queue_state
from congso.dossiers.services import queue_ticket_call_next, queue_ticket_take
from congso.dossiers.tests.factories import QueueTicketFactory, ServiceCounterFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def counters(desk_agency: Any) -> list[Any]:
    return [
        ServiceCounterFactory(agency=desk_agency, code="Q01", name="Quầy 1"),
        ServiceCounterFactory(agency=desk_agency, code="Q02", name="Quầy 2"),
    ]


def test_the_state_of_each_counter_today(counters: list[Any], desk_officer: Any) -> None:
    # given four numbers taken at Quầy 1 (two called) and none at Quầy 2, plus yesterday's
    first, second = counters
    for _ in range(4):
        queue_ticket_take(first)
    queue_ticket_call_next(desk_officer, first)
    called = queue_ticket_call_next(desk_officer, first)
    QueueTicketFactory(counter=second, day=timezone.localdate() - timedelta(days=1), number=9)
    ServiceCounterFactory(agency=desk_officer.agency, code="Q03", is_active=False)
    # when
    with CaptureQueriesContext(connection) as queries:
        state = queue_state(desk_officer.agency_id, timezone.localdate())
    # then each active counter, in two queries
    assert len(queries) == 2
    assert [s.counter.code for s in state] == ["Q01", "Q02"]
    assert (state[0].last_number, state[0].waiting, state[0].last_called_number) == (4, 2, 2)
    assert called is not None
    assert state[0].last_called_at == called.called_at
    assert (state[1].last_number, state[1].waiting, state[1].serving) == (0, 0, None)


def test_the_desk_page_reads_the_selector(
    client: Client, counters: list[Any], desk_officer: Any
) -> None:
    # given
    queue_ticket_take(counters[1])
    client.force_login(desk_officer)
    # when
    page = client.get("/mot-cua/so-thu-tu/").content.decode()
    # then
    assert "Quầy 2" in page
    assert "Đang chờ: 1 · Số đã cấp: 1" in page


def test_the_api_gives_the_state_to_staff_and_the_display_board(
    counters: list[Any], desk_officer: Any, other_officer: Any
) -> None:
    # given one number called at Quầy 1, one waiting
    queue_ticket_take(counters[0])
    queue_ticket_take(counters[0])
    queue_ticket_call_next(desk_officer, counters[0])
    staff = APIClient()
    staff.force_authenticate(desk_officer)
    # when the officer asks (own agency by default)
    body = staff.get("/api/v1/dossiers/queue/state/").json()
    # then
    assert body["agency"] == desk_officer.agency_id
    assert body["day"] == timezone.localdate().isoformat()
    first = body["counters"][0]
    assert (first["code"], first["last_number"], first["last_called_number"], first["waiting"]) == (
        "Q01",
        2,
        1,
        1,
    )
    # when the hall's board asks without login, it must name the agency and gets today only
    board = APIClient()
    assert board.get("/api/v1/dossiers/queue/state/").status_code == 400
    shown = board.get(
        "/api/v1/dossiers/queue/state/",
        {"agency": desk_officer.agency_id, "day": "2019-01-01"},
    ).json()
    assert shown["day"] == timezone.localdate().isoformat()
    assert [c["code"] for c in shown["counters"]] == ["Q01", "Q02"]
    # and another agency's officer sees their own (no counters)
    other = APIClient()
    other.force_authenticate(other_officer)
    assert other.get("/api/v1/dossiers/queue/state/").json()["counters"] == []
