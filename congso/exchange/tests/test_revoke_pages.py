"""What clerks see and do: each outside recipient's status history on the outgoing document,
the list of sends through the hub with filters, asking for a revocation (page and API) and
deciding on one received (page and API)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from congso.documents.models import IncomingDocument, OutboxMessage
from congso.documents.services.incoming_internal import incoming_document_accept
from congso.exchange.models import BusinessMessage, RevokeRequest, RevokeState
from congso.exchange.services.polling import member_poll
from congso.exchange.services.sending import outbox_message_send
from congso.exchange.tests.conftest import A_CODE, B_CODE
from congso.exchange.tests.fakes import FakeHub

pytestmark = pytest.mark.django_db


def _poll(hub: FakeHub, code: str, capture: Any) -> None:
    with capture(execute=True):
        member_poll(transport=hub.transport(code))


@pytest.fixture
def accepted_at_b(
    hub: FakeHub,
    issue_to: Callable[..., Any],
    agency_b: Any,
    clerk_b: Any,
    django_capture_on_commit_callbacks: Any,
) -> OutboxMessage:
    """A document of A sent to B, accepted by B's clerk (01, 03), replies applied at A."""
    document = issue_to(B_CODE)
    message = OutboxMessage.objects.select_related("recipient").get(document=document)
    outbox_message_send(outbox_id=message.pk)
    _poll(hub, B_CODE, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        incoming_document_accept(clerk=clerk_b, document=IncomingDocument.objects.get())
    _poll(hub, A_CODE, django_capture_on_commit_callbacks)
    return message


def test_the_outgoing_page_shows_each_recipients_history_and_the_revoke_request_button(
    client: Any, accepted_at_b: OutboxMessage, clerk_a: Any
) -> None:
    # given a document whose recipient answered 01 then 03
    client.force_login(clerk_a)
    # when A's clerk opens the document
    page = client.get(reverse("documents:outgoing-detail", args=[accepted_at_b.document_id]))
    # then both replies are listed in order, with the request form for that recipient
    html = page.content.decode()
    assert page.status_code == 200
    section = html[html.index("Lịch sử trạng thái") :]
    assert section.index("Đã đến") < section.index("Đã tiếp nhận")
    ask_url = reverse("exchange:revoke-ask", args=[accepted_at_b.recipient_id])
    assert ask_url in html


def test_an_approved_document_not_yet_issued_shows_its_outside_recipient_as_not_sent(
    client: Any, approve_to: Callable[..., Any], clerk_a: Any
) -> None:
    # given a document to an outside recipient, signed off but not issued (no outbox row yet)
    document = approve_to(B_CODE)
    assert not OutboxMessage.objects.filter(document=document).exists()
    client.force_login(clerk_a)
    # when A's clerk opens it
    page = client.get(reverse("documents:outgoing-detail", args=[document.pk]))
    # then the page says it is not sent yet, and offers no revocation
    html = page.content.decode()
    assert page.status_code == 200
    assert "chưa gửi — văn bản được gửi khi ban hành" in html
    assert reverse("exchange:revoke-ask", args=[document.recipients.get().pk]) not in html


def test_the_clerk_asks_for_revocation_from_the_page_and_b_decides_on_its_page(
    client: Any,
    hub: FakeHub,
    accepted_at_b: OutboxMessage,
    clerk_a: Any,
    clerk_b: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given the document accepted at B
    client.force_login(clerk_a)
    # when A's clerk asks B to give it back
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            reverse("exchange:revoke-ask", args=[accepted_at_b.recipient_id]),
            {"reason": "Gửi nhầm nơi nhận"},
        )
    assert answer.status_code == 302
    assert BusinessMessage.objects.get().reason == "Gửi nhầm nơi nhận"
    # and B polls: the request waits for B's clerk, whose page offers both answers
    _poll(hub, B_CODE, django_capture_on_commit_callbacks)
    request = RevokeRequest.objects.get()
    arrival = IncomingDocument.objects.get()
    client.force_login(clerk_b)
    html = client.get(reverse("documents:incoming-detail", args=[arrival.pk])).content.decode()
    assert "Cơ quan gửi yêu cầu thu hồi văn bản" in html
    assert "Từ chối thu hồi (báo 16)" in html
    # when B's clerk refuses with a reason
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("exchange:revoke-decide", args=[request.pk]),
            {"decision": "refuse", "reason": "Đã phân công xử lý"},
        )
    # then the request is refused and A hears 16
    request.refresh_from_db()
    assert (request.state, request.refusal_reason) == (RevokeState.REFUSED, "Đã phân công xử lý")
    assert [s.status_code for s in hub.statuses_for(A_CODE)][-1] == "16"


