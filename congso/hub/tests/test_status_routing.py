"""A status names the document it answers by its sender (ResponseFor/OrganId) and DocumentId
together, and goes to that sender: never to another member holding the same DocumentId."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from congso.hub.constants import MessageKind
from congso.hub.models import Delivery, Message
from congso.hub.tests import packages
from congso.hub.tests.conftest import API, HubMember
from congso.hub.tests.factories import MessageFactory
from congso.hub.tests.test_batch_send import STATUS_BATCH, send_batch
from congso.hub.tests.test_messages import send, signed

pytestmark = pytest.mark.django_db

STATUSES = API + "statuses/"


def status_of(reporter: HubMember, original_sender: HubMember, doc_id: str, **kw) -> bytes:
    return packages.status(
        reporter=reporter.code,
        keys=reporter.keys,
        original_sender=original_sender.code,
        doc_id=doc_id,
        **kw,
    )


def listed_for(client, member: HubMember) -> list[str]:
    return [s["id"] for s in client.get(STATUSES + "received/", **member.auth()).json()["results"]]


@pytest.fixture
def claimed_earlier(sender: HubMember, recipient: HubMember, other: HubMember) -> Message:
    """A document of `other` to the recipient carrying the sender's DocumentId, kept before the
    hub checked issuers (it refuses such a package now)."""
    message: Message = MessageFactory.create(
        sender=other.member, document_id=packages.document_id(sender.code, 1)
    )
    Delivery.of(message, recipient.member).save()
    return message


def test_a_status_goes_to_the_sender_it_names_not_to_an_earlier_holder_of_the_document_id(
    client, sender: HubMember, recipient: HubMember, other: HubMember, claimed_earlier
) -> None:
    # given the sender's own document of that DocumentId, sent after `other`'s
    original_id = send(client, sender, signed(sender, [recipient])).json()["id"]
    doc_id = packages.document_id(sender.code, 1)
    # when the recipient reports on the sender's document
    response = send(client, recipient, status_of(recipient, sender, doc_id, code="03"), STATUSES)
    # then the status answers the sender's document and reaches the sender only
    assert response.status_code == 201, response.content
    status_id = response.json()["id"]
    assert str(Message.objects.get(pk=status_id).refers_to_id) == original_id
    assert listed_for(client, sender) == [status_id]
    assert listed_for(client, other) == []


def test_a_status_naming_another_member_than_the_documents_sender_is_refused(
    client, sender: HubMember, recipient: HubMember, other: HubMember
) -> None:
    # given a document of the sender's delivered to the recipient
    send(client, sender, signed(sender, [recipient]))
    doc_id = packages.document_id(sender.code, 1)
    # when the recipient's status on it names `other` as the document's sender
    response = send(client, recipient, status_of(recipient, other, doc_id), STATUSES)
    # then it is refused as a document the recipient did not receive, and nothing is kept
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "hub_unknown_document"
    assert not Message.objects.filter(kind=MessageKind.STATUS).exists()
    assert listed_for(client, sender) == []
    assert listed_for(client, other) == []


def test_statuses_on_two_senders_documents_of_one_document_id_reach_each_sender(
    client, sender: HubMember, recipient: HubMember, other: HubMember
) -> None:
    # given two documents whose DocumentId (not in the QCVN form) is the same, from two senders
    send(client, sender, signed(sender, [recipient], doc_id="CV-1"))
    send(client, other, signed(other, [recipient], doc_id="CV-1"))
    when = datetime(2020, 3, 2, 9, 0, tzinfo=UTC)
    # when the recipient answers each with the same code at the same time
    to_sender = send(client, recipient, status_of(recipient, sender, "CV-1", when=when), STATUSES)
    to_other = send(client, recipient, status_of(recipient, other, "CV-1", when=when), STATUSES)
    # then they are two statuses, one for each sender
    assert (to_sender.status_code, to_other.status_code) == (201, 201)
    assert listed_for(client, sender) == [to_sender.json()["id"]]
    assert listed_for(client, other) == [to_other.json()["id"]]


def test_a_status_batch_routes_each_status_by_sender_and_document_id(
    client, sender: HubMember, recipient: HubMember, other: HubMember, claimed_earlier
) -> None:
    # given the sender's own document of the DocumentId `other` claimed earlier
    send(client, sender, signed(sender, [recipient]))
    doc_id = packages.document_id(sender.code, 1)
    # when the recipient sends, in one batch, a status naming the sender, then one naming a
    # member that sent it no document of that id
    bodies = [
        status_of(recipient, sender, doc_id, code="03"),
        status_of(recipient, recipient, doc_id, code="01"),
    ]
    response = send_batch(client, recipient, bodies, url=STATUS_BATCH, field="status")
    # then the first reaches the sender only, the second is refused
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert [r["status"] for r in results] == [201, 422]
    assert results[1]["error"]["code"] == "hub_unknown_document"
    assert listed_for(client, sender) == [results[0]["id"]]
    assert listed_for(client, other) == []
