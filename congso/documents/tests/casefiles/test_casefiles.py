"""Case files: building them in order, the fields the system fills, exports and access."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from pypdf import PdfReader
from reportlab.pdfgen import canvas

from congso.accounts.tests.factories import StaffUserFactory
from congso.audit.models import AuditEntry
from congso.core.errors import NotFound, PermissionDenied, ValidationFailed
from congso.core.identity import Role
from congso.documents.constants import Direction
from congso.documents.errors import DocumentNotFound
from congso.documents.models import DocumentRegister, IncomingFile, SecretAccessGrant
from congso.documents.selectors.casefiles import (
    case_file_documents,
    case_file_summary,
    case_files_list,
)
from congso.documents.services.casefiles import (
    CaseFileClosed,
    CaseFileData,
    case_file_add_document,
    case_file_close,
    case_file_create,
    case_file_export,
    case_file_remove_document,
    case_file_reorder,
)
from congso.documents.services.files import stored_file_put_bytes
from congso.documents.tests.factories import (
    IncomingDocumentFactory,
    OutgoingDocumentFactory,
    secrecy,
)
from congso.organizations.tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency():
    return AgencyFactory.create(name="Sở Thông tin và Truyền thông", code_qcvn102="000.00.11.H34")


@pytest.fixture
def clerk(agency):
    return StaffUserFactory.create(agency=agency, roles=[Role.CLERK])


@pytest.fixture
def incoming(agency, clerk):
    books = {
        s: DocumentRegister.objects.create(
            agency=agency, year=2020, direction=Direction.INCOMING, is_secret=s
        )
        for s in (False, True)
    }

    def make(**fields):
        secret = fields.pop("secret", False)
        if secret:
            fields.update(is_secret=True, secrecy=secrecy("mat"))
        fields.setdefault("agency", agency)
        fields.setdefault("register", books[secret])
        return IncomingDocumentFactory.create(**fields)

    return make


def _pdf(pages: int, text: str) -> bytes:
    buffer = io.BytesIO()
    drawing = canvas.Canvas(buffer)
    for page in range(pages):
        drawing.drawString(100, 700, f"{text} {page + 1}")
        drawing.showPage()
    drawing.save()
    return buffer.getvalue()


def _open(user, notation="01.TH", **changes):
    data = CaseFileData(
        notation=notation,
        title="Hồ sơ triển khai Đề án chuyển đổi số năm 2020",
        maintenance="Vĩnh viễn",
        rights="Hạn chế",
        year=2020,
    )
    for key, value in changes.items():
        data = CaseFileData(**{**data.__dict__, key: value})
    return case_file_create(user=user, data=data)


def _ordered(case_file):
    return [(d.ordinal, d.document_id) for d in case_file_documents(case_file)]


def test_documents_take_the_next_ordinal(clerk, incoming):
    # given
    case_file = _open(clerk)
    first, second = incoming(), incoming()
    outgoing = OutgoingDocumentFactory.create(agency=clerk.agency)
    # when
    for direction, document in (("incoming", first), ("outgoing", outgoing), ("incoming", second)):
        case_file_add_document(
            user=clerk, case_file_id=case_file.pk, direction=direction, document_id=document.pk
        )
    # then
    documents = case_file_documents(case_file)
    assert [(d.ordinal, d.direction, d.document_id) for d in documents] == [
        (1, "incoming", first.pk),
        (2, "outgoing", outgoing.pk),
        (3, "incoming", second.pk),
    ]
    assert AuditEntry.objects.filter(action="documents.case_file_document_added").count() == 3


def test_the_system_fills_organ_id_catalog_and_totals(clerk, incoming):
    # given
    case_file = _open(clerk)
    for pages in (3, 4):
        document = incoming(page_amount=pages)
        case_file_add_document(
            user=clerk, case_file_id=case_file.pk, direction="incoming", document_id=document.pk
        )
    # when
    summary = case_file_summary(case_file, case_file_documents(case_file))
    # then
    assert (summary.organ_id, summary.file_catalog, summary.file_notation) == (
        "000.00.11.H34",
        2020,
        "01.TH",
    )
    assert summary.file_code == "000.00.11.H34.2020.01.TH"
    assert (summary.doc_total, summary.page_total) == (2, 7)


def test_a_notation_is_unique_per_agency_and_year(clerk):
    # given
    _open(clerk, notation="05.VP")
    # when / then
    with pytest.raises(ValidationFailed) as error:
        _open(clerk, notation="05.vp")
    assert error.value.code == "case_file_notation_taken"
    assert _open(clerk, notation="05.VP", year=2021).year == 2021


@pytest.mark.parametrize(
    "changes", [{"title": ""}, {"notation": "X" * 21}, {"maintenance": "y" * 31}, {"rights": ""}]
)
def test_bad_fields_are_refused(clerk, changes):
    # when / then
    with pytest.raises(DjangoValidationError):
        _open(clerk, **changes)


def test_an_impossible_year_is_refused(clerk):
    with pytest.raises(ValidationFailed):
        _open(clerk, year=1800)


def test_the_same_document_goes_in_once(clerk, incoming):
    # given
    case_file = _open(clerk)
    document = incoming()
    case_file_add_document(
        user=clerk, case_file_id=case_file.pk, direction="incoming", document_id=document.pk
    )
    # when / then
    with pytest.raises(ValidationFailed) as error:
        case_file_add_document(
            user=clerk, case_file_id=case_file.pk, direction="incoming", document_id=document.pk
        )
    assert error.value.code == "already_in_case_file"


def test_a_document_the_user_may_not_read_cannot_be_added(clerk, incoming):
    # given
    case_file = _open(clerk)
    secret = incoming(secret=True)
    foreign = IncomingDocumentFactory.create()
    # when / then
    for document in (secret, foreign):
        with pytest.raises(DocumentNotFound):
            case_file_add_document(
                user=clerk, case_file_id=case_file.pk, direction="incoming", document_id=document.pk
            )


def test_reorder_and_remove_keep_ordinals_dense(clerk, incoming):
    # given
    case_file = _open(clerk)
    docs = [incoming() for _ in range(3)]
    items = [
        case_file_add_document(
            user=clerk, case_file_id=case_file.pk, direction="incoming", document_id=d.pk
        )
        for d in docs
    ]
    # when
    case_file_reorder(
        user=clerk, case_file_id=case_file.pk, item_ids=[items[2].pk, items[0].pk, items[1].pk]
    )
    reordered = _ordered(case_file)
    case_file_remove_document(user=clerk, case_file_id=case_file.pk, item_id=items[2].pk)
    # then
    assert reordered == [(1, docs[2].pk), (2, docs[0].pk), (3, docs[1].pk)]
    assert _ordered(case_file) == [(1, docs[0].pk), (2, docs[1].pk)]


@pytest.mark.parametrize("order", ["empty", "dup", "missing", "foreign"])
def test_a_bad_order_is_refused(clerk, incoming, order):
    # given
    case_file = _open(clerk)
    items = [
        case_file_add_document(
            user=clerk, case_file_id=case_file.pk, direction="incoming", document_id=incoming().pk
        )
        for _ in range(2)
    ]
    ids = {
        "dup": [items[0].pk, items[0].pk],
        "missing": [items[0].pk],
        "foreign": [items[0].pk, 999_999],
    }.get(order, [])
    # when / then
    with pytest.raises(ValidationFailed):
        case_file_reorder(user=clerk, case_file_id=case_file.pk, item_ids=ids)


def test_a_closed_file_takes_no_more_changes(clerk, incoming):
    # given
    case_file = _open(clerk)
    case_file_add_document(
        user=clerk, case_file_id=case_file.pk, direction="incoming", document_id=incoming().pk
    )
    # when
    closed = case_file_close(user=clerk, case_file_id=case_file.pk)
    # then
    assert closed.is_closed
    assert closed.end_on is not None
    with pytest.raises(CaseFileClosed):
        case_file_add_document(
            user=clerk, case_file_id=case_file.pk, direction="incoming", document_id=incoming().pk
        )


def test_an_empty_file_cannot_be_closed(clerk):
    case_file = _open(clerk)
    with pytest.raises(ValidationFailed):
        case_file_close(user=clerk, case_file_id=case_file.pk)


def test_only_the_creator_or_agency_wide_roles_edit(agency, clerk, incoming):
    # given
    case_file = _open(clerk)
    colleague = StaffUserFactory.create(agency=agency, roles=[Role.SPECIALIST])
    # when / then
    with pytest.raises(PermissionDenied):
        case_file_reorder(user=colleague, case_file_id=case_file.pk, item_ids=[])


def test_the_xml_export_uses_the_standard_names_and_escapes(clerk, incoming):
    # given
    case_file = _open(clerk, title="Hồ sơ <đặc biệt> & \x01khẩn")
    document = incoming(subject="Công văn về việc A & B", page_amount=2)
    case_file_add_document(
        user=clerk, case_file_id=case_file.pk, direction="incoming", document_id=document.pk
    )
    # when
    exported = case_file_export(user=clerk, case_file_id=case_file.pk, fmt="xml")
    # then
    assert exported.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    root = ET.fromstring(exported.content)  # noqa: S314 - our own output
    assert root.tag == "File"
    assert root.findtext("FileCode/OrganId") == "000.00.11.H34"
    assert root.findtext("FileCode/FileCatalog") == "2020"
    assert root.findtext("Title") == "Hồ sơ <đặc biệt> & khẩn"
    assert root.findtext("DocTotal") == "1"
    assert root.findtext("PageTotal") == "2"
    item = root.find("Documents/Document")
    assert item is not None
    assert item.get("direction") == "incoming"
    assert item.findtext("DocOrdinal") == "1"
    assert item.findtext("Subject") == "Công văn về việc A & B"
    assert item.findtext("IssuedDate") == "2020-01-06"
    assert item.findtext("ArrivalNumber") == str(document.arrival_number)
    assert "Hồ sơ".encode() in exported.content
    assert AuditEntry.objects.filter(action="documents.case_file_exported").exists()


def test_the_pdf_export_has_contents_then_the_documents(clerk, incoming, settings, tmp_path):
    # given
    settings.MEDIA_ROOT = tmp_path
    case_file = _open(clerk)
    document = incoming(subject="Kế hoạch ứng dụng CNTT ở Sa Thầy")
    stored = stored_file_put_bytes(data=_pdf(2, "NOI DUNG VAN BAN"))
    IncomingFile.objects.create(document=document, stored_file=stored, name="kh.pdf", role="main")
    without_pdf = incoming(subject="Giấy mời không có tệp")
    for doc in (document, without_pdf):
        case_file_add_document(
            user=clerk, case_file_id=case_file.pk, direction="incoming", document_id=doc.pk
        )
    # when
    exported = case_file_export(user=clerk, case_file_id=case_file.pk, fmt="pdf")
    # then
    reader = PdfReader(io.BytesIO(exported.content))
    cover = reader.pages[0].extract_text()
    assert "MỤC LỤC VĂN BẢN TRONG HỒ SƠ" in cover
    assert "Kế hoạch ứng dụng CNTT ở Sa Thầy" in cover
    assert "Giấy mời không có tệp" in cover
    assert len(reader.pages) == 3
    assert "NOI DUNG VAN BAN 2" in reader.pages[-1].extract_text()
    assert exported.media_type == "application/pdf"
    assert b"/FontFile2" in exported.content


def test_a_file_with_a_secret_document_is_hidden_from_readers_without_a_grant(
    agency, clerk, incoming
):
    # given
    case_file = _open(clerk)
    secret = incoming(secret=True, subject="Văn bản mật")
    SecretAccessGrant.objects.create(incoming=secret, user=clerk, granted_by=clerk)
    case_file_add_document(
        user=clerk, case_file_id=case_file.pk, direction="incoming", document_id=secret.pk
    )
    colleague = StaffUserFactory.create(agency=agency, roles=[Role.CLERK, Role.LEADER])
    # when / then
    for fmt in ("pdf", "xml"):
        with pytest.raises(NotFound) as error:
            case_file_export(user=colleague, case_file_id=case_file.pk, fmt=fmt)
        assert "không được xem" in error.value.message
    assert list(case_files_list(user=colleague)) == []
    assert list(case_files_list(user=clerk)) == [case_file]
    assert case_file_export(user=clerk, case_file_id=case_file.pk, fmt="xml").content


def test_another_agency_does_not_see_the_file(clerk):
    # given
    case_file = _open(clerk)
    stranger = StaffUserFactory.create(roles=[Role.CLERK])
    # when / then
    with pytest.raises(NotFound):
        case_file_export(user=stranger, case_file_id=case_file.pk, fmt="xml")
    with pytest.raises(NotFound):
        case_file_close(user=stranger, case_file_id=case_file.pk)


def test_an_unknown_format_is_refused(clerk):
    case_file = _open(clerk)
    with pytest.raises(ValidationFailed):
        case_file_export(user=clerk, case_file_id=case_file.pk, fmt="docx")
