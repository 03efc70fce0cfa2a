"""Fixtures for the outgoing-document tests: a Sở under UBND tỉnh, its people, drafts."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from congso.accounts.tests.factories import StaffUserFactory
from congso.core.identity import Role
from congso.documents.services import outgoing as services
from congso.documents.tests.factories import document_type
from congso.organizations.tests.factories import AgencyFactory, PositionFactory


def make_pdf(text: str = "Dự thảo tải lên") -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    page.drawString(72, 760, text)
    page.showPage()
    page.save()
    return buffer.getvalue()


def make_docx(text: str = "Công văn về việc báo cáo") -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Any) -> None:
    """Blobs of each test go to its own temporary folder, never to var/."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.CONGSO_DOCUMENT_SIGNER = ""


@pytest.fixture
def signer(agency: Any) -> Any:
    position = PositionFactory.create(name="Giám đốc", is_leadership=True, rank=30)
    return StaffUserFactory.create(
        agency=agency, position=position, roles=[Role.LEADER], full_name="Phan Văn Hùng"
    )


@pytest.fixture
def clerk(agency: Any) -> Any:
    return StaffUserFactory.create(agency=agency, roles=[Role.CLERK], full_name="Nguyễn Thị Hoa")


@pytest.fixture
def recipient_agency(province: Any) -> Any:
    return AgencyFactory.create(name="Sở Tài chính", abbreviation="STC", parent=province)


@pytest.fixture
def recipient_clerk(recipient_agency: Any) -> Any:
    return StaffUserFactory.create(
        agency=recipient_agency, roles=[Role.CLERK], full_name="Trần Thị Mai"
    )


@pytest.fixture
def make_draft(drafter: Any, reviewer: Any, signer: Any) -> Callable[..., Any]:
    def make(**overrides: Any) -> Any:
        values: dict[str, Any] = {
            "author": drafter,
            "document_type": document_type("cong_van"),
            "subject": "Báo cáo tình hình ứng dụng công nghệ thông tin quý I năm 2020",
            "body": "Thực hiện chỉ đạo của UBND tỉnh, Sở Thông tin và Truyền thông đề nghị "
            "các đơn vị báo cáo tình hình ứng dụng công nghệ thông tin.\nTrân trọng.",
            "addressed_to": "Các sở, ban, ngành",
            "signer": signer,
            "authority_line": "",
            "reviewers": [reviewer],
        }
        values.update(overrides)
        return services.outgoing_draft_create(**values)

    return make


@pytest.fixture
def approved(make_draft: Callable[..., Any], drafter: Any, reviewer: Any, signer: Any) -> Any:
    """A draft taken through its whole circuit: ready for the văn thư."""

    def make(**overrides: Any) -> Any:
        document = make_draft(**overrides)
        services.outgoing_document_submit(actor=drafter, document=document)
        services.outgoing_step_approve(actor=reviewer, document=document)
        services.outgoing_step_approve(actor=signer, document=document)
        document.refresh_from_db()
        return document

    return make


def pdf_of(version: Any) -> bytes:
    """The stored PDF bytes of a version (which must have one)."""
    from congso.documents.services.files import stored_file_read

    assert version.rendered_file is not None
    return stored_file_read(version.rendered_file)


def pdf_text(data: bytes) -> str:
    import unicodedata

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    # Lines wrap where the layout wraps them: compare with whitespace collapsed.
    return " ".join(unicodedata.normalize("NFC", text).split())
