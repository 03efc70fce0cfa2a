"""Fixtures for the incoming-document tests: an agency with its people, PDFs made on the spot."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from congso.accounts.tests.factories import StaffUserFactory
from congso.core.identity import Role
from congso.documents.services.incoming import IncomingData, Upload, incoming_document_register
from congso.documents.tests.factories import document_type
from congso.organizations.tests.factories import AgencyFactory, InternalUnitFactory, PositionFactory


def make_pdf(text: str = "Quyết định số 05/QĐ-UBND", pages: int = 1) -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    for number in range(pages):
        page.drawString(72, 760, f"{text} — trang {number + 1}")
        page.showPage()
    page.save()
    return buffer.getvalue()


def upload(data: bytes | None = None, name: str = "van-ban.pdf") -> Upload:
    return Upload(name=name, stream=io.BytesIO(make_pdf() if data is None else data))


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Any) -> None:
    """Blobs of each test go to its own temporary folder, never to var/."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def agency() -> Any:
    return AgencyFactory.create(name="Sở Thông tin và Truyền thông", abbreviation="STTTT")


@pytest.fixture
def unit(agency: Any) -> Any:
    return InternalUnitFactory.create(parent=agency, name="Phòng Công nghệ thông tin")


@pytest.fixture
def other_unit(agency: Any) -> Any:
    return InternalUnitFactory.create(parent=agency, name="Văn phòng Sở")


@pytest.fixture
def clerk(agency: Any) -> Any:
    return StaffUserFactory.create(
        agency=agency, roles=[Role.CLERK], full_name="Nguyễn Thị Hoa", email="hoa@example.vn"
    )


@pytest.fixture
def leader(agency: Any) -> Any:
    return StaffUserFactory.create(
        agency=agency, roles=[Role.LEADER], full_name="Phan Văn Hùng", email="hung@example.vn"
    )


@pytest.fixture
def unit_head(agency: Any, unit: Any) -> Any:
    position = PositionFactory.create(name="Trưởng phòng", is_leadership=True, rank=70)
    return StaffUserFactory.create(
        agency=agency,
        unit=unit,
        position=position,
        roles=[Role.SPECIALIST],
        full_name="Lê Trưởng Phòng",
        email="truongphong@example.vn",
    )


@pytest.fixture
def specialist(agency: Any, unit: Any) -> Any:
    return StaffUserFactory.create(
        agency=agency,
        unit=unit,
        roles=[Role.SPECIALIST],
        full_name="Võ Thị Lan",
        email="lan@example.vn",
    )


@pytest.fixture
def colleague(agency: Any, unit: Any) -> Any:
    return StaffUserFactory.create(
        agency=agency, unit=unit, roles=[Role.SPECIALIST], full_name="Đỗ Văn Phối Hợp"
    )


def incoming_data(**overrides: Any) -> IncomingData:
    values: dict[str, Any] = {
        "document_type": document_type("cong_van"),
        "issued_on": date(2020, 1, 6),
        "subject": "V/v triển khai nhiệm vụ chuyển đổi số năm 2020",
        "organ_name": "UBND tỉnh Kon Tum",
        "code_number": "05",
        "code_notation": "UBND-VX",
        "signer_position": "Chủ tịch",
        "signer_full_name": "Đỗ Minh Thành",
    }
    values.update(overrides)
    return IncomingData(**values)


@pytest.fixture
def register(clerk: Any) -> Callable[..., Any]:
    """Register a document as `clerk` (a fresh PDF each call unless `main_file` is given)."""

    counter = iter(range(1, 10_000))

    def do(**overrides: Any) -> Any:
        n = next(counter)
        actor = overrides.pop("clerk", clerk)
        main_file = overrides.pop("main_file", None) or upload(make_pdf(f"Văn bản {n}"))
        allow = overrides.pop("allow_duplicate", False)
        overrides.setdefault("code_number", f"{n:02d}")
        return incoming_document_register(
            clerk=actor, data=incoming_data(**overrides), main_file=main_file, allow_duplicate=allow
        ).document

    return do
