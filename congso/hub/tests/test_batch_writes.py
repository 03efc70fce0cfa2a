"""How a batch is written: one read and one write per table for the whole batch, yet each
package's outcome, rows and audit entry are those it would get if sent alone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from congso.audit.models import AuditEntry
from congso.audit.verification import audit_chain_verify
from congso.hub.constants import BusinessKind, DeliveryState, HubAuditAction, MessageKind
from congso.hub.models import Delivery, Message
from congso.hub.services import intake, tokens
from congso.hub.tests import packages
from congso.hub.tests.conftest import API
from congso.hub.tests.test_batch_send import STATUS_BATCH, send_batch
from congso.hub.tests.test_messages import send, signed

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_token_purge(monkeypatch: pytest.MonkeyPatch) -> None:
    """The once-a-minute purge of used tokens would add a statement to whichever call runs it."""
    monkeypatch.setattr(tokens, "_last_purge", float("inf"))


def status_replies(recipient, sender, numbers, codes=("01", "03")) -> list[bytes]:
    """For each document number, the recipient's statuses `codes`, an hour apart, in order."""
    return [
        packages.status(
            reporter=recipient.code,
            keys=recipient.keys,
            original_sender=sender.code,
            doc_id=packages.document_id(sender.code, number),
            code=code,
            when=datetime(2020, 3, 2, 8 + hour, tzinfo=UTC),
        )
        for number in numbers
        for hour, code in enumerate(codes)
    ]


def test_a_batch_of_twenty_packages_costs_the_statements_of_a_batch_of_two(
    client, sender, recipient, no_token_purge
) -> None:
    # given the statements of a batch of two packages (the sender's record already read by an
    # earlier request, as token checks keep it: services/tokens.py)
    assert client.get(API + "messages/received/", **sender.auth()).status_code == 200
    with CaptureQueriesContext(connection) as two:
        first = send_batch(client, sender, [signed(sender, [recipient], number=n) for n in (1, 2)])
    assert [r["status"] for r in first.json()["results"]] == [201, 201]
    # when twenty more are sent in one batch
    bodies = [signed(sender, [recipient], number=n) for n in range(3, 23)]
    with CaptureQueriesContext(connection) as twenty:
        response = send_batch(client, sender, bodies)
    # then it took as many statements, and each package has its message, delivery and entry
    assert len(twenty) == len(two)
    results = response.json()["results"]
    assert [r["status"] for r in results] == [201] * 20
    assert Delivery.objects.filter(message_id__in=[r["id"] for r in results]).count() == 20
    accepted = AuditEntry.objects.filter(action=HubAuditAction.MESSAGE_ACCEPTED).order_by(
        "sequence"
    )
    assert [e.target_id for e in accepted][2:] == [r["id"] for r in results]
    assert audit_chain_verify().is_ok


def test_statuses_of_many_documents_in_one_batch_leave_what_one_by_one_would(
    client, sender, recipient, no_token_purge
) -> None:
    # given three documents the recipient fetched, and the statuses of two of them sent before
    ids = [
        send(client, sender, signed(sender, [recipient], number=n)).json()["id"] for n in (1, 2, 3)
    ]
    client.post(f"{API}messages/ack/", {"ids": ids}, "application/json", **recipient.auth())
    # when the recipient sends 01 and 03 for documents 1 and 2 and only 01 for document 3
    bodies = status_replies(recipient, sender, [1, 2]) + status_replies(
        recipient, sender, [3], codes=("01",)
    )
    response = send_batch(client, recipient, bodies, url=STATUS_BATCH, field="status")
    # then each status is relayed to the sender, with one audit entry each, in order
    results = response.json()["results"]
    assert [r["status"] for r in results] == [201] * 5
    relayed = {
        str(d.message_id): d.recipient.code
        for d in Delivery.objects.filter(message__kind=MessageKind.STATUS)
    }
    assert relayed == {r["id"]: sender.code for r in results}
    entries = AuditEntry.objects.filter(action=HubAuditAction.STATUS_ACCEPTED).order_by("sequence")
    assert [e.target_id for e in entries] == [r["id"] for r in results]
    assert [e.data["status_code"] for e in entries] == ["01", "03", "01", "03", "01"]
    # and each document's delivery carries its last status; only 1 and 2 count as answered
    answered = {
        d.message.document_id: (d.last_status_code, d.final_status_at is not None)
        for d in Delivery.objects.filter(message__kind=MessageKind.EDOC)
    }
    assert answered == {
        packages.document_id(sender.code, 1): ("03", True),
        packages.document_id(sender.code, 2): ("03", True),
        packages.document_id(sender.code, 3): ("01", False),
    }
    assert audit_chain_verify().is_ok


def test_a_document_and_its_revoke_in_one_batch_are_written_in_order(
    client, sender, recipient
) -> None:
    # given a new document, its revoke, and another new document, in one batch
    doc_id = packages.document_id(sender.code, 1)
    bodies = [
        signed(sender, [recipient], number=1),
        signed(sender, [recipient], business="revoke", business_document_id=doc_id),
        signed(sender, [recipient], number=2),
    ]
    # when the batch is taken
    results = send_batch(client, sender, bodies).json()["results"]
    # then the revoke refers to the document sent just before it, and withdrew its delivery
    assert [r["status"] for r in results] == [201, 201, 201]
    revoke = Message.objects.get(pk=results[1]["id"])
    assert revoke.business == BusinessKind.REVOKE
    assert str(revoke.refers_to_id) == results[0]["id"]
    assert Delivery.objects.get(message_id=results[0]["id"]).state == DeliveryState.REVOKED
    assert Delivery.objects.get(message_id=results[2]["id"]).state == DeliveryState.PENDING
    # and the audit entries follow the batch's order
    entries = AuditEntry.objects.filter(action=HubAuditAction.MESSAGE_ACCEPTED).order_by("sequence")
    assert [e.target_id for e in entries] == [r["id"] for r in results]
    assert [e.data["revoked_deliveries"] for e in entries] == [0, 1, 0]
    assert audit_chain_verify().is_ok


def test_a_twin_that_won_the_race_answers_for_its_package(
    client, sender, recipient, monkeypatch
) -> None:
    # given a package that a concurrent request stored after this batch checked for repeats
    twin_body = signed(sender, [recipient], number=1)
    twin_id = send(client, sender, twin_body).json()["id"]
    monkeypatch.setattr(intake, "repeats_of", lambda keys: {})
    # when the batch holding it and a new package is written
    results = send_batch(client, sender, [signed(sender, [recipient], number=2), twin_body]).json()[
        "results"
    ]
    # then the new one is created and the twin's message answers for the other, as alone
    assert [r["status"] for r in results] == [201, 200]
    assert results[1]["id"] == twin_id
    assert results[1]["recipients"] == [recipient.code]
    assert Message.objects.count() == 2
    assert Delivery.objects.count() == 2
    assert AuditEntry.objects.filter(action=HubAuditAction.MESSAGE_ACCEPTED).count() == 2
    assert audit_chain_verify().is_ok
