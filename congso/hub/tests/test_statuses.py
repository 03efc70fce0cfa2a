"""Status packages (standards §4.6) travel from a recipient back to the document's sender."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from congso.hub.models import Delivery, Message
from congso.hub.tests import packages
from congso.hub.tests.conftest import API, HubMember
from congso.hub.tests.test_messages import send, signed

pytestmark = pytest.mark.django_db

STATUSES = API + "statuses/"


@pytest.fixture
def delivered(client, sender: HubMember, recipient: HubMember) -> str:
    """A document from sender to recipient, fetched and acknowledged; returns its DocumentId."""
    message_id = send(client, sender, signed(sender, [recipient])).json()["id"]
    client.post(f"{API}messages/{message_id}/ack/", **recipient.auth())
    return packages.document_id(sender.code, 1)


def test_a_status_is_relayed_to_the_sender(client, sender, recipient, delivered) -> None:
    # given the recipient reports 01 (arrived)
    body = packages.status(
        reporter=recipient.code, keys=recipient.keys, original_sender=sender.code, doc_id=delivered
    )
    # when
    response = send(client, recipient, body, url=STATUSES)
    # then the sender finds it, fetches it and acknowledges it
    assert response.status_code == 201, response.content
    status_id = response.json()["id"]
    listed = client.get(STATUSES + "received/", **sender.auth()).json()["results"]
    assert [(s["id"], s["from"], s["document_id"], s["status_code"]) for s in listed] == [
        (status_id, recipient.code, delivered, "01")
    ]
    raw = client.get(f"{STATUSES}{status_id}/", **sender.auth())
    assert b"".join(raw.streaming_content) == body
    assert client.post(f"{STATUSES}{status_id}/ack/", **sender.auth()).status_code == 204
    assert client.get(STATUSES + "received/", **sender.auth()).json() == {"results": []}
    # and the recipient's own inbox does not hold it
    assert client.get(STATUSES + "received/", **recipient.auth()).json() == {"results": []}


def test_the_same_status_twice_is_one_status(client, sender, recipient, delivered) -> None:
    body = packages.status(
        reporter=recipient.code, keys=recipient.keys, original_sender=sender.code, doc_id=delivered
    )
    first = send(client, recipient, body, url=STATUSES)
    again = send(client, recipient, body, url=STATUSES)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Message.objects.filter(kind="status").count() == 1


def test_a_final_status_closes_the_document_for_the_operator(
    client, sender, recipient, delivered
) -> None:
    # given 01 then 03 (accepted by the registry clerk)
    for code, hour in (("01", 8), ("03", 9)):
        body = packages.status(
            reporter=recipient.code,
            keys=recipient.keys,
            original_sender=sender.code,
            doc_id=delivered,
            code=code,
            when=datetime(2020, 3, 2, hour, tzinfo=UTC),
        )
        assert send(client, recipient, body, url=STATUSES).status_code == 201
    # then the document's delivery carries the last status and counts as answered
    delivery = Delivery.objects.get(message__kind="edoc", recipient=recipient.member)
    assert delivery.last_status_code == "03"
    assert delivery.final_status_at is not None


def test_a_status_for_an_unknown_document_is_refused(client, sender, recipient, delivered) -> None:
    body = packages.status(
        reporter=recipient.code,
        keys=recipient.keys,
        original_sender=sender.code,
        doc_id=packages.document_id(sender.code, 999),
    )
    response = send(client, recipient, body, url=STATUSES)
    assert response.status_code == 422
    assert response.json()["code"] == "hub_unknown_document"
    assert not Message.objects.filter(kind="status").exists()


def test_only_a_recipient_may_report_on_a_document(
    client, sender, recipient, other, delivered
) -> None:
    body = packages.status(
        reporter=other.code, keys=other.keys, original_sender=sender.code, doc_id=delivered
    )
    response = send(client, other, body, url=STATUSES)
    assert response.status_code == 422
    assert response.json()["code"] == "hub_unknown_document"


def test_a_status_in_another_members_name_is_refused(
    client, sender, recipient, other, delivered
) -> None:
    body = packages.status(
        reporter=recipient.code, keys=recipient.keys, original_sender=sender.code, doc_id=delivered
    )
    response = send(client, other, body, url=STATUSES)
    assert response.status_code == 403
    assert response.json()["code"] == "hub_sender_mismatch"


def test_packages_must_use_their_own_endpoint(client, sender, recipient, delivered) -> None:
    status_body = packages.status(
        reporter=recipient.code, keys=recipient.keys, original_sender=sender.code, doc_id=delivered
    )
    wrong = send(client, recipient, status_body)
    assert (wrong.status_code, wrong.json()["code"]) == (422, "hub_wrong_kind")
    edoc_body = signed(sender, [recipient], number=2)
    wrong = send(client, sender, edoc_body, url=STATUSES)
    assert (wrong.status_code, wrong.json()["code"]) == (422, "hub_wrong_kind")


def test_an_unsigned_status_is_refused_when_signatures_are_required(
    client, sender, recipient, delivered
) -> None:
    # given a status package without the reporter's XML signature
    body = packages.status(reporter=recipient.code, original_sender=sender.code, doc_id=delivered)
    # when
    response = send(client, recipient, body, url=STATUSES)
    # then it is refused and nothing is relayed
    assert (response.status_code, response.json()["code"]) == (422, "edxml_signature_missing")
    assert Message.objects.filter(kind="status").count() == 0


def test_a_tampered_status_fails_its_signature(client, sender, recipient, delivered) -> None:
    # given a signed 01 whose description was changed after signing
    body = packages.status(
        reporter=recipient.code, keys=recipient.keys, original_sender=sender.code, doc_id=delivered
    )
    tampered = body.replace("Đã đến".encode(), "Đã đi".encode(), 1)
    assert tampered != body
    # when
    response = send(client, recipient, tampered, url=STATUSES)
    # then
    assert (response.status_code, response.json()["code"]) == (422, "edxml_signature_invalid")
    assert Message.objects.filter(kind="status").count() == 0


def test_unsigned_statuses_pass_when_the_hub_does_not_require_signatures(
    client, sender, recipient, delivered, settings
) -> None:
    settings.HUB_REQUIRE_XML_SIGNATURE = False
    body = packages.status(reporter=recipient.code, original_sender=sender.code, doc_id=delivered)
    assert send(client, recipient, body, url=STATUSES).status_code == 201
