"""Revoke, replace and update through the hub (Bussiness kinds, standards.md §4.3–4.4) and the
answers 13 / 15 / 16 (§4.6): documents' relation services → packages → the recipient's system."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from congso.audit.models import AuditEntry
from congso.documents.constants import IncomingStatus, OutboxStatus
from congso.documents.models import IncomingDocument, OutboxMessage
from congso.documents.services.incoming_internal import incoming_document_accept
from congso.documents.services.outgoing_common import RecipientSpec
from congso.documents.services.outgoing_relations import (
    outgoing_document_correct,
    outgoing_document_replace,
    outgoing_document_revoke,
)
from congso.documents.tests.factories import secrecy
from congso.exchange import lib
from congso.exchange.models import (
    BusinessMessage,
    ExchangeIncident,
    ExchangeReceipt,
    IncidentKind,
    RecipientStatusEvent,
    RevokeRequest,
    RevokeState,
    StatusMessageState,
)
from congso.exchange.services.business import revoke_request_send
from congso.exchange.services.polling import member_poll
from congso.exchange.services.revocations import revoke_request_decide
from congso.exchange.services.sending import outbox_message_send
from congso.exchange.tests.conftest import A_CODE, B_CODE
from congso.exchange.tests.fakes import FakeHub

pytestmark = pytest.mark.django_db
C_CODE = "000.00.14.H34"


def _send(document: Any) -> None:
    for message in OutboxMessage.objects.filter(document=document):
        outbox_message_send(outbox_id=message.pk)


def _poll(hub: FakeHub, code: str, capture: Any) -> Any:
    with capture(execute=True):
        return member_poll(transport=hub.transport(code))


def _statuses_to_a(hub: FakeHub) -> list[str]:
    return [s.status_code for s in hub.statuses_for(A_CODE)]


def _packages_to(hub: FakeHub, code: str, business: str) -> list[Any]:
    return [p for p in hub.packages.values() if code in p.to_codes and p.business == business]


@pytest.fixture
def received(
    hub: FakeHub,
    issue_to: Callable[..., Any],
    agency_b: Any,
    django_capture_on_commit_callbacks: Any,
) -> Any:
    """A document of A issued to B, sent, and registered at B (waiting for B's clerk)."""
    document = issue_to(B_CODE)
    _send(document)
    _poll(hub, B_CODE, django_capture_on_commit_callbacks)
    return document


def test_revoking_an_issued_document_sends_a_revoke_and_the_recipient_answers_15(
    hub: FakeHub,
    received: Any,
    clerk_a: Any,
    django_capture_on_commit_callbacks: Any,
    tmp_path: Any,
) -> None:
    # given a document of A registered at B, still waiting for B's clerk
    arrival = IncomingDocument.objects.get(agency__code_qcvn102=B_CODE)
    # when A's clerk revokes it through the documents service
    with django_capture_on_commit_callbacks(execute=True):
        outgoing_document_revoke(actor=clerk_a, document=received, reason="Ban hành nhầm")
    # then one revoke package naming the original DocumentId went to B, without files
    message = BusinessMessage.objects.get(original=received)
    assert (message.kind, message.state) == ("revoke", StatusMessageState.SENT)
    (package,) = _packages_to(hub, B_CODE, "revoke")
    parsed = lib.parse_package(package.data, attachment_dir=tmp_path / "att")
    receipt = ExchangeReceipt.objects.get(incoming_document=arrival)
    assert parsed.business.document_id == receipt.document_id
    assert parsed.business.reason == "Ban hành nhầm"
    assert parsed.attachments == ()
    # when B polls: the incoming document is revoked (audited) and A hears 15
    result = _poll(hub, B_CODE, django_capture_on_commit_callbacks)
    assert result.packages == {"revoke": 1}
    arrival.refresh_from_db()
    assert arrival.status == IncomingStatus.REVOKED
    assert "Ban hành nhầm" in arrival.description
    assert AuditEntry.objects.filter(action="documents.incoming_revoked_by_sender").count() == 1
    assert _statuses_to_a(hub) == ["01", "15"]
    # and when A polls, the recipient's history shows 01 then 15
    _poll(hub, A_CODE, django_capture_on_commit_callbacks)
    recipient = message.recipient
    recipient.refresh_from_db()
    assert recipient.exchange_status_code == "15"
    codes = list(
        RecipientStatusEvent.objects.filter(recipient=recipient).values_list(
            "status_code", flat=True
        )
    )
    assert codes == ["01", "15"]


def test_a_revoke_delivered_twice_is_answered_once(
    hub: FakeHub, received: Any, clerk_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given a revoke package B has already answered
    with django_capture_on_commit_callbacks(execute=True):
        outgoing_document_revoke(actor=clerk_a, document=received, reason="Sai thẩm quyền")
    _poll(hub, B_CODE, django_capture_on_commit_callbacks)
    (package,) = _packages_to(hub, B_CODE, "revoke")
    # when the hub delivers it again (not acknowledged, e.g. the ack was lost)
    package.acked_by.clear()
    result = _poll(hub, B_CODE, django_capture_on_commit_callbacks)
    # then it is only acknowledged: one request, one 15
    assert result.packages == {"duplicate": 1}
    assert RevokeRequest.objects.count() == 1
    assert _statuses_to_a(hub) == ["01", "15"]


def test_a_revoke_for_a_document_in_handling_waits_for_the_clerk_13_then_16(
    hub: FakeHub,
    received: Any,
    clerk_a: Any,
    clerk_b: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given B's clerk has accepted the document (03): someone may be handling it
    arrival = IncomingDocument.objects.get(agency__code_qcvn102=B_CODE)
    with django_capture_on_commit_callbacks(execute=True):
        incoming_document_accept(clerk=clerk_b, document=arrival)
    recipient = OutboxMessage.objects.get(document=received).recipient
    # when A's clerk asks B to give it back, and B polls
    with django_capture_on_commit_callbacks(execute=True):
        revoke_request_send(actor=clerk_a, recipient=recipient, reason="Gửi nhầm nơi nhận")
    _poll(hub, B_CODE, django_capture_on_commit_callbacks)
    # then B registers the request and answers 13; the document is untouched
    request = RevokeRequest.objects.get()
    assert request.state == RevokeState.PENDING
    arrival.refresh_from_db()
    assert arrival.status == IncomingStatus.ACCEPTED
    assert _statuses_to_a(hub) == ["01", "03", "13"]
    # when B's clerk refuses with a reason
    with django_capture_on_commit_callbacks(execute=True):
        revoke_request_decide(
            actor=clerk_b, request=request, accept=False, reason="Đã phân công xử lý"
        )
    # then A hears 16 with the reason, and the history at A shows every step
    assert _statuses_to_a(hub) == ["01", "03", "13", "16"]
    _poll(hub, A_CODE, django_capture_on_commit_callbacks)
    events = list(RecipientStatusEvent.objects.filter(recipient=recipient))
    assert [e.status_code for e in events] == ["01", "03", "13", "16"]
    assert "Đã phân công xử lý" in events[-1].description


def test_the_clerk_agrees_to_a_pending_revoke_and_answers_15(
    hub: FakeHub,
    received: Any,
    clerk_a: Any,
    clerk_b: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a pending revoke request for an accepted document at B
    arrival = IncomingDocument.objects.get(agency__code_qcvn102=B_CODE)
    with django_capture_on_commit_callbacks(execute=True):
        incoming_document_accept(clerk=clerk_b, document=arrival)
        revoke_request_send(
            actor=clerk_a,
            recipient=OutboxMessage.objects.get(document=received).recipient,
            reason="Gửi nhầm",
        )
    _poll(hub, B_CODE, django_capture_on_commit_callbacks)
    # when B's clerk agrees
    with django_capture_on_commit_callbacks(execute=True):
        revoke_request_decide(actor=clerk_b, request=RevokeRequest.objects.get(), accept=True)
    # then the document is revoked and A hears 15
    arrival.refresh_from_db()
    assert arrival.status == IncomingStatus.REVOKED
    assert _statuses_to_a(hub)[-1] == "15"
    assert RevokeRequest.objects.get().decided_by == clerk_b


def test_a_revoke_for_an_unknown_document_is_an_incident_and_16(
    hub: FakeHub,
    issue_to: Callable[..., Any],
    agency_b: Any,
    clerk_a: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a document of A that B never registered (its package was lost before B polled)
    document = issue_to(B_CODE)
    _send(document)
    for package in hub.packages.values():
        package.acked_by.add(B_CODE)
    # when A revokes it and B polls
    with django_capture_on_commit_callbacks(execute=True):
        outgoing_document_revoke(actor=clerk_a, document=document, reason="Thu hồi")
    _poll(hub, B_CODE, django_capture_on_commit_callbacks)
    # then B logs an incident and answers 16 naming the problem
    incident = ExchangeIncident.objects.get(kind=IncidentKind.REVOKE_REFUSED)
    assert incident.code == "exchange_unknown_document"
    assert _statuses_to_a(hub) == ["16"]
    assert RevokeRequest.objects.get().state == RevokeState.REFUSED


def test_a_replacement_travels_as_replace_and_is_linked_to_the_old_document(
    hub: FakeHub,
    received: Any,
    issue_to: Callable[..., Any],
    clerk_a: Any,
    django_capture_on_commit_callbacks: Any,
    tmp_path: Any,
) -> None:
    # given a document of A that B registered
    old_arrival = IncomingDocument.objects.get(agency__code_qcvn102=B_CODE)
    # when A issues a new document to B that replaces it
    with django_capture_on_commit_callbacks(execute=True):
        new = issue_to(
            B_CODE,
            subject="Báo cáo (thay thế) tình hình ứng dụng CNTT quý I",
            before_issue=lambda doc: outgoing_document_replace(
                actor=clerk_a, old=received, new=doc, reason="Sai số liệu"
            ),
        )
    # then B gets one package, the new document with Bussiness "replace" naming the old one
    assert not BusinessMessage.objects.exists()
    (package,) = _packages_to(hub, B_CODE, "replace")
    parsed = lib.parse_package(package.data, attachment_dir=tmp_path / "att")
    old_receipt = ExchangeReceipt.objects.get(incoming_document=old_arrival)
    assert parsed.business.document_id == old_receipt.document_id
    assert parsed.business.replacement_info[0].document_id == old_receipt.document_id
    assert len(parsed.attachments) == 1
    # when B polls: the new document is registered (01) and linked to the old one
    result = _poll(hub, B_CODE, django_capture_on_commit_callbacks)
    assert result.packages == {"registered": 1}
    new_receipt = ExchangeReceipt.objects.exclude(pk=old_receipt.pk).get()
    assert new_receipt.supersedes == old_receipt
    assert new_receipt.business_kind == "replace"
    old_arrival.refresh_from_db()
    assert "thay thế" in old_arrival.description
    assert new.subject == new_receipt.incoming_document.subject
    assert _statuses_to_a(hub) == ["01", "01"]


def test_a_correction_reaches_the_original_recipients_not_on_its_own_list_as_update(
    hub: FakeHub,
    issue_to: Callable[..., Any],
    agency_b: Any,
    clerk_a: Any,
    django_capture_on_commit_callbacks: Any,
    tmp_path: Any,
) -> None:
    # given a document of A sent to B and registered there
    original = issue_to(B_CODE)
    _send(original)
    _poll(hub, B_CODE, django_capture_on_commit_callbacks)
    # when A issues a công văn đính chính addressed to C only
    with django_capture_on_commit_callbacks(execute=True):
        issue_to(
            C_CODE,
            before_issue=lambda doc: outgoing_document_correct(
                actor=clerk_a, original=original, correction=doc, reason="Sai ngày"
            ),
        )
    # then B (an original recipient) still gets the correction, as an "update" package
    message = BusinessMessage.objects.get()
    assert (message.kind, message.state, message.recipient.organ_id) == (
        "update",
        StatusMessageState.SENT,
        B_CODE,
    )
    (package,) = _packages_to(hub, B_CODE, "update")
    assert lib.parse_package(package.data, attachment_dir=tmp_path).business.document_id == (
        ExchangeReceipt.objects.get().document_id
    )
    # and B registers it linked to the original
    _poll(hub, B_CODE, django_capture_on_commit_callbacks)
    assert ExchangeReceipt.objects.filter(supersedes__isnull=False).count() == 1


def test_a_secret_replacement_never_travels(
    hub: FakeHub, received: Any, issue_to: Callable[..., Any], clerk_a: Any, agency_b: Any
) -> None:
    # given a document of A that B registered through the hub
    # when A issues a secret document replacing it (secret: recipients inside the installation)
    issue_to(
        recipients=[RecipientSpec(agency=agency_b)],
        secrecy=secrecy("mat"),
        before_issue=lambda doc: outgoing_document_replace(actor=clerk_a, old=received, new=doc),
    )
    # then nothing is queued for the hub
    assert BusinessMessage.objects.count() == 0
    assert _packages_to(hub, B_CODE, "replace") == []
    assert OutboxMessage.objects.filter(status=OutboxStatus.PENDING).count() == 0


def test_the_clerk_asks_a_recipient_only_once_and_only_after_a_send(
    hub: FakeHub, issue_to: Callable[..., Any], clerk_a: Any
) -> None:
    # given an issued document whose package is not sent yet
    document = issue_to(B_CODE)
    recipient = OutboxMessage.objects.get(document=document).recipient
    # when the clerk asks for revocation → refused: nothing reached the recipient
    from congso.core.errors import Conflict, ValidationFailed

    with pytest.raises(Conflict):
        revoke_request_send(actor=clerk_a, recipient=recipient, reason="Gửi nhầm")
    _send(document)
    # a request needs a reason, and is made once
    with pytest.raises(ValidationFailed):
        revoke_request_send(actor=clerk_a, recipient=recipient, reason="  ")
    revoke_request_send(actor=clerk_a, recipient=recipient, reason="Gửi nhầm")
    with pytest.raises(Conflict):
        revoke_request_send(actor=clerk_a, recipient=recipient, reason="Gửi nhầm")
    assert BusinessMessage.objects.filter(origin="request").count() == 1
