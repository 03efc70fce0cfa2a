"""Issuing: số per agency/year/secrecy, ký hiệu, date line, final PDF, delivery, outbox."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from congso.accounts.tests.factories import StaffUserFactory
from congso.audit.models import AuditEntry
from congso.core.errors import PermissionDenied
from congso.core.identity import Role
from congso.documents.constants import (
    DeliveryStatus,
    IncomingStatus,
    OutboxStatus,
    OutgoingStatus,
    SignatureState,
    VersionOrigin,
)
from congso.documents.errors import DocumentNotFound, InvalidTransition, SecretDocumentRule
from congso.documents.models import (
    IncomingDocument,
    OutboxMessage,
    OutgoingDocument,
    OutgoingRecipient,
)
from congso.documents.services import outgoing as services
from congso.documents.services import outgoing_notation as notation
from congso.documents.services.files import stored_file_read
from congso.documents.services.rendering import render_outgoing_pdf
from congso.documents.tests.factories import document_type, secrecy, urgency
from congso.documents.tests.outgoing.conftest import make_pdf, pdf_text
from congso.workdays.calendar import local_day

pytestmark = pytest.mark.django_db
spec = services.RecipientSpec


def _issued_version(document: Any) -> Any:
    return document.versions.get(origin=VersionOrigin.ISSUED)


def test_issuing_numbers_dates_and_renders_the_final_pdf(
    approved: Any, clerk: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given
    document = approved()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        services.outgoing_document_issue(clerk=clerk, document=document)
    document.refresh_from_db()
    # then
    today = local_day(timezone.now())
    assert document.status == OutgoingStatus.ISSUED
    assert (document.code_number, document.code_notation) == (1, "STTTT-CNTT")
    assert document.number_notation == "01/STTTT-CNTT"
    assert document.issued_on == today
    assert document.register.year == today.year
    assert document.storage_note == "Lưu: VT, CNTT."
    text = pdf_text(stored_file_read(_issued_version(document).rendered_file))
    assert "Số: 01/STTTT-CNTT" in text
    assert notation.date_line("Kon Tum", today) in text
    assert "…" not in text
    entry = AuditEntry.objects.get(action="documents.outgoing_document_issue")
    assert entry.data["number"] == "01/STTTT-CNTT"


def test_issued_version_re_renders_byte_for_byte(approved: Any, clerk: Any) -> None:
    document = approved(document_type=document_type("quyet_dinh"), subject="Ban hành Quy chế")
    services.outgoing_document_issue(clerk=clerk, document=document)
    version = _issued_version(document)
    assert render_outgoing_pdf(version.content) == stored_file_read(version.rendered_file)
    assert "Số: 01/QĐ-STTTT" in pdf_text(stored_file_read(version.rendered_file))


def test_numbers_run_per_agency_and_secret_documents_have_their_own_book(
    approved: Any, clerk: Any, agency: Any
) -> None:
    # given: two ordinary documents and a secret one of the same agency
    first, second = approved(), approved()
    secret = approved(secrecy=secrecy("mat"))
    # when
    for document in (first, second, secret):
        services.outgoing_document_issue(clerk=clerk, document=document)
        document.refresh_from_db()
    # then
    assert (first.code_number, second.code_number, secret.code_number) == (1, 2, 1)
    assert secret.register_id != first.register_id
    assert secret.register.is_secret


def test_another_agency_starts_its_own_sequence(approved: Any, clerk: Any) -> None:
    from congso.organizations.tests.factories import (
        AgencyFactory,
        InternalUnitFactory,
        PositionFactory,
    )

    services.outgoing_document_issue(clerk=clerk, document=approved())
    other = AgencyFactory.create(abbreviation="STC")
    unit = InternalUnitFactory.create(parent=other, abbreviation="QLNS")
    author = StaffUserFactory.create(agency=other, unit=unit)
    boss = StaffUserFactory.create(
        agency=other, position=PositionFactory.create(name="Giám đốc"), roles=[Role.LEADER]
    )
    other_clerk = StaffUserFactory.create(agency=other, roles=[Role.CLERK])
    document = services.outgoing_draft_create(
        author=author,
        document_type=document_type("cong_van"),
        subject="Báo cáo",
        body="Nội dung",
        signer=boss,
    )
    services.outgoing_document_submit(actor=author, document=document)
    services.outgoing_step_approve(actor=boss, document=document)
    services.outgoing_document_issue(clerk=other_clerk, document=document)
    document.refresh_from_db()
    assert document.number_notation == "01/STC-QLNS"


def test_a_new_year_starts_again_at_one(
    approved: Any, clerk: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    services.outgoing_document_issue(clerk=clerk, document=approved())
    monkeypatch.setattr(
        "congso.documents.services.outgoing_signing.local_day", lambda _now: date(2031, 1, 5)
    )
    document = approved()
    services.outgoing_document_issue(clerk=clerk, document=document)
    document.refresh_from_db()
    assert (document.code_number, document.register.year) == (1, 2031)
    assert document.issued_on == date(2031, 1, 5)
    text = pdf_text(stored_file_read(_issued_version(document).rendered_file))
    assert "Kon Tum, ngày 05 tháng 01 năm 2031" in text


def test_a_number_cannot_be_used_twice(approved: Any, clerk: Any) -> None:
    # given
    first = approved()
    services.outgoing_document_issue(clerk=clerk, document=first)
    first.refresh_from_db()
    # when: another document claims the same number in the same book
    second = approved()
    second.register, second.code_number = first.register, first.code_number
    # then
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save(update_fields=["register", "code_number"])
    with pytest.raises(InvalidTransition):
        services.outgoing_document_issue(clerk=clerk, document=first)


def test_internal_recipients_receive_it_as_an_incoming_document(
    approved: Any,
    clerk: Any,
    drafter: Any,
    recipient_agency: Any,
    recipient_clerk: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given
    document = approved(recipients=[spec(agency=recipient_agency)])
    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.outgoing_document_issue(clerk=clerk, document=document)
    # then: delivery happens after commit
    assert callbacks
    arrival = IncomingDocument.objects.get(agency=recipient_agency)
    assert arrival.status == IncomingStatus.RECEIVED
    assert arrival.source_outgoing_id == document.pk
    assert (arrival.code_number, arrival.code_notation) == ("01", "STTTT-CNTT")
    main = arrival.files.get()
    assert main.stored_file_id == _issued_version(document).rendered_file_id
    recipient = document.recipients.get()
    assert recipient.delivery_status == DeliveryStatus.DELIVERED
    assert recipient.delivered_document_id == arrival.pk
    assert not OutboxMessage.objects.exists()
    # and delivering again changes nothing (idempotent)
    assert services.outgoing_document_deliver(document_id=document.pk) == 0


def test_urgent_documents_are_delivered_as_soon_as_the_issue_commits(
    approved: Any, clerk: Any, recipient_agency: Any, django_capture_on_commit_callbacks: Any
) -> None:
    document = approved(urgency=urgency("hoa_toc"), recipients=[spec(agency=recipient_agency)])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.outgoing_document_issue(clerk=clerk, document=document)
    assert not IncomingDocument.objects.exists()
    for callback in callbacks:
        callback()
    assert IncomingDocument.objects.get().urgency.code == "hoa_toc"


def test_outside_recipients_get_one_outbox_message_each(
    approved: Any, clerk: Any, recipient_agency: Any
) -> None:
    document = approved(
        recipients=[
            spec(agency=recipient_agency),
            spec(name="Bộ Thông tin và Truyền thông", organ_id="000.00.00.G12"),
            spec(name="Báo Kon Tum"),
        ]
    )
    services.outgoing_document_issue(clerk=clerk, document=document)
    messages = OutboxMessage.objects.filter(document=document)
    assert sorted(m.recipient.name for m in messages) == [
        "Báo Kon Tum",
        "Bộ Thông tin và Truyền thông",
    ]
    assert {m.status for m in messages} == {OutboxStatus.PENDING}


def test_secret_document_never_reaches_the_outbox_whatever_the_path(
    approved: Any, make_draft: Any, clerk: Any, drafter: Any, recipient_agency: Any
) -> None:
    # path 1: composing a secret draft with an outside recipient
    with pytest.raises(SecretDocumentRule):
        make_draft(secrecy=secrecy("toi_mat"), recipients=[spec(name="Báo Kon Tum")])
    # path 2: choosing an outside recipient for a secret draft
    draft = make_draft(secrecy=secrecy("mat"))
    with pytest.raises(SecretDocumentRule):
        services.outgoing_recipients_set(
            actor=drafter, document=draft, recipients=[spec(name="Báo Kon Tum")]
        )
    # path 3: making an ordinary draft with outside recipients secret
    ordinary = make_draft(recipients=[spec(name="Báo Kon Tum")])
    with pytest.raises(SecretDocumentRule):
        services.outgoing_draft_update(actor=drafter, document=ordinary, secrecy=secrecy("mat"))
    # path 4: an outside recipient slipped in underneath the services, caught at issue
    document = approved(secrecy=secrecy("tuyet_mat"), recipients=[spec(agency=recipient_agency)])
    OutgoingRecipient.objects.create(document=document, name="Cơ quan bên ngoài")
    with pytest.raises(SecretDocumentRule):
        services.outgoing_document_issue(clerk=clerk, document=document)
    document.refresh_from_db()
    assert (document.status, document.code_number) == (OutgoingStatus.APPROVED, None)
    # path 5: the clerk changing recipients of the approved secret document
    with pytest.raises(SecretDocumentRule):
        services.outgoing_recipients_set(
            actor=clerk, document=document, recipients=[spec(name="Báo Kon Tum")]
        )
    assert not OutboxMessage.objects.exists()


def test_only_a_clerk_of_the_agency_issues(approved: Any, signer: Any) -> None:
    document = approved()
    with pytest.raises(PermissionDenied) as caught:
        services.outgoing_document_issue(clerk=signer, document=document)
    assert caught.value.code == "clerk_required"
    foreign_clerk = StaffUserFactory.create(roles=[Role.CLERK])
    with pytest.raises(DocumentNotFound):
        services.outgoing_document_issue(clerk=foreign_clerk, document=document)
    document.refresh_from_db()
    assert document.status == OutgoingStatus.APPROVED


def test_a_draft_cannot_be_issued(make_draft: Any, clerk: Any) -> None:
    with pytest.raises(InvalidTransition):
        services.outgoing_document_issue(clerk=clerk, document=make_draft())


def test_uploaded_pdf_is_issued_with_its_bytes_unchanged(
    drafter: Any, signer: Any, clerk: Any
) -> None:
    data = make_pdf("Tờ trình đã ký tay, quét lại")
    document = services.outgoing_draft_upload(
        author=drafter,
        document_type=document_type("to_trinh"),
        subject="Tờ trình",
        stream=io.BytesIO(data),
        file_name="tt.pdf",
        signer=signer,
    )
    services.outgoing_document_submit(actor=drafter, document=document)
    services.outgoing_step_approve(actor=signer, document=document)
    services.outgoing_document_issue(clerk=clerk, document=document)
    document.refresh_from_db()
    assert document.number_notation == "01/TTr-STTTT"
    assert stored_file_read(_issued_version(document).rendered_file) == data


def test_a_docx_whose_pdf_is_pending_cannot_be_issued(
    drafter: Any, signer: Any, clerk: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from congso.documents.tests.outgoing.conftest import make_docx

    monkeypatch.setattr("congso.documents.services.rendering.soffice_path", lambda: None)
    document = services.outgoing_draft_upload(
        author=drafter,
        document_type=document_type("cong_van"),
        subject="Công văn",
        stream=io.BytesIO(make_docx()),
        file_name="cv.docx",
        signer=signer,
    )
    services.outgoing_document_submit(actor=drafter, document=document)
    services.outgoing_step_approve(actor=signer, document=document)
    with pytest.raises(InvalidTransition) as caught:
        services.outgoing_document_issue(clerk=clerk, document=document)
    assert caught.value.code == "pdf_pending"
    assert OutgoingDocument.objects.get(pk=document.pk).code_number is None


def test_unsigned_documents_say_so(approved: Any, clerk: Any) -> None:
    document = approved()
    services.outgoing_document_issue(clerk=clerk, document=document)
    document.refresh_from_db()
    assert document.signature_state == SignatureState.NOT_SIGNED
    assert document.get_signature_state_display() == "Chưa ký số"


def test_a_configured_signer_signs_as_person_then_as_agency(
    approved: Any, clerk: Any, settings: Any
) -> None:
    # given: the signatures issue's implementation plugged in
    settings.CONGSO_DOCUMENT_SIGNER = "congso.documents.tests.outgoing.fake_signer.FakeSigner"
    # when: the signer approves
    document = approved()
    # then: the document was numbered first, and the person signed the numbered PDF
    assert document.signature_state == SignatureState.PERSON_SIGNED
    assert document.number_notation == "01/STTTT-CNTT"
    signed = document.versions.get(origin=VersionOrigin.SIGNED)
    assert "Số: 01/STTTT-CNTT" in pdf_text(stored_file_read(signed.rendered_file))
    # when: the clerk issues
    services.outgoing_document_issue(clerk=clerk, document=document)
    document.refresh_from_db()
    # then: the issued PDF is the signer's output over the person-signed PDF, same number
    from pypdf import PdfReader

    issued = stored_file_read(_issued_version(document).rendered_file)
    metadata = PdfReader(io.BytesIO(issued)).metadata
    assert metadata is not None
    assert metadata["/CongsoAgency"] == "01/STTTT-CNTT"
    assert str(metadata["/CongsoPerson"]).endswith(" 01/STTTT-CNTT")
    assert document.signature_state == SignatureState.FULLY_SIGNED
    assert document.number_notation == "01/STTTT-CNTT"
    assert signed.number < _issued_version(document).number


def test_signer_setting_must_name_a_document_signer(settings: Any) -> None:
    from congso.documents.signing import document_signer

    settings.CONGSO_DOCUMENT_SIGNER = "congso.documents.tests.outgoing.conftest.make_pdf"
    with pytest.raises(TypeError):
        document_signer()
    settings.CONGSO_DOCUMENT_SIGNER = ""
    assert document_signer() is None
