"""A poll takes a listed page a part at a time: each part claimed, registered and acknowledged
before the next, so two polls of one member share a page and the first arrivals are answered
before the last are read."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from congso.documents.models import IncomingDocument, OutboxMessage
from congso.exchange.models import ExchangeReceipt
from congso.exchange.services.polling import member_poll
from congso.exchange.services.sending import outbox_message_send
from congso.exchange.tests.conftest import B_CODE
from congso.exchange.tests.fakes import FakeHub


def _send(issue_to: Callable[..., Any], count: int) -> None:
    for _ in range(count):
        document = issue_to(B_CODE)
        outbox_message_send(outbox_id=OutboxMessage.objects.get(document=document).pk)


class _AckLog:
    """Wraps a transport's `ack_many`: the ids of each call, and how many incoming documents
    were registered at B when it was made."""

    def __init__(self, transport: Any) -> None:
        self.calls: list[tuple[list[str], int]] = []
        self._ack_many = transport.ack_many
        transport.ack_many = self

    def __call__(self, message_ids: Sequence[str]) -> None:
        self.calls.append((list(message_ids), IncomingDocument.objects.count()))
        self._ack_many(message_ids)


@pytest.mark.django_db
def test_a_page_is_registered_and_acknowledged_a_part_at_a_time(
    hub: FakeHub, issue_to: Callable[..., Any], agency_b: Any, settings: Any
) -> None:
    # given five packages of A waiting for B, and parts of two items
    settings.EXCHANGE_POLL_PART = 2
    _send(issue_to, 5)
    transport = hub.transport(B_CODE)
    acks = _AckLog(transport)
    # when B polls once
    result = member_poll(transport=transport)
    # then all five are registered, and each part was acknowledged as soon as it was
    # registered: 2 items with 2 documents in the book, then 2 with 4, then 1 with 5
    assert result.packages == {"registered": 5}
    assert [(len(ids), registered) for ids, registered in acks.calls] == [(2, 2), (2, 4), (1, 5)]
    assert sorted(i for ids, _n in acks.calls for i in ids) == sorted(hub.packages)
    assert ExchangeReceipt.objects.filter(recipient_code=B_CODE).count() == 5


@pytest.mark.django_db(transaction=True)
def test_a_part_another_poll_holds_is_left_to_it_and_the_rest_of_the_page_is_taken(
    hub: FakeHub, issue_to: Callable[..., Any], agency_b: Any, settings: Any
) -> None:
    # given PostgreSQL (claims are advisory locks), five packages waiting for B in parts of
    # two, and another poll holding the claims of the first part
    from django.db import connection, connections

    from congso.exchange.services.common import exclusive_many

    if connection.vendor != "postgresql":
        pytest.skip("claims between processes need PostgreSQL")
    settings.EXCHANGE_POLL_PART = 2
    _send(issue_to, 5)
    first_part = [item.id for item in hub.transport(B_CODE).list_received(limit=2)]
    holding, release = threading.Event(), threading.Event()

    def other_poll() -> None:
        names = [f"exchange-item:{B_CODE}:package:{i}" for i in first_part]
        with exclusive_many(names) as granted:
            assert all(granted)
            holding.set()
            release.wait(timeout=30)
        connections.close_all()

    other = threading.Thread(target=other_poll)
    other.start()
    holding.wait(timeout=30)
    try:
        # when B polls while the other poll holds the first part
        result = member_poll(transport=hub.transport(B_CODE))
    finally:
        release.set()
        other.join()
    # then this poll registered the three others and left the held two waiting on the hub
    assert result.packages == {"registered": 3}
    waiting = [p.id for p in hub.packages.values() if B_CODE not in p.acked_by]
    assert sorted(waiting) == sorted(first_part)
    assert not ExchangeReceipt.objects.filter(
        document_id__in=[hub.packages[i].document_id for i in first_part]
    ).exists()
    # and a later poll takes them
    assert member_poll(transport=hub.transport(B_CODE)).packages == {"registered": 2}
    assert ExchangeReceipt.objects.filter(recipient_code=B_CODE).count() == 5
