"""Sending issued documents to outside recipients through the hub (outbox → package → hub)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from congso.audit.models import AuditEntry
from congso.documents.constants import OutboxStatus
from congso.documents.models import OutboxMessage
from congso.documents.tests.factories import secrecy
from congso.exchange import lib
from congso.exchange.models import ExchangeIncident, IncidentKind
from congso.exchange.services.sending import outbox_batch_send, outbox_message_send, spool_path
from congso.exchange.tasks import exchange_sweep
from congso.exchange.tests.conftest import A_CODE, B_CODE
from congso.exchange.tests.fakes import FakeHub
from congso.exchange.transport import TransportError

pytestmark = pytest.mark.django_db


def test_issuing_schedules_the_send_after_commit_and_marks_it_sent(
    hub: FakeHub, issue_to: Callable[..., Any], django_capture_on_commit_callbacks: Any
) -> None:
    # given an approved document of agency A for agency B (outside the installation)
    # when the clerk issues it and the transaction commits
    with django_capture_on_commit_callbacks(execute=True):
        document = issue_to(B_CODE)
    # then the outbox row is sent, with the hub's id, and the hub holds one signed package
    message = OutboxMessage.objects.get(document=document)
    assert message.status == OutboxStatus.SENT
    assert message.attempts == 1
    assert message.hub_message_id in hub.packages
    stored = hub.packages[message.hub_message_id]
    envelope = lib.read_envelope(stored.data)
    assert (envelope.from_code, envelope.to_codes) == (A_CODE, [B_CODE])
    assert (
        envelope.document_id == f"{A_CODE},{document.issued_on:%Y/%m/%d},{document.number_notation}"
    )
    assert lib.verify_xml_signature(stored.data).valid
    assert not spool_path(message.pk).exists()
    assert AuditEntry.objects.filter(action="exchange.package_sent").count() == 1


def test_the_package_carries_the_issued_pdf_and_metadata(
    hub: FakeHub, issue_to: Callable[..., Any], tmp_path: Any
) -> None:
    # given an issued document (sending not run yet)
    document = issue_to(B_CODE)
    message = OutboxMessage.objects.get(document=document)
    # when it is sent
    outbox_message_send(outbox_id=message.pk)
    # then the parsed package holds the document's number, subject and its PDF
    message.refresh_from_db()
    package = lib.parse_package(
        hub.packages[message.hub_message_id].data, attachment_dir=tmp_path / "att"
    )
    assert package.header.code.number == f"{document.code_number:02d}"
    assert package.header.code.notation == document.code_notation
    assert package.header.subject == document.subject
    assert package.business.kind == "new"
    assert [a.content_type for a in package.attachments] == ["application/pdf"]
    assert package.attachments[0].path.read_bytes().startswith(b"%PDF")


def test_a_transient_failure_backs_off_then_fails_for_good_after_the_budget(
    hub: FakeHub, issue_to: Callable[..., Any], settings: Any
) -> None:
    # given a hub that cannot be reached for the whole budget of 3 attempts
    document = issue_to(B_CODE)
    message = OutboxMessage.objects.get(document=document)
    hub.send_failures = [TransportError("down", code="hub_unreachable") for _ in range(3)]
    # when the first attempt fails
    before = timezone.now()
    assert outbox_message_send(outbox_id=message.pk) == OutboxStatus.PENDING
    message.refresh_from_db()
    # then it waits base·2^0 = 30 s before the next one and shows the error
    assert message.attempts == 1
    assert message.next_attempt_at is not None
    assert message.next_attempt_at >= before + dt.timedelta(seconds=30)
    assert "hub_unreachable" in message.last_error
    # when the sweep runs before the back-off is over, nothing is tried
    assert outbox_message_send(outbox_id=message.pk) == "skipped"
    # when the next two attempts are due and fail too
    for expected_gap in (60, None):
        OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        outcome = outbox_message_send(outbox_id=message.pk)
        message.refresh_from_db()
        if expected_gap:
            assert outcome == OutboxStatus.PENDING
            assert message.next_attempt_at is not None
            gap = message.next_attempt_at - timezone.now()
            assert (
                dt.timedelta(seconds=expected_gap - 5) < gap <= dt.timedelta(seconds=expected_gap)
            )
    # then the row failed for good, with an incident the clerk sees
    assert outcome == OutboxStatus.FAILED
    assert message.status == OutboxStatus.FAILED
    assert message.attempts == 3
    incident = ExchangeIncident.objects.get(kind=IncidentKind.SEND_FAILED)
    assert incident.agency_id == document.agency_id
    assert incident.code == "hub_unreachable"
    assert hub.packages == {}


def test_a_refusal_by_the_hub_fails_at_once(hub: FakeHub, issue_to: Callable[..., Any]) -> None:
    # given a hub that refuses the package (a 422: unknown recipient)
    document = issue_to(B_CODE)
    message = OutboxMessage.objects.get(document=document)
    hub.send_failures = [TransportError("unknown", code="hub_unknown_recipient", permanent=True)]
    # when it is sent
    outcome = outbox_message_send(outbox_id=message.pk)
    # then it is failed after one attempt, naming the hub's code
    message.refresh_from_db()
    assert outcome == OutboxStatus.FAILED
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, 1)
    assert message.last_error.startswith("hub_unknown_recipient")
    assert ExchangeIncident.objects.filter(code="hub_unknown_recipient").count() == 1


def test_a_retry_sends_the_same_bytes_so_the_hub_keeps_one_message(
    hub: FakeHub, issue_to: Callable[..., Any]
) -> None:
    # given a first attempt whose answer was lost after the hub stored the package
    document = issue_to(B_CODE)
    message = OutboxMessage.objects.get(document=document)
    outbox_message_send(outbox_id=message.pk)
    message.refresh_from_db()
    first_id = message.hub_message_id
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.PENDING)
    # when it is sent again (the package is rebuilt from the same document)
    outbox_message_send(outbox_id=message.pk)
    # then the hub answers with the same message: one package stored
    message.refresh_from_db()
    assert message.hub_message_id == first_id
    assert len(hub.packages) == 1


def test_the_sweep_sends_only_rows_that_are_due(hub: FakeHub, issue_to: Callable[..., Any]) -> None:
    # given two pending rows: one never tried, one waiting for its back-off
    due = OutboxMessage.objects.get(document=issue_to(B_CODE))
    waiting = OutboxMessage.objects.get(document=issue_to(B_CODE))
    OutboxMessage.objects.filter(pk=waiting.pk).update(
        next_attempt_at=timezone.now() + dt.timedelta(minutes=5)
    )
    # when the sweep runs (tasks run eagerly)
    counts = exchange_sweep()
    # then only the due row was sent
    assert counts == {"outbox": 1, "statuses": 0, "business": 0}
    due.refresh_from_db()
    waiting.refresh_from_db()
    assert (due.status, waiting.status) == (OutboxStatus.SENT, OutboxStatus.PENDING)


def test_a_secret_document_that_reached_the_outbox_is_never_sent(
    hub: FakeHub, issue_to: Callable[..., Any]
) -> None:
    # given an outbox row whose document became secret underneath the services
    document = issue_to(B_CODE)
    message = OutboxMessage.objects.get(document=document)
    type(document).objects.filter(pk=document.pk).update(is_secret=True, secrecy=secrecy("mat"))
    # when the connector handles the row
    outcome = outbox_message_send(outbox_id=message.pk)
    # then it refuses it for good and nothing reaches the hub
    assert outcome == OutboxStatus.FAILED
    message.refresh_from_db()
    assert message.last_error.startswith("edxml_secret_refused")
    assert hub.send_calls == 0


def test_a_document_of_an_agency_that_is_not_a_member_fails_with_a_clear_reason(
    hub: FakeHub, issue_to: Callable[..., Any], settings: Any
) -> None:
    # given the installation speaks only for agency B on the hub
    settings.EXCHANGE_MEMBER_CODE = ""
    document = issue_to(B_CODE)
    message = OutboxMessage.objects.get(document=document)
    # when A's document is sent
    outcome = outbox_message_send(outbox_id=message.pk)
    # then it fails at once saying A is not configured as a member
    assert outcome == OutboxStatus.FAILED
    message.refresh_from_db()
    assert message.last_error.startswith("exchange_not_a_member")


def test_one_send_takes_the_agencys_due_rows_and_a_refusal_fails_only_its_row(
    hub: FakeHub, issue_to: Callable[..., Any]
) -> None:
    # given three documents of A issued to B, and a hub that refuses the first package it sees
    rows = [OutboxMessage.objects.get(document=issue_to(B_CODE)) for _ in range(3)]
    hub.send_failures = [TransportError("refused", code="hub_unknown_recipient", permanent=True)]
    # when the send of the first row runs
    states = outbox_batch_send(first=rows[0].pk)
    # then all three were handed over in that one run: the first failed for good, two were sent
    assert states == {
        rows[0].pk: OutboxStatus.FAILED,
        rows[1].pk: OutboxStatus.SENT,
        rows[2].pk: OutboxStatus.SENT,
    }
    assert len(hub.packages) == 2
    assert AuditEntry.objects.filter(action="exchange.package_sent").count() == 2
    # when the later rows' own send tasks run, there is nothing left for them
    assert outbox_message_send(outbox_id=rows[1].pk) == "skipped"
