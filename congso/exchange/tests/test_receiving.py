"""Receiving packages from the hub: registration, idempotency, status replies, bad input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from congso.accounts.tests.factories import StaffUserFactory
from congso.core.identity import Role
from congso.documents.constants import AssignmentRole, IncomingSource, IncomingStatus
from congso.documents.models import IncomingDocument, OutboxMessage
from congso.documents.services.distribution import AssignmentEntry, incoming_document_assign
from congso.documents.services.incoming_handling import assignment_complete, assignment_start
from congso.documents.services.incoming_internal import (
    incoming_document_accept,
    incoming_document_return_to_sender,
)
from congso.exchange import lib
from congso.exchange.models import (
    ExchangeIncident,
    ExchangeReceipt,
    StatusMessage,
    StatusMessageState,
)
from congso.exchange.services.packages import document_package
from congso.exchange.services.polling import member_poll
from congso.exchange.services.sending import outbox_message_send
from congso.exchange.tests.conftest import A_CODE, B_CODE
from congso.exchange.tests.fakes import FakeHub, FakeTransport
from congso.exchange.transport import TransportError
from congso.signatures.constants import ValidationVerdict
from congso.signatures.services import SignatureCheck

pytestmark = pytest.mark.django_db


def _sent(issue_to: Callable[..., Any]) -> Any:
    """A document of A issued to B and sent to the hub; returns the outbox row."""
    document = issue_to(B_CODE)
    message = OutboxMessage.objects.select_related("recipient").get(document=document)
    outbox_message_send(outbox_id=message.pk)
    message.refresh_from_db()
    return message


def _statuses_to_a(hub: FakeHub) -> list[str]:
    return [s.status_code for s in hub.statuses_for(A_CODE)]


def test_a_package_is_registered_as_received_and_answered_01(
    hub: FakeHub,
    issue_to: Callable[..., Any],
    agency_b: Any,
    clerk_b: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a document of A sent to B through the hub
    message = _sent(issue_to)
    # when B's installation polls the hub
    with django_capture_on_commit_callbacks(execute=True):
        result = member_poll(transport=hub.transport(B_CODE))
    # then the document waits for B's clerk, with its file, and A hears "01 đã đến"
    assert result.packages == {"registered": 1}
    arrival = IncomingDocument.objects.get(agency=agency_b)
    outgoing = message.document
    assert arrival.status == IncomingStatus.RECEIVED
    assert arrival.source == IncomingSource.EXCHANGE
    assert (arrival.organ_id, arrival.subject) == (A_CODE, outgoing.subject)
    assert arrival.code_notation == outgoing.code_notation
    assert [f.name for f in arrival.files.all()] == [
        f"{outgoing.number_notation.replace('/', '-')}.pdf"
    ]
    assert arrival.files.get().signature_verdict == ValidationVerdict.UNSIGNED
    receipt = ExchangeReceipt.objects.get(incoming_document=arrival)
    assert (receipt.sender_code, receipt.recipient_code) == (A_CODE, B_CODE)
    assert _statuses_to_a(hub) == ["01"]
    assert B_CODE in hub.packages[message.hub_message_id].acked_by


def test_an_agency_that_accepts_on_arrival_registers_it_and_answers_01_and_03(
    hub: FakeHub,
    issue_to: Callable[..., Any],
    agency_b: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given B registers arrivals from the hub as they arrive
    settings.EXCHANGE_AUTO_ACCEPT = [B_CODE]
    message = _sent(issue_to)
    # when B's installation polls the hub, then A's
    with django_capture_on_commit_callbacks(execute=True):
        member_poll(transport=hub.transport(B_CODE))
    with django_capture_on_commit_callbacks(execute=True):
        result = member_poll(transport=hub.transport(A_CODE))
    # then the arrival is in B's incoming book with a number, and A shows 03
    arrival = IncomingDocument.objects.get(agency=agency_b)
    assert arrival.status == IncomingStatus.ACCEPTED
    assert arrival.arrival_number == 1
    assert arrival.registered_by is None
    assert _statuses_to_a(hub) == ["01", "03"]
    assert result.statuses == {"applied": 2}
    message.recipient.refresh_from_db()
    assert message.recipient.exchange_status_code == "03"


def test_a_package_delivered_twice_registers_once(
    hub: FakeHub, issue_to: Callable[..., Any], agency_b: Any
) -> None:
    # given a package registered once, then offered again by the hub (an ack that was lost)
    message = _sent(issue_to)
    member_poll(transport=hub.transport(B_CODE))
    hub.packages[message.hub_message_id].acked_by.clear()
    # when B polls again
    result = member_poll(transport=hub.transport(B_CODE))
    # then it is only acknowledged: one document, one receipt, one 01
    assert result.packages == {"duplicate": 1}
    assert IncomingDocument.objects.filter(agency=agency_b).count() == 1
    assert ExchangeReceipt.objects.count() == 1
    assert StatusMessage.objects.filter(status_code="01").count() == 1


def test_statuses_01_to_06_follow_the_handling_and_show_on_the_senders_recipient(
    hub: FakeHub,
    issue_to: Callable[..., Any],
    agency_b: Any,
    clerk_b: Any,
    leader_b: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a package registered at B
    message = _sent(issue_to)
    with django_capture_on_commit_callbacks(execute=True):
        member_poll(transport=hub.transport(B_CODE))
    arrival = IncomingDocument.objects.get(agency=agency_b)
    specialist = StaffUserFactory.create(agency=agency_b, roles=[Role.SPECIALIST])
    # when B's clerk accepts it and the leader assigns it
    with django_capture_on_commit_callbacks(execute=True):
        incoming_document_accept(clerk=clerk_b, document=arrival)
    with django_capture_on_commit_callbacks(execute=True):
        incoming_document_assign(
            actor=leader_b,
            document=arrival,
            entries=[AssignmentEntry(role=AssignmentRole.LEAD, assignee=specialist)],
            days=5,
        )
    # when the specialist starts and completes the work
    assignment = arrival.assignments.get()
    with django_capture_on_commit_callbacks(execute=True):
        assignment_start(actor=specialist, assignment=assignment)
    with django_capture_on_commit_callbacks(execute=True):
        assignment_complete(actor=specialist, assignment=assignment, note="Đã báo cáo")
    # then A hears 01, 03, 04, 05, 06 in order
    assert _statuses_to_a(hub) == ["01", "03", "04", "05", "06"]
    # when A's installation polls the hub
    with django_capture_on_commit_callbacks(execute=True):
        result = member_poll(transport=hub.transport(A_CODE))
    # then A's recipient row shows the latest status
    assert result.statuses == {"applied": 5}
    recipient = message.recipient
    recipient.refresh_from_db()
    assert recipient.exchange_status_code == "06"
    assert "Hoàn thành" in recipient.exchange_status_description


def test_the_clerks_refusal_is_answered_02_with_the_reason(
    hub: FakeHub,
    issue_to: Callable[..., Any],
    agency_b: Any,
    clerk_b: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a package registered at B
    message = _sent(issue_to)
    with django_capture_on_commit_callbacks(execute=True):
        member_poll(transport=hub.transport(B_CODE))
    arrival = IncomingDocument.objects.get(agency=agency_b)
    # when B's clerk refuses it as misaddressed
    with django_capture_on_commit_callbacks(execute=True):
        incoming_document_return_to_sender(
            clerk=clerk_b, document=arrival, reason="Gửi nhầm cơ quan, không đúng thẩm quyền"
        )
    with django_capture_on_commit_callbacks(execute=True):
        member_poll(transport=hub.transport(A_CODE))
    # then A sees 02 with the reason on its recipient row
    assert _statuses_to_a(hub) == ["01", "02"]
    recipient = message.recipient
    recipient.refresh_from_db()
    assert recipient.exchange_status_code == "02"
    assert "Gửi nhầm cơ quan" in recipient.exchange_status_description


def _refused(result: Any, code: str, agency_b: Any) -> ExchangeIncident:
    assert result.packages == {"refused": 1}
    assert IncomingDocument.objects.filter(agency=agency_b).count() == 0
    assert ExchangeReceipt.objects.count() == 0
    return ExchangeIncident.objects.get(code=code)


def _package_bytes(issue_to: Callable[..., Any], *, signed: bool) -> tuple[bytes, str]:
    document = issue_to(B_CODE)
    message = OutboxMessage.objects.select_related("recipient").get(document=document)
    package = document_package(message.recipient)
    signer = None
    if signed:
        from congso.exchange.services.config import xml_key

        key = xml_key()
        signer = lib.XmlSigner(key.private_key, key.certificate)
    data = lib.build_package(package, signer=signer)
    assert data is not None
    return data, package.header.document_id


def test_malformed_xml_is_refused_with_02_and_logged(
    hub: FakeHub, agency_b: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given bytes that are not XML, announced by the hub as A's document
    hub.deliver_raw(b"<edXML><oops", from_code=A_CODE, to_code=B_CODE, document_id="X,1")
    # when B polls
    with django_capture_on_commit_callbacks(execute=True):
        result = member_poll(transport=hub.transport(B_CODE))
    # then nothing is registered, the incident is kept and A hears 02 with the reason
    incident = _refused(result, "edxml_malformed", agency_b)
    assert incident.agency == agency_b
    assert incident.status_reply_sent
    assert StatusMessage.objects.get().state == StatusMessageState.SENT
    (reply,) = hub.statuses_for(A_CODE)
    parsed = lib.parse_status(reply.data)
    assert (parsed.status_code, parsed.response_for_document_id) == ("02", "X,1")
    assert incident.message in parsed.description


def test_billion_laughs_is_refused(hub: FakeHub, agency_b: Any) -> None:
    # given a package with an entity expansion bomb
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><edXML>&lol2;</edXML>'
    )
    hub.deliver_raw(bomb, from_code=A_CODE, to_code=B_CODE, document_id="X,2")
    # when B polls
    result = member_poll(transport=hub.transport(B_CODE))
    # then it is refused as a forbidden construct
    _refused(result, "edxml_forbidden_construct", agency_b)


def test_a_package_without_xml_signature_is_refused(
    hub: FakeHub, issue_to: Callable[..., Any], agency_b: Any
) -> None:
    # given an unsigned package
    data, document_id = _package_bytes(issue_to, signed=False)
    hub.deliver_raw(data, from_code=A_CODE, to_code=B_CODE, document_id=document_id)
    # when B polls
    result = member_poll(transport=hub.transport(B_CODE))
    # then it is refused naming the missing signature
    incident = _refused(result, "edxml_signature_missing", agency_b)
    assert incident.document_id == document_id


def test_a_package_altered_after_signing_is_refused(
    hub: FakeHub, issue_to: Callable[..., Any], agency_b: Any
) -> None:
    # given a signed package whose subject was changed afterwards
    data, document_id = _package_bytes(issue_to, signed=True)
    altered = data.replace("Báo cáo tình hình".encode(), b"Bao cao tinh hinh", 1)
    assert altered != data
    hub.deliver_raw(altered, from_code=A_CODE, to_code=B_CODE, document_id=document_id)
    # when B polls
    result = member_poll(transport=hub.transport(B_CODE))
    # then the XML signature check refuses it
    _refused(result, "edxml_signature_invalid", agency_b)


def test_a_package_for_an_agency_not_in_this_installation_is_refused(
    hub: FakeHub, issue_to: Callable[..., Any], agency_b: Any
) -> None:
    # given B's agency is no longer active here
    data, document_id = _package_bytes(issue_to, signed=True)
    type(agency_b).objects.filter(pk=agency_b.pk).update(is_active=False)
    hub.deliver_raw(data, from_code=A_CODE, to_code=B_CODE, document_id=document_id)
    # when B polls
    result = member_poll(transport=hub.transport(B_CODE))
    # then it is refused as an unknown recipient and A hears 02
    assert result.packages == {"refused": 1}
    assert ExchangeIncident.objects.get().code == "exchange_unknown_recipient"
    assert StatusMessage.objects.get().status_code == "02"


def test_a_package_whose_from_is_not_the_hubs_sender_is_refused(
    hub: FakeHub, issue_to: Callable[..., Any], agency_b: Any
) -> None:
    # given a signed package of A that the hub says another member sent
    data, document_id = _package_bytes(issue_to, signed=True)
    hub.deliver_raw(data, from_code="000.00.77.H34", to_code=B_CODE, document_id=document_id)
    # when B polls
    result = member_poll(transport=hub.transport(B_CODE))
    # then it is refused as a sender mismatch
    _refused(result, "exchange_sender_mismatch", agency_b)


def test_a_secret_package_is_refused(
    hub: FakeHub, issue_to: Callable[..., Any], agency_b: Any
) -> None:
    # given a package that marks itself secret in OtherInfo (never sent by congso)
    data, document_id = _package_bytes(issue_to, signed=False)
    marker = b"</edXML:OtherInfo>"
    assert marker in data
    secret = data.replace(marker, b"<edXML:Secrecy>mat</edXML:Secrecy>" + marker, 1)
    hub.deliver_raw(secret, from_code=A_CODE, to_code=B_CODE, document_id=document_id)
    # when B polls
    result = member_poll(transport=hub.transport(B_CODE))
    # then it is refused as secret
    _refused(result, "edxml_secret_refused", agency_b)


def test_a_pdf_whose_signature_fails_refuses_the_whole_package(
    hub: FakeHub, issue_to: Callable[..., Any], agency_b: Any, monkeypatch: Any
) -> None:
    # given a package whose PDF signature check fails
    _sent(issue_to)
    failed = SignatureCheck(verdict=ValidationVerdict.FAILED, summary="Chữ ký bị sửa đổi")
    monkeypatch.setattr(
        "congso.documents.services.incoming_exchange.arrival_attachment_checks_many",
        lambda arrivals: [[failed for _ in files] for files in arrivals],
    )
    # when B polls
    result = member_poll(transport=hub.transport(B_CODE))
    # then nothing is half-registered, and A hears 02 naming the file
    incident = _refused(result, "exchange_pdf_signature_failed", agency_b)
    assert "Chữ ký bị sửa đổi" in incident.message
    assert StatusMessage.objects.get().status_code == "02"


def test_a_refused_package_offered_again_is_not_refused_twice(hub: FakeHub, agency_b: Any) -> None:
    # given a refused package whose acknowledgement was lost
    message_id = hub.deliver_raw(b"junk", from_code=A_CODE, to_code=B_CODE, document_id="X,3")
    member_poll(transport=hub.transport(B_CODE))
    hub.packages[message_id].acked_by.clear()
    # when B polls again
    result = member_poll(transport=hub.transport(B_CODE))
    # then it is only acknowledged
    assert result.packages == {"refused": 1}
    assert ExchangeIncident.objects.count() == 1
    assert StatusMessage.objects.count() == 1


def test_a_package_that_cannot_be_fetched_stays_on_the_hub_and_the_poll_ends(
    hub: FakeHub, issue_to: Callable[..., Any], agency_b: Any, monkeypatch: Any
) -> None:
    # given a package too large to come with the list, which the hub cannot serve right now
    message = _sent(issue_to)
    hub.inline_max = 0

    def unavailable(self: Any, message_id: str, out: Any) -> int:
        raise TransportError("timeout", code="hub_unreachable")

    monkeypatch.setattr(FakeTransport, "fetch", unavailable)
    # when B polls, one item per page
    result = member_poll(transport=hub.transport(B_CODE), limit=1)
    # then the poll ends, nothing is registered or refused, and the package waits for next time
    assert result.packages == {"retry": 1}
    assert IncomingDocument.objects.filter(agency=agency_b).count() == 0
    assert ExchangeIncident.objects.count() == 0
    assert B_CODE not in hub.packages[message.hub_message_id].acked_by


def test_in_a_page_a_refused_package_leaves_nothing_and_the_others_register(
    hub: FakeHub, issue_to: Callable[..., Any], agency_b: Any, monkeypatch: Any
) -> None:
    # given three packages waiting, the second with a PDF whose signature check fails
    sent = [_sent(issue_to) for _ in range(3)]
    failed = SignatureCheck(verdict=ValidationVerdict.FAILED, summary="Chữ ký bị sửa đổi")

    def checks(arrivals: Any) -> list[Any]:
        return [[failed if i == 1 else None for _ in files] for i, files in enumerate(arrivals)]

    monkeypatch.setattr(
        "congso.documents.services.incoming_exchange.arrival_attachment_checks_many", checks
    )
    # when B polls them as one page
    result = member_poll(transport=hub.transport(B_CODE))
    # then two are registered with their receipts, the second is refused with 02, all acknowledged
    assert result.packages == {"registered": 2, "refused": 1}
    assert IncomingDocument.objects.filter(agency=agency_b).count() == 2
    assert ExchangeReceipt.objects.count() == 2
    refused = ExchangeIncident.objects.get(code="exchange_pdf_signature_failed")
    assert refused.hub_message_id == sent[1].hub_message_id
    assert sorted(StatusMessage.objects.values_list("status_code", flat=True)) == ["01", "01", "02"]
    assert all(B_CODE in hub.packages[m.hub_message_id].acked_by for m in sent)


def test_a_pages_pdfs_are_validated_before_its_registration_transaction(
    hub: FakeHub, issue_to: Callable[..., Any], agency_b: Any, monkeypatch: Any
) -> None:
    # given two packages waiting, and a watch on the depth of transactions when PDFs are checked
    from django.db import connection

    from congso.documents.services import incoming_exchange

    for _ in range(2):
        _sent(issue_to)
    real = incoming_exchange.arrival_attachment_checks_many
    calls: list[tuple[int, int]] = []

    def watched(arrivals: Any) -> list[Any]:
        calls.append((len(connection.atomic_blocks), len(arrivals)))
        return real(arrivals)

    monkeypatch.setattr(incoming_exchange, "arrival_attachment_checks_many", watched)
    outside = len(connection.atomic_blocks)
    # when B polls them as one page
    result = member_poll(transport=hub.transport(B_CODE))
    # then the part's files were checked in one call, outside any transaction of the poll
    assert result.packages == {"registered": 2}
    assert calls == [(outside, 2)]
    verdicts = IncomingDocument.objects.filter(agency=agency_b).values_list(
        "files__signature_verdict", flat=True
    )
    assert list(verdicts) == [ValidationVerdict.UNSIGNED, ValidationVerdict.UNSIGNED]


def test_files_checked_before_storing_keep_the_verdicts_and_their_audit(tmp_path: Any) -> None:
    # given an arrival's files on disk: a PNG, a plain PDF, and a damaged PDF that has a signature
    from congso.audit.models import AuditEntry
    from congso.documents.services.incoming_exchange import arrival_attachment_checks
    from congso.signatures.models import ValidationRecord

    png = tmp_path / "a.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    plain = tmp_path / "b.pdf"
    plain.write_bytes(b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n")
    damaged = tmp_path / "c.pdf"
    damaged.write_bytes(b"%PDF-1.7\n1 0 obj << /ByteRange [0 1 2 3] >> endobj\n%%EOF\n")
    # when they are checked before being stored
    checks = arrival_attachment_checks([(png, "a.png"), (plain, "b.pdf"), (damaged, "c.pdf")])
    # then the PNG has no check, the plain PDF is unsigned without a report, and the damaged
    # one has a verdict that is not valid, its report stored and audited
    assert checks[0] is None
    assert checks[1] is not None
    assert checks[1].verdict == ValidationVerdict.UNSIGNED
    assert checks[1].record is None
    third = checks[2]
    assert third is not None
    assert third.verdict not in (
        ValidationVerdict.VALID,
        ValidationVerdict.UNSIGNED,
    )
    assert third.record is not None
    assert ValidationRecord.objects.filter(pk=third.record.pk, file_name="c.pdf").exists()
    assert AuditEntry.objects.filter(target_id=str(third.record.pk)).exists()
