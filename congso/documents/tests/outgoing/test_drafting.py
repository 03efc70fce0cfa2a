"""Drafting: compose, edit into new versions, upload PDF/DOCX, comments, attachments, recipients."""

from __future__ import annotations

import io
import os
from typing import Any

import pytest

from congso.audit.models import AuditEntry
from congso.core.errors import PermissionDenied, ValidationFailed
from congso.documents.constants import OutgoingStatus, RenditionStatus, VersionOrigin
from congso.documents.errors import FileRejected, InvalidTransition, SecretDocumentRule
from congso.documents.models import OutgoingVersion, SecretAccessGrant
from congso.documents.services import outgoing as services
from congso.documents.services.files import blob_path
from congso.documents.services.rendering import render_outgoing_pdf, soffice_path
from congso.documents.tests.factories import document_type, secrecy
from congso.documents.tests.outgoing.conftest import make_docx, make_pdf, pdf_of, pdf_text
from congso.organizations.tests.factories import AgencyFactory, InternalUnitFactory

pytestmark = pytest.mark.django_db


def test_composed_draft_is_rendered_with_placeholders_as_version_one(make_draft: Any) -> None:
    # when
    document = make_draft()
    # then
    version = document.versions.get()
    assert (version.number, version.origin) == (1, VersionOrigin.COMPOSED)
    assert document.status == OutgoingStatus.DRAFT
    text = pdf_text(pdf_of(version))
    assert "Số: …/STTTT-CNTT" in text
    assert "Kon Tum, ngày … tháng … năm …" in text
    assert "V/v Báo cáo tình hình ứng dụng công nghệ thông tin quý I năm 2020" in text
    assert "- Lưu: VT, CNTT." in text
    assert "Phan Văn Hùng" in text
    assert AuditEntry.objects.filter(action="documents.outgoing_draft_create").count() == 1


def test_typed_document_prints_type_name_and_type_notation(make_draft: Any) -> None:
    document = make_draft(document_type=document_type("quyet_dinh"), subject="Ban hành Quy chế")
    text = pdf_text(pdf_of(document.versions.get()))
    assert "Số: …/QĐ-STTTT" in text
    assert "QUYẾT ĐỊNH" in text
    assert "V/v" not in text


def test_every_edit_makes_a_new_version_and_keeps_the_old_bytes(
    make_draft: Any, drafter: Any
) -> None:
    # given
    document = make_draft()
    first = document.versions.get()
    first_bytes = blob_path(first.rendered_file.sha256).read_bytes()
    # when
    second = services.outgoing_draft_update(
        actor=drafter, document=document, body="Nội dung đã sửa theo ý kiến góp ý."
    )
    # then
    assert second.number == 2
    assert second.rendered_file_id != first.rendered_file_id
    first.refresh_from_db()
    assert blob_path(first.rendered_file.sha256).read_bytes() == first_bytes
    assert "Nội dung đã sửa" in pdf_text(pdf_of(second))


def test_re_rendering_version_one_gives_identical_bytes(make_draft: Any, drafter: Any) -> None:
    # given: a draft edited twice
    document = make_draft()
    services.outgoing_draft_update(actor=drafter, document=document, subject="Chủ đề mới")
    version_one = OutgoingVersion.objects.get(document=document, number=1)
    # when
    again = render_outgoing_pdf(version_one.content)
    # then
    assert again == pdf_of(version_one)


def test_only_the_drafter_edits_and_only_a_draft(
    make_draft: Any, reviewer: Any, drafter: Any
) -> None:
    document = make_draft()
    with pytest.raises(PermissionDenied):
        services.outgoing_draft_update(actor=reviewer, document=document, subject="Sửa trộm")
    services.outgoing_document_submit(actor=drafter, document=document)
    with pytest.raises(InvalidTransition):
        services.outgoing_draft_update(actor=drafter, document=document, subject="Quá muộn")
    assert document.versions.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"subject": ""}, "subject"),
        ({"subject": "x" * 501}, "subject"),
        ({"body": "x" * 100_001}, "body"),
        ({"addressed_to": "x" * 501}, "addressed_to"),
        ({"authority_line": "KT. GIÁM ĐỐC"}, None),
    ],
)
def test_missing_or_over_long_fields_are_refused_and_nothing_is_written(
    make_draft: Any, overrides: dict[str, Any], field: str | None
) -> None:
    from django.core.exceptions import ValidationError

    from congso.documents.models import OutgoingDocument

    if field is None:
        document = make_draft(**overrides)
        assert document.pk
        return
    with pytest.raises((ValidationError, ValidationFailed)):
        make_draft(**overrides)
    assert OutgoingDocument.objects.count() == 0


def test_official_letter_without_drafting_unit_cannot_be_numbered(
    make_draft: Any, agency: Any
) -> None:
    from congso.accounts.tests.factories import StaffUserFactory

    loner = StaffUserFactory.create(agency=agency, unit=None)
    with pytest.raises(ValidationFailed) as caught:
        make_draft(author=loner)
    assert caught.value.code == "notation_incomplete"


def test_drafting_unit_must_belong_to_the_agency(make_draft: Any) -> None:
    foreign = InternalUnitFactory.create(abbreviation="XX")
    with pytest.raises(ValidationFailed) as caught:
        make_draft(drafting_unit=foreign)
    assert caught.value.code == "invalid_drafting_unit"


def test_reviewers_and_signer_must_be_staff_of_the_agency(make_draft: Any) -> None:
    from congso.accounts.tests.factories import StaffUserFactory

    outsider = StaffUserFactory.create()
    with pytest.raises(ValidationFailed) as caught:
        make_draft(reviewers=[outsider])
    assert caught.value.code == "invalid_reviewer"
    with pytest.raises(ValidationFailed):
        make_draft(signer=outsider)


