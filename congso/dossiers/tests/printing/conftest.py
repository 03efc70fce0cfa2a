"""Plain data for the form renderers: no database, no Django."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from congso.dossiers.printing import AgencyHeader, Applicant, ComponentLine, ReceiptData

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page (pypdf reads the ToUnicode maps of the embedded subset font)."""
    assert data.startswith(b"%PDF-")
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def flat(text: str) -> str:
    """Line breaks inside a paragraph become spaces, so phrases can be searched whole."""
    return " ".join(text.split())


@pytest.fixture
def agency() -> AgencyHeader:
    return AgencyHeader(
        name="Trung tâm Phục vụ hành chính công tỉnh",
        parent_name="UBND tỉnh Kon Tum",
        unit_name="Bộ phận tiếp nhận và trả kết quả",
        place="Kon Tum",
    )


@pytest.fixture
def applicant() -> Applicant:
    return Applicant(
        name="Nguyễn Thị Hương",
        address="12 Lê Lợi, phường Quyết Thắng, thành phố Kon Tum",
        phone="0905123456",
        email="huong@example.vn",
    )


@pytest.fixture
def receipt(agency: AgencyHeader, applicant: Applicant) -> ReceiptData:
    return ReceiptData(
        agency=agency,
        dossier_code="000.00.36.H34-200305-0007",
        applicant=applicant,
        request="Cấp giấy phép xây dựng nhà ở riêng lẻ",
        components=[
            ComponentLine("Đơn đề nghị cấp giấy phép xây dựng", originals=1),
            ComponentLine("Bản vẽ thiết kế xây dựng", originals=2, copies=1),
        ],
        processing_days=Decimal("15.0"),
        received_at=datetime(2020, 3, 5, 9, 30, tzinfo=VN),
        due_at=datetime(2020, 3, 26, 9, 30, tzinfo=VN),
        number="07",
        result_channel="Bộ phận tiếp nhận và trả kết quả",
        register_book="01",
        register_seq="7",
        receiver_name="Trần Văn Minh",
        lookup_secret="K7Q2",
        issued_on=date(2020, 3, 5),
    )
