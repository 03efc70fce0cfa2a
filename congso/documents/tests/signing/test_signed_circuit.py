"""The signed outgoing circuit on SoftHSM2 tokens with the local TSA/OCSP running: the signer's
approval numbers and signs, the văn thư seals and issues, and the recipient's registration finds
both signatures valid — with our validator and with pyHanko's own."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation.status import SignatureCoverageLevel

from congso.audit.models import AuditEntry
from congso.documents.constants import (
    IncomingStatus,
    OutgoingStatus,
    SignatureState,
    VersionOrigin,
)
from congso.documents.errors import InvalidTransition
from congso.documents.models import DocumentRegister, IncomingDocument, IncomingFile
from congso.documents.services import outgoing as services
from congso.documents.services.files import stored_file_read
from congso.documents.services.incoming_internal import incoming_document_accept
from congso.documents.services.outgoing_signing import outgoing_document_seal
from congso.documents.tests.signing.conftest import pyhanko_statuses
from congso.signatures.constants import ValidationVerdict
from congso.signatures.errors import SigningKeyNotFound, SigningRefusedError
from congso.signatures.lib.signing import ORGANISATION_FIELD, PERSON_FIELD, signature_field_states
from congso.signatures.models import SigningRecord, ValidationRecord

pytestmark = pytest.mark.django_db


def _pdf(version: Any) -> bytes:
    assert version.rendered_file is not None
    return stored_file_read(version.rendered_file)


def _fields(data: bytes) -> dict[str, bool]:
    return signature_field_states(PdfFileReader(BytesIO(data)))


def _text(data: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(
        " ".join(p.extract_text() or "" for p in PdfReader(BytesIO(data)).pages).split()
    )


def test_signed_document_is_issued_delivered_and_validates_at_the_recipient(
    submitted: Any,
    signer: Any,
    clerk: Any,
    recipient_agency: Any,
    recipient_clerk: Any,
    test_pki: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given: a draft reviewed and waiting for its signer
    document = submitted()
    assert document.code_number is None
    # when: the signer approves
    services.outgoing_step_approve(actor=signer, document=document)
    document.refresh_from_db()
    # then: the system numbered it and the person signed the numbered, dated PDF
    assert document.status == OutgoingStatus.APPROVED
    assert document.signature_state == SignatureState.PERSON_SIGNED
    assert document.number_notation == "01/STTTT-CNTT"
    assert document.issued_on is not None
    assert document.issued_at is None
    person_signed = _pdf(document.versions.filter(origin=VersionOrigin.SIGNED).get())
    assert "Số: 01/STTTT-CNTT" in _text(person_signed)
    assert f"ngày {document.issued_on:%d}" in _text(person_signed)
    assert _fields(person_signed) == {PERSON_FIELD: True, ORGANISATION_FIELD: False}
    assert DocumentRegister.objects.get(direction="outgoing").last_number == 1
    # when: the văn thư applies the organisation's signature, then issues
    outgoing_document_seal(clerk=clerk, document=document)
    document.refresh_from_db()
    assert document.signature_state == SignatureState.FULLY_SIGNED
    sealed = _pdf(document.versions.order_by("-number").first())
    with django_capture_on_commit_callbacks(execute=True):
        services.outgoing_document_issue(clerk=clerk, document=document)
    document.refresh_from_db()
    # then: the issued bytes are the sealed bytes, untouched, with the same number
    issued = _pdf(document.versions.get(origin=VersionOrigin.ISSUED))
    assert issued == sealed
    assert issued.startswith(person_signed)  # only incremental updates after the first signature
    assert document.status == OutgoingStatus.ISSUED
    assert document.number_notation == "01/STTTT-CNTT"
    assert _fields(issued) == {PERSON_FIELD: True, ORGANISATION_FIELD: True}
    # and: the recipient receives the signed PDF and registers it
    copy = IncomingDocument.objects.get(agency=recipient_agency)
    assert copy.status == IncomingStatus.RECEIVED
    incoming_document_accept(clerk=recipient_clerk, document=copy)
    main = IncomingFile.objects.select_related("stored_file", "signature_report").get(document=copy)
    assert stored_file_read(main.stored_file) == issued
    # then: our validator finds both signatures valid, nothing modified after signing
    assert main.signature_verdict == ValidationVerdict.VALID, main.signature_summary
    record = main.signature_report
    assert record is not None
    assert record.agency_id == recipient_agency.pk
    assert [s["field_name"] for s in record.report["signatures"]] == [
        PERSON_FIELD,
        ORGANISATION_FIELD,
    ]
    for signature in record.report["signatures"]:
        assert signature["verdict"] == "valid"
        checks = {check["name"]: check["verdict"] for check in signature["checks"]}
        assert checks["modifications"] == "valid"
        assert checks["integrity"] == "valid"
    entry = AuditEntry.objects.get(action="documents.incoming_accepted", target_id=str(copy.pk))
    assert entry.data["signatures"][0]["verdict"] == "valid"
    # and: so does pyHanko's own validator, with the TEST root as the only trust anchor
    statuses = pyhanko_statuses(stored_file_read(main.stored_file), test_pki)
    assert [name for name, _status in statuses] == [PERSON_FIELD, ORGANISATION_FIELD]
    for _name, status in statuses:
        assert status.bottom_line, status.pretty_print_details()
        assert status.intact
        assert status.valid
        assert status.trusted
        assert status.docmdp_ok
        assert status.modification_level <= ModificationLevel.FORM_FILLING
        assert status.timestamp_validity is not None
        assert status.timestamp_validity.trusted
    assert statuses[0][1].coverage == SignatureCoverageLevel.ENTIRE_REVISION
    assert statuses[1][1].coverage == SignatureCoverageLevel.ENTIRE_FILE


def test_the_organisation_signature_is_refused_before_the_persons(
    submitted: Any, clerk: Any, signer: Any, settings: Any
) -> None:
    # given: a document still in review (the signer has not signed)
    document = submitted()
    # then: the văn thư cannot seal it
    with pytest.raises(InvalidTransition):
        outgoing_document_seal(clerk=clerk, document=document)
    # given: a document approved while no signer was configured (no person signature)
    settings.CONGSO_DOCUMENT_SIGNER = ""
    services.outgoing_step_approve(actor=signer, document=document)
    settings.CONGSO_DOCUMENT_SIGNER = "congso.signatures.documents.PadesDocumentSigner"
    document.refresh_from_db()
    assert document.signature_state == SignatureState.NOT_SIGNED
    # then: sealing is refused, and nothing was written
    with pytest.raises(InvalidTransition) as refused:
        outgoing_document_seal(clerk=clerk, document=document)
    assert refused.value.code == "person_signature_missing"
    document.refresh_from_db()
    assert document.signature_state == SignatureState.NOT_SIGNED
    assert not document.versions.filter(origin=VersionOrigin.SIGNED).exists()


def test_the_signer_library_refuses_an_agency_signature_on_an_unsigned_pdf(
    submitted: Any, clerk: Any
) -> None:
    # given: the final PDF of a document, both fields created, nobody signed
    from congso.signatures.documents import PadesDocumentSigner, with_signature_fields

    document = submitted()
    unsigned = with_signature_fields(_pdf(document.versions.get()), document.signer_full_name)
    # when / then: the agency's key is not used
    with pytest.raises(SigningRefusedError) as refused:
        PadesDocumentSigner().sign_as_agency(document, unsigned, clerk)
    assert refused.value.code == "person_signature_missing"


def test_a_failed_signature_leaves_the_document_unapproved_and_the_number_free(
    submitted: Any, signer: Any, make_draft: Any
) -> None:
    # given: the signer's key is gone
    document = submitted()
    signer.signing_keys.update(is_active=False)
    # when: the signer approves
    with pytest.raises(SigningKeyNotFound):
        services.outgoing_step_approve(actor=signer, document=document)
    # then: nothing happened — no approval, no number taken
    document.refresh_from_db()
    assert document.status == OutgoingStatus.IN_REVIEW
    assert document.code_number is None
    assert not DocumentRegister.objects.filter(last_number__gt=0).exists()


def test_a_signed_document_never_issued_keeps_its_number(
    submitted: Any, signer: Any, clerk: Any
) -> None:
    # given: two documents signed one after the other; only the second is issued
    first, second = submitted(), submitted(subject="Văn bản thứ hai")
    services.outgoing_step_approve(actor=signer, document=first)
    services.outgoing_step_approve(actor=signer, document=second)
    services.outgoing_document_issue(clerk=clerk, document=second)
    # when: a third is signed
    third = submitted(subject="Văn bản thứ ba")
    services.outgoing_step_approve(actor=signer, document=third)
    # then: numbers stay in signing order, without gaps; the first keeps its 01
    numbers = [(d.refresh_from_db(), d.code_number, d.status)[1:] for d in (first, second, third)]
    assert numbers == [
        (1, OutgoingStatus.APPROVED),
        (2, OutgoingStatus.ISSUED),
        (3, OutgoingStatus.APPROVED),
    ]


def test_issuing_a_person_signed_document_applies_the_seal_first(
    submitted: Any, signer: Any, clerk: Any
) -> None:
    # given: signed by the person; the văn thư issues straight away (e.g. through the API)
    document = submitted()
    services.outgoing_step_approve(actor=signer, document=document)
    # when
    services.outgoing_document_issue(clerk=clerk, document=document)
    # then: the issued PDF carries both signatures
    document.refresh_from_db()
    assert document.signature_state == SignatureState.FULLY_SIGNED
    issued = _pdf(document.versions.get(origin=VersionOrigin.ISSUED))
    assert _fields(issued) == {PERSON_FIELD: True, ORGANISATION_FIELD: True}
    entry = AuditEntry.objects.get(action="documents.outgoing_document_issue")
    assert entry.data["sealed_on_issue"] is True
    assert entry.data["numbered_at_signing"] is True


def test_sealing_twice_or_by_someone_else_is_refused(
    submitted: Any, signer: Any, clerk: Any, drafter: Any
) -> None:
    from congso.core.errors import PermissionDenied

    document = submitted()
    services.outgoing_step_approve(actor=signer, document=document)
    with pytest.raises(PermissionDenied):
        outgoing_document_seal(clerk=drafter, document=document)
    outgoing_document_seal(clerk=clerk, document=document)
    with pytest.raises(InvalidTransition) as refused:
        outgoing_document_seal(clerk=clerk, document=document)
    assert refused.value.code == "agency_signature_present"
    assert AuditEntry.objects.filter(action="documents.outgoing_document_seal").count() == 1


def test_the_validation_report_of_a_secret_document_is_private_to_its_checker(
    submitted: Any,
    signer: Any,
    clerk: Any,
    recipient_agency: Any,
    recipient_clerk: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from congso.documents.tests.factories import secrecy

    document = submitted(secrecy=secrecy("mat"))
    services.outgoing_step_approve(actor=signer, document=document)
    with django_capture_on_commit_callbacks(execute=True):
        services.outgoing_document_issue(clerk=clerk, document=document)
    copy = IncomingDocument.objects.get(agency=recipient_agency)
    incoming_document_accept(clerk=recipient_clerk, document=copy)
    record = ValidationRecord.objects.get()
    assert record.verdict == ValidationVerdict.VALID
    assert (record.agency_id, record.requested_by_id) == (None, recipient_clerk.pk)


def test_pdf_attachments_get_the_agency_signature_and_validate_at_the_recipient(
    make_draft: Any,
    drafter: Any,
    reviewer: Any,
    signer: Any,
    clerk: Any,
    recipient_agency: Any,
    recipient_clerk: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from congso.documents.constants import FileRole
    from congso.documents.tests.outgoing.conftest import make_pdf
    from congso.signatures.lib.signing import APPENDIX_FIELD

    # given: a draft with a PDF appendix in a separate file
    document = make_draft()
    services.outgoing_attachment_add(
        actor=drafter,
        document=document,
        stream=BytesIO(make_pdf("Phụ lục: danh sách đơn vị")),
        file_name="phu-luc.pdf",
        role=FileRole.APPENDIX,
    )
    services.outgoing_document_submit(actor=drafter, document=document)
    services.outgoing_step_approve(actor=reviewer, document=document)
    services.outgoing_step_approve(actor=signer, document=document)
    # when: the văn thư seals and issues
    outgoing_document_seal(clerk=clerk, document=document)
    with django_capture_on_commit_callbacks(execute=True):
        services.outgoing_document_issue(clerk=clerk, document=document)
    # then: the appendix carries the agency's text signature with the document's number
    appendix = document.attachments.select_related("stored_file").get()
    signed = stored_file_read(appendix.stored_file)
    assert _fields(signed) == {APPENDIX_FIELD: True}
    record = SigningRecord.objects.get(field_name=APPENDIX_FIELD)
    assert record.document_ref == f"outgoing:{document.pk} 01/STTTT-CNTT"
    assert record.output_sha256 == appendix.stored_file.sha256
    entry = AuditEntry.objects.get(action="documents.outgoing_document_seal")
    assert entry.data["attachments"][0]["signed"] == appendix.stored_file.sha256
    # and: at the recipient both files validate
    copy = IncomingDocument.objects.get(agency=recipient_agency)
    incoming_document_accept(clerk=recipient_clerk, document=copy)
    verdicts = {f.role: f.signature_verdict for f in IncomingFile.objects.filter(document=copy)}
    assert verdicts == {FileRole.MAIN: "valid", FileRole.APPENDIX: "valid"}


def test_an_uploaded_pdf_is_numbered_and_signed_as_uploaded(
    drafter: Any, signer: Any, clerk: Any, test_pki: Any
) -> None:
    from congso.documents.tests.factories import document_type
    from congso.documents.tests.outgoing.conftest import make_pdf
    from congso.signatures.lib.engine import validate_pdf
    from congso.signatures.lib.report import Verdict

    # given: a draft uploaded as a finished PDF, signed directly by its signer
    uploaded = make_pdf("Tờ trình tải lên")
    document = services.outgoing_draft_upload(
        author=drafter,
        document_type=document_type("to_trinh"),
        subject="Tờ trình phê duyệt",
        stream=BytesIO(uploaded),
        file_name="to-trinh.pdf",
        signer=signer,
    )
    services.outgoing_document_submit(actor=drafter, document=document)
    # when
    services.outgoing_step_approve(actor=signer, document=document)
    outgoing_document_seal(clerk=clerk, document=document)
    services.outgoing_document_issue(clerk=clerk, document=document)
    # then: the uploaded bytes were signed unchanged (incremental updates only); the number
    # is in the register and the version's content
    document.refresh_from_db()
    issued = document.versions.get(origin=VersionOrigin.ISSUED)
    data = _pdf(issued)
    assert data.startswith(uploaded)
    assert issued.content["issued_number"] == document.number_notation == "01/TTr-STTTT"
    from congso.signatures import conf

    report = validate_pdf(data, config=conf.validation_config())
    assert report.verdict == Verdict.VALID, report.summary


def test_the_clerk_seals_through_the_api_and_others_are_refused(
    submitted: Any, signer: Any, clerk: Any, drafter: Any
) -> None:
    from rest_framework.test import APIClient

    # given: the competent person has signed
    document = submitted()
    services.outgoing_step_approve(actor=signer, document=document)
    url = f"/api/v1/documents/outgoing/{document.pk}/seal/"
    api = APIClient()
    # when: the drafter tries, then the văn thư seals
    api.force_authenticate(drafter)
    refused = api.post(url)
    api.force_authenticate(clerk)
    sealed = api.post(url)
    # then
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "clerk_required"
    assert sealed.status_code == 200, sealed.content
    document.refresh_from_db()
    assert document.signature_state == SignatureState.FULLY_SIGNED