def test_the_list_of_sends_filters_by_status_recipient_and_date(
    client: Any,
    accepted_at_b: OutboxMessage,
    issue_to: Callable[..., Any],
    clerk_a: Any,
) -> None:
    # given a document answered 03 by B and another not yet sent to a third body
    other = issue_to("000.00.14.H34")
    client.force_login(clerk_a)
    url = reverse("exchange:sends")
    first = accepted_at_b.document.number_notation
    # when the clerk filters by the reply 03, by a recipient code, by a date range
    by_status = client.get(url, {"status": "03"}).content.decode()
    by_pending = client.get(url, {"status": "pending"}).content.decode()
    by_recipient = client.get(url, {"recipient": "14.H34"}).content.decode()
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    by_date = client.get(url, {"date_from": tomorrow}).content.decode()
    everything = client.get(url).content.decode()
    # then each list holds what matches
    assert first in by_status
    assert other.number_notation not in by_status
    assert other.number_notation in by_pending
    assert first not in by_pending
    assert other.number_notation in by_recipient
    assert first not in by_recipient
    assert "Không có lượt gửi nào" in by_date
    assert first in everything
    assert other.number_notation in everything


def test_the_api_lists_sends_history_and_carries_a_revoke_request_to_its_decision(
    client: Any,
    hub: FakeHub,
    accepted_at_b: OutboxMessage,
    clerk_a: Any,
    clerk_b: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(clerk_a)
    recipient_id = accepted_at_b.recipient_id
    # when A's clerk reads the sends and the recipient's history
    sends = client.get(reverse("exchange-api:sends"), {"status": "03"}).json()["results"]
    history = client.get(reverse("exchange-api:recipient-statuses", args=[recipient_id])).json()
    # then the send shows 03 and the history 01, 03
    assert [(s["id"], s["exchange_status_code"]) for s in sends] == [(recipient_id, "03")]
    assert [h["status_code"] for h in history] == ["01", "03"]
    # when A asks for revocation through the API
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(
            reverse("exchange-api:recipient-revoke-request", args=[recipient_id]),
            {"reason": "Gửi nhầm"},
            content_type="application/json",
        )
    assert asked.status_code == 201
    assert asked.json()["kind"] == "revoke"
    again = client.post(
        reverse("exchange-api:recipient-revoke-request", args=[recipient_id]),
        {"reason": "Gửi nhầm"},
        content_type="application/json",
    )
    assert again.status_code == 409
    # and B's clerk agrees through the API after polling
    _poll(hub, B_CODE, django_capture_on_commit_callbacks)
    client.force_login(clerk_b)
    pending = client.get(reverse("exchange-api:revoke-requests"), {"state": "pending"}).json()
    (item,) = pending["results"]
    with django_capture_on_commit_callbacks(execute=True):
        decided = client.post(
            reverse("exchange-api:revoke-request-decide", args=[item["id"]]),
            {"decision": "accept"},
            content_type="application/json",
        )
    assert decided.json()["state"] == "accepted"
    # then A's history, after polling, ends 13, 15
    _poll(hub, A_CODE, django_capture_on_commit_callbacks)
    client.force_login(clerk_a)
    history = client.get(reverse("exchange-api:recipient-statuses", args=[recipient_id])).json()
    assert [h["status_code"] for h in history] == ["01", "03", "13", "15"]


def test_another_agencys_clerk_cannot_see_or_ask(
    client: Any, accepted_at_b: OutboxMessage, clerk_b: Any
) -> None:
    # given B's clerk (not the sender)
    client.force_login(clerk_b)
    recipient_id = accepted_at_b.recipient_id
    # when B's clerk tries A's recipient row
    history = client.get(reverse("exchange-api:recipient-statuses", args=[recipient_id]))
    ask = client.post(reverse("exchange:revoke-ask", args=[recipient_id]), {"reason": "x"})
    # then both look missing, and nothing was queued
    assert (history.status_code, ask.status_code) == (404, 404)
    assert BusinessMessage.objects.count() == 0
