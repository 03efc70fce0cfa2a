"""Internal arrivals: delivery from an issued outgoing document, accept, return to sender."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from congso.accounts.tests.factories import StaffUserFactory
from congso.audit.models import AuditEntry
from congso.core.errors import PermissionDenied, ValidationFailed
from congso.core.identity import Role
from congso.documents.access import incoming_visible_to
from congso.documents.constants import (
    DeliveryStatus,
    FileRole,
    IncomingSource,
    IncomingStatus,
    OutgoingStatus,
)
from congso.documents.errors import InvalidTransition
from congso.documents.models import OutgoingRecipient, SecretAccessGrant
from congso.documents.services.files import stored_file_put_bytes
from congso.documents.services.incoming_common import IncomingAction
from congso.documents.services.incoming_internal import (
    DeliveredFile,
    incoming_document_accept,
    incoming_document_receive_internal,
    incoming_document_return_to_sender,
)
from congso.documents.services.incoming_status import exchange_status_code
from congso.documents.tests.factories import OutgoingDocumentFactory, document_type, secrecy
from congso.documents.tests.incoming.conftest import make_pdf
from congso.organizations.tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def issuing_agency() -> Any:
    return AgencyFactory.create(
        name="Ủy ban nhân dân tỉnh Kon Tum", abbreviation="UBND", code_qcvn102="000.00.00.H34"
    )


def issued(issuing_agency: Any, **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "agency": issuing_agency,
        "document_type": document_type("quyet_dinh"),
        "status": OutgoingStatus.ISSUED,
        "code_number": 5,
        "code_notation": "QĐ-UBND",
        "issued_on": date(2020, 1, 6),
        "subject": "Về việc phê duyệt kế hoạch chuyển đổi số",
        "signer_position": "Chủ tịch",
        "signer_full_name": "Đỗ Minh Thành",
        "page_amount": 2,
    }
    values.update(overrides)
    return OutgoingDocumentFactory.create(**values)


def deliver(outgoing: Any, recipient_agency: Any) -> tuple[Any, Any]:
    recipient = OutgoingRecipient.objects.create(
        document=outgoing, agency=recipient_agency, name=recipient_agency.name
    )
    stored = stored_file_put_bytes(data=make_pdf(f"QĐ {outgoing.pk}", pages=2))
    document = incoming_document_receive_internal(
        outgoing=outgoing, recipient=recipient, files=[DeliveredFile(stored, "05-QD-UBND.pdf")]
    )
    return document, recipient


def test_delivery_creates_a_received_document_with_the_issuers_metadata(
    issuing_agency, agency, clerk
):
    # given
    outgoing = issued(issuing_agency)
    # when
    document, recipient = deliver(outgoing, agency)
    # then
    assert document.status == IncomingStatus.RECEIVED
    assert exchange_status_code(document) == "01"
    assert document.arrival_number is None
    assert document.register is None
    assert document.registered_by is None
    assert document.source == IncomingSource.INTERNAL
    assert document.source_outgoing == outgoing
    assert (document.code_number, document.code_notation) == ("05", "QĐ-UBND")
    assert document.number_notation == "05/QĐ-UBND"
    assert (document.organ_name, document.organ_id, document.issuer) == (
        "Ủy ban nhân dân tỉnh Kon Tum",
        "000.00.00.H34",
        issuing_agency,
    )
    assert (document.signer_full_name, document.page_amount) == ("Đỗ Minh Thành", 2)
    assert document.document_type.code == "quyet_dinh"
    file = document.files.get()
    assert (file.name, file.role) == ("05-QD-UBND.pdf", FileRole.MAIN)
    recipient.refresh_from_db()
    assert recipient.delivered_document == document
    assert recipient.delivery_status == DeliveryStatus.DELIVERED
    assert (
        AuditEntry.objects.get(
            action=IncomingAction.RECEIVED_INTERNAL, target_id=str(document.pk)
        ).actor_id
        is None
    )


def test_delivery_is_idempotent_per_recipient(issuing_agency, agency):
    # given
    outgoing = issued(issuing_agency)
    document, recipient = deliver(outgoing, agency)
    # when
    again = incoming_document_receive_internal(outgoing=outgoing, recipient=recipient, files=[])
    # then
    assert again.pk == document.pk
    assert agency.incoming_documents.count() == 1


def test_files_are_shared_by_stored_row_not_copied(issuing_agency, agency):
    # given
    outgoing = issued(issuing_agency)
    other = AgencyFactory.create()
    stored = stored_file_put_bytes(data=make_pdf("chung"))
    first = OutgoingRecipient.objects.create(document=outgoing, agency=agency, name="A")
    second = OutgoingRecipient.objects.create(document=outgoing, agency=other, name="B")
    # when
    a = incoming_document_receive_internal(
        outgoing=outgoing, recipient=first, files=[(stored, "qd.pdf", FileRole.MAIN)]
    )
    b = incoming_document_receive_internal(
        outgoing=outgoing, recipient=second, files=[(stored, "qd.pdf", FileRole.MAIN)]
    )
    # then
    assert a.files.get().stored_file_id == b.files.get().stored_file_id == stored.pk


def test_accept_gives_the_next_arrival_number(issuing_agency, agency, clerk, register):
    # given
    register()
    document, _ = deliver(issued(issuing_agency), agency)
    # when
    accepted = incoming_document_accept(clerk=clerk, document=document)
    # then
    assert accepted.status == IncomingStatus.ACCEPTED
    assert accepted.arrival_number == 2
    assert accepted.registered_by == clerk
    assert exchange_status_code(accepted) == "03"


def test_accepting_twice_is_an_invalid_transition(issuing_agency, agency, clerk):
    # given
    document, _ = deliver(issued(issuing_agency), agency)
    incoming_document_accept(clerk=clerk, document=document)
    # when / then
    with pytest.raises(InvalidTransition):
        incoming_document_accept(clerk=clerk, document=document)


def test_return_to_sender_records_the_reason_for_the_sender(issuing_agency, agency, clerk):
    # given
    document, recipient = deliver(issued(issuing_agency), agency)
    # when
    returned = incoming_document_return_to_sender(
        clerk=clerk, document=document, reason="  Gửi nhầm   cơ quan "
    )
    # then
    assert returned.status == IncomingStatus.RETURNED
    assert returned.return_reason == "Gửi nhầm cơ quan"
    assert returned.arrival_number is None
    assert exchange_status_code(returned) == "02"
    recipient.refresh_from_db()
    assert recipient.delivered_document.status == IncomingStatus.RETURNED
    with pytest.raises(InvalidTransition):
        incoming_document_accept(clerk=clerk, document=returned)


@pytest.mark.parametrize(
    ("reason", "code"), [("", "reason_required"), ("x" * 501, "reason_too_long")]
)
def test_return_needs_a_reason_of_sensible_length(issuing_agency, agency, clerk, reason, code):
    document, _ = deliver(issued(issuing_agency), agency)
    with pytest.raises(ValidationFailed) as caught:
        incoming_document_return_to_sender(clerk=clerk, document=document, reason=reason)
    assert caught.value.code == code


def test_a_registered_document_cannot_be_returned(register, clerk):
    document = register()
    with pytest.raises(InvalidTransition):
        incoming_document_return_to_sender(clerk=clerk, document=document, reason="nhầm")


@pytest.mark.parametrize("who", ["specialist", "other_clerk"])
def test_only_a_clerk_of_the_recipient_accepts_or_returns(issuing_agency, agency, specialist, who):
    # given
    document, _ = deliver(issued(issuing_agency), agency)
    actor = (
        specialist
        if who == "specialist"
        else StaffUserFactory.create(agency=AgencyFactory.create(), roles=[Role.CLERK])
    )
    # when / then
    with pytest.raises(PermissionDenied):
        incoming_document_accept(clerk=actor, document=document)
    with pytest.raises(PermissionDenied):
        incoming_document_return_to_sender(clerk=actor, document=document, reason="x")


def test_a_secret_delivery_stays_secret_and_grants_the_recipient_clerks(
    issuing_agency, agency, clerk, leader
):
    # given
    outgoing = issued(issuing_agency, secrecy=secrecy("mat"), is_secret=True)
    # when
    document, _ = deliver(outgoing, agency)
    # then
    assert document.is_secret
    assert set(
        SecretAccessGrant.objects.filter(incoming=document).values_list("user", flat=True)
    ) == {clerk.pk}
    assert document in incoming_visible_to(clerk)
    assert document not in incoming_visible_to(leader)
    # and the clerk numbers it in the secret book
    accepted = incoming_document_accept(clerk=clerk, document=document)
    assert accepted.register is not None
    assert accepted.register.is_secret


def test_a_recipient_outside_the_installation_cannot_be_delivered_internally(issuing_agency):
    outgoing = issued(issuing_agency)
    recipient = OutgoingRecipient.objects.create(document=outgoing, agency=None, name="Bộ Nội vụ")
    with pytest.raises(ValueError, match="recipient"):
        incoming_document_receive_internal(outgoing=outgoing, recipient=recipient, files=[])
