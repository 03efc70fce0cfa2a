"""What the clerk sees of the connector: incidents and failed sends, and sending again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from congso.accounts.tests.factories import StaffUserFactory
from congso.core.identity import Role
from congso.documents.constants import OutboxStatus
from congso.documents.models import OutboxMessage
from congso.exchange.models import IncidentKind
from congso.exchange.services.common import incident_record
from congso.exchange.services.sending import outbox_message_send
from congso.exchange.tests.conftest import B_CODE
from congso.exchange.tests.fakes import FakeHub
from congso.exchange.transport import TransportError

pytestmark = pytest.mark.django_db


def _failed_send(hub: FakeHub, issue_to: Callable[..., Any]) -> OutboxMessage:
    message = OutboxMessage.objects.get(document=issue_to(B_CODE))
    hub.send_failures = [TransportError("x", code="hub_unknown_recipient", permanent=True)]
    outbox_message_send(outbox_id=message.pk)
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    return message


def test_the_clerk_lists_the_agencys_failed_sends_and_incidents_only(
    client: Any,
    hub: FakeHub,
    issue_to: Callable[..., Any],
    clerk_a: Any,
    agency_b: Any,
    django_assert_max_num_queries: Any,
) -> None:
    # given a failed send of A and an incident of another agency
    message = _failed_send(hub, issue_to)
    incident_record(
        kind=IncidentKind.PACKAGE_REFUSED, code="edxml_malformed", message="x", agency=agency_b
    )
    client.force_login(clerk_a)
    # when A's clerk asks for both lists
    with django_assert_max_num_queries(8):
        sends = client.get(reverse("exchange-api:failed-sends")).json()
    incidents = client.get(reverse("exchange-api:incidents")).json()
    # then A's failed send shows with its error, and only A's incidents
    assert [row["id"] for row in sends["results"]] == [message.pk]
    assert sends["results"][0]["last_error"].startswith("hub_unknown_recipient")
    assert [row["code"] for row in incidents["results"]] == ["hub_unknown_recipient"]


def test_a_specialist_may_not_see_the_lists(client: Any, agency_a: Any) -> None:
    # given a specialist of A
    client.force_login(StaffUserFactory.create(agency=agency_a, roles=[Role.SPECIALIST]))
    # when they ask for the incidents
    answer = client.get(reverse("exchange-api:incidents"))
    # then they are refused
    assert answer.status_code == 403


def test_the_clerk_sends_a_failed_row_again(
    client: Any,
    hub: FakeHub,
    issue_to: Callable[..., Any],
    clerk_a: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a failed send whose cause was fixed on the hub
    message = _failed_send(hub, issue_to)
    client.force_login(clerk_a)
    # when the clerk asks to send it again
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(reverse("exchange-api:failed-send-retry", args=[message.pk]))
    # then it is sent with a fresh budget
    assert answer.status_code == 202
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.SENT, 1)


def test_another_agencys_clerk_cannot_send_it_again(
    client: Any, hub: FakeHub, issue_to: Callable[..., Any], clerk_b: Any
) -> None:
    # given A's failed send
    message = _failed_send(hub, issue_to)
    client.force_login(clerk_b)
    # when B's clerk tries to send it again
    answer = client.post(reverse("exchange-api:failed-send-retry", args=[message.pk]))
    # then it looks missing, and stays failed
    assert answer.status_code == 404
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED


def test_the_clerks_page_shows_failed_sends_and_incidents(
    client: Any, hub: FakeHub, issue_to: Callable[..., Any], clerk_a: Any
) -> None:
    # given a failed send of A
    message = _failed_send(hub, issue_to)
    client.force_login(clerk_a)
    # when A's clerk opens the connector page
    page = client.get(reverse("exchange:overview"))
    # then it lists the document with its error and the retry button
    body = page.content.decode()
    assert page.status_code == 200
    assert message.document.number_notation in body
    assert "hub_unknown_recipient" in body
    assert reverse("exchange:failed-send-retry", args=[message.pk]) in body