def test_uploaded_pdf_is_version_one_as_is(drafter: Any, signer: Any) -> None:
    data = make_pdf("Tờ trình tải lên")
    document = services.outgoing_draft_upload(
        author=drafter,
        document_type=document_type("to_trinh"),
        subject="Tờ trình đề nghị phê duyệt kế hoạch",
        stream=io.BytesIO(data),
        file_name="../../to-trinh.pdf",
        signer=signer,
    )
    version = document.versions.get()
    assert version.origin == VersionOrigin.UPLOADED
    assert pdf_of(version) == data
    assert version.content["file_name"] == "to-trinh.pdf"


def test_upload_of_something_else_than_pdf_or_docx_is_refused(drafter: Any) -> None:
    from congso.documents.models import OutgoingDocument

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    with pytest.raises(FileRejected):
        services.outgoing_draft_upload(
            author=drafter,
            document_type=document_type("cong_van"),
            subject="Ảnh",
            stream=io.BytesIO(png),
            file_name="anh.png",
        )
    assert OutgoingDocument.objects.count() == 0


def test_docx_without_libreoffice_waits_with_a_pending_pdf(
    drafter: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: LibreOffice is not installed
    monkeypatch.setattr("congso.documents.services.rendering.soffice_path", lambda: None)
    # when
    document = services.outgoing_draft_upload(
        author=drafter,
        document_type=document_type("cong_van"),
        subject="Công văn dạng DOCX",
        stream=io.BytesIO(make_docx()),
        file_name="cong-van.docx",
    )
    # then
    version = document.versions.get()
    assert version.rendition_status == RenditionStatus.PENDING
    assert version.rendered_file is None
    assert version.source_file is not None
    assert version.get_rendition_status_display() == "Chờ chuyển sang PDF"


@pytest.mark.skipif(
    soffice_path() is None and os.environ.get("CONGSO_REQUIRE_SOFFICE") != "1",
    reason="LibreOffice (soffice) is not installed; DOCX conversion is not exercised",
)
def test_docx_is_converted_to_pdf_with_libreoffice(drafter: Any) -> None:
    document = services.outgoing_draft_upload(
        author=drafter,
        document_type=document_type("cong_van"),
        subject="Công văn dạng DOCX",
        stream=io.BytesIO(make_docx("Kính gửi các sở, ban, ngành")),
        file_name="cong-van.docx",
    )
    version = document.versions.get()
    assert version.rendition_status == RenditionStatus.READY
    assert version.rendered_file is not None
    assert version.rendered_file.media_type == "application/pdf"
    assert "Kính gửi các sở, ban, ngành" in pdf_text(pdf_of(version))


@pytest.mark.skipif(soffice_path() is None, reason="LibreOffice (soffice) is not installed")
def test_pending_conversion_is_completed_later(
    drafter: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patch:
        patch.setattr("congso.documents.services.rendering.soffice_path", lambda: None)
        document = services.outgoing_draft_upload(
            author=drafter,
            document_type=document_type("cong_van"),
            subject="Công văn dạng DOCX",
            stream=io.BytesIO(make_docx()),
            file_name="cong-van.docx",
        )
    version = services.outgoing_version_convert(version=document.versions.get())
    assert version.rendition_status == RenditionStatus.READY
    assert version.rendered_file is not None


def test_comments_and_attachments_are_kept_with_the_draft(
    make_draft: Any, drafter: Any, reviewer: Any
) -> None:
    document = make_draft()
    comment = services.outgoing_comment_add(author=reviewer, document=document, text="Sửa đoạn 2.")
    attachment = services.outgoing_attachment_add(
        actor=drafter, document=document, stream=io.BytesIO(make_pdf("Phụ lục")), file_name="pl.pdf"
    )
    assert comment.version is not None
    assert comment.version.number == 1
    assert attachment.ordinal == 1
    with pytest.raises(ValidationFailed):
        services.outgoing_comment_add(author=reviewer, document=document, text="   ")


def test_recipients_are_agencies_of_the_tree_or_named_outside_bodies(
    make_draft: Any, drafter: Any, recipient_agency: Any, agency: Any
) -> None:
    document = make_draft()
    spec = services.RecipientSpec
    rows = services.outgoing_recipients_set(
        actor=drafter,
        document=document,
        recipients=[
            spec(agency=recipient_agency),
            spec(agency=recipient_agency),
            spec(name="Bộ Thông tin và Truyền thông", organ_id="000.00.00.G12"),
        ],
    )
    assert [r.name for r in rows] == ["Sở Tài chính", "Bộ Thông tin và Truyền thông"]
    for bad in (
        [spec(agency=agency)],
        [spec(agency=InternalUnitFactory.create(parent=recipient_agency))],
        [spec(name="")],
        [spec(name="X", organ_id="1" * 14)],
    ):
        with pytest.raises(ValidationFailed):
            services.outgoing_recipients_set(actor=drafter, document=document, recipients=bad)
    assert document.recipients.count() == 2


def test_secret_draft_refuses_outside_recipients_and_grants_its_drafter(
    make_draft: Any, drafter: Any
) -> None:
    spec = services.RecipientSpec
    with pytest.raises(SecretDocumentRule):
        make_draft(secrecy=secrecy("mat"), recipients=[spec(name="Báo Kon Tum")])
    document = make_draft(secrecy=secrecy("mat"), recipients=[spec(agency=AgencyFactory.create())])
    assert document.is_secret
    assert SecretAccessGrant.objects.filter(outgoing=document, user=drafter).exists()
    with pytest.raises(SecretDocumentRule):
        services.outgoing_recipients_set(
            actor=drafter, document=document, recipients=[spec(name="Báo Kon Tum")]
        )
