"""Status packages received by the sender: applied to the recipient row, or refused."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from congso.audit.models import AuditEntry
from congso.documents.models import OutboxMessage
from congso.exchange import lib
from congso.exchange.models import ExchangeIncident
from congso.exchange.services.common import ExchangeAction
from congso.exchange.services.config import xml_key
from congso.exchange.services.packages import outgoing_document_id, status_package
from congso.exchange.services.polling import member_poll
from congso.exchange.tests.conftest import A_CODE, B_CODE
from congso.exchange.tests.fakes import FakeHub

pytestmark = pytest.mark.django_db


def _status(document_id: str, code: str, at: dt.datetime, *, signed: bool = True) -> bytes:
    key = xml_key()
    package = status_package(
        from_agency=None,
        from_code=B_CODE,
        to_code=A_CODE,
        document_id=document_id,
        response_for_code="",
        status_code=code,
        description=f"Văn thư: {code}",
        at=at,
    )
    signer = lib.XmlSigner(key.private_key, key.certificate) if signed else None
    return lib.build_status(package, signer=signer)


def test_a_later_status_replaces_the_shown_one_and_an_older_one_does_not(
    hub: FakeHub, issue_to: Callable[..., Any]
) -> None:
    # given A's document issued to B, and replies 03 (10:05) then 01 (10:00) arriving late
    document = issue_to(B_CODE)
    document_id = outgoing_document_id(document)
    now = timezone.now().replace(microsecond=0)
    for code, at in (("03", now), ("01", now - dt.timedelta(minutes=5))):
        hub.deliver_status_raw(
            _status(document_id, code, at),
            from_code=B_CODE,
            to_code=A_CODE,
            document_id=document_id,
            status_code=code,
        )
    # when A polls
    result = member_poll(transport=hub.transport(A_CODE))
    # then the row shows 03 and both packages are acknowledged
    assert result.statuses == {"applied": 1, "stale": 1}
    recipient = OutboxMessage.objects.get(document=document).recipient
    assert recipient.exchange_status_code == "03"
    assert all(s.acked for s in hub.statuses.values())


def test_a_status_for_an_unknown_document_is_logged_and_acknowledged(
    hub: FakeHub, agency_a: Any
) -> None:
    # given a status about a document A never sent
    document_id = f"{A_CODE},2020/01/06,99/STTTT-VP"
    hub.deliver_status_raw(
        _status(document_id, "01", timezone.now()),
        from_code=B_CODE,
        to_code=A_CODE,
        document_id=document_id,
        status_code="01",
    )
    # when A polls
    result = member_poll(transport=hub.transport(A_CODE))
    # then it is refused, logged for A's clerk, and not offered again
    assert result.statuses == {"refused": 1}
    incident = ExchangeIncident.objects.get()
    assert (incident.code, incident.agency) == ("exchange_unknown_document", agency_a)
    assert all(s.acked for s in hub.statuses.values())


def test_an_unsigned_status_is_refused(hub: FakeHub, issue_to: Callable[..., Any]) -> None:
    # given an unsigned status for a real document
    document = issue_to(B_CODE)
    document_id = outgoing_document_id(document)
    hub.deliver_status_raw(
        _status(document_id, "03", timezone.now(), signed=False),
        from_code=B_CODE,
        to_code=A_CODE,
        document_id=document_id,
        status_code="03",
    )
    # when A polls
    result = member_poll(transport=hub.transport(A_CODE))
    # then it is refused and the recipient row is unchanged
    assert result.statuses == {"refused": 1}
    assert ExchangeIncident.objects.get().code == "edxml_signature_missing"
    assert OutboxMessage.objects.get(document=document).recipient.exchange_status_code == ""


def test_the_sender_sees_each_recipients_status_on_the_document_page(
    client: Any, hub: FakeHub, issue_to: Callable[..., Any], clerk_a: Any
) -> None:
    # given a reply 03 applied to A's document
    document = issue_to(B_CODE)
    document_id = outgoing_document_id(document)
    hub.deliver_status_raw(
        _status(document_id, "03", timezone.now()),
        from_code=B_CODE,
        to_code=A_CODE,
        document_id=document_id,
        status_code="03",
    )
    member_poll(transport=hub.transport(A_CODE))
    # when A's clerk opens the document
    client.force_login(clerk_a)
    page = client.get(reverse("documents:outgoing-detail", args=[document.pk]))
    # then the recipient's row shows "03 Đã tiếp nhận"
    assert page.status_code == 200
    assert "03 – Đã tiếp nhận" in page.content.decode()


def _deliver(hub: FakeHub, document_id: str, code: str, at: dt.datetime) -> str:
    return hub.deliver_status_raw(
        _status(document_id, code, at),
        from_code=B_CODE,
        to_code=A_CODE,
        document_id=document_id,
        status_code=code,
    )


def test_a_status_offered_again_or_sent_twice_is_applied_once(
    hub: FakeHub, issue_to: Callable[..., Any]
) -> None:
    # given A's document issued to B and B's 01 applied at A
    document = issue_to(B_CODE)
    document_id = outgoing_document_id(document)
    at = timezone.now().replace(microsecond=0)
    first = _deliver(hub, document_id, "01", at)
    member_poll(transport=hub.transport(A_CODE))
    applied = AuditEntry.objects.filter(action=ExchangeAction.STATUS_APPLIED)
    assert applied.count() == 1
    # when the hub offers it again (an acknowledgement was lost) and B's worker sent the same
    # reply a second time (a new hub id, the same status)
    hub.statuses[first].acked = False
    _deliver(hub, document_id, "01", at)
    result = member_poll(transport=hub.transport(A_CODE))
    # then both are acknowledged as duplicates and nothing is applied or audited again
    assert result.statuses == {"duplicate": 2}
    assert all(s.acked for s in hub.statuses.values())
    assert applied.count() == 1
    recipient = OutboxMessage.objects.get(document=document).recipient
    assert recipient.status_events.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_hub_item_claimed_by_one_worker_is_busy_for_another() -> None:
    # given PostgreSQL (the claim is a session advisory lock; elsewhere one process runs)
    from django.db import connection, connections

    from congso.exchange.services.common import exclusive

    if connection.vendor != "postgresql":
        pytest.skip("advisory locks need PostgreSQL")
    seen: list[bool] = []

    def other_worker() -> None:
        with exclusive("exchange-item:test:package:m1") as mine:
            seen.append(mine)
        connections.close_all()

    # when one worker holds the claim and another asks for it, then after it is released
    with exclusive("exchange-item:test:package:m1") as mine:
        worker = threading.Thread(target=other_worker)
        worker.start()
        worker.join()
    after = threading.Thread(target=other_worker)
    after.start()
    after.join()
    # then the first holds it, the second is told "busy", and a later one gets it
    assert mine is True
    assert seen == [False, True]


@pytest.mark.django_db(transaction=True)
def test_a_page_claims_its_items_at_once_and_another_worker_sees_the_held_ones_busy() -> None:
    # given PostgreSQL, and one worker holding the claim of item m2 alone
    from django.db import connection, connections

    from congso.exchange.services.common import exclusive, exclusive_many

    if connection.vendor != "postgresql":
        pytest.skip("advisory locks need PostgreSQL")
    names = [f"exchange-item:test:package:m{i}" for i in (1, 2, 3)]
    seen: list[list[bool]] = []

    def other_worker() -> None:
        with exclusive_many(names) as granted:
            seen.append(granted)
        connections.close_all()

    # when another worker claims the page m1, m2, m3, and again once m2 is released
    with exclusive(names[1]):
        worker = threading.Thread(target=other_worker)
        worker.start()
        worker.join()
    after = threading.Thread(target=other_worker)
    after.start()
    after.join()
    # then it got m1 and m3 but not m2, then all three (its own claims were released too)
    assert seen == [[True, False, True], [True, True, True]]
