"""Fixtures of the portal tests: a fee-charging procedure with a typed form, a citizen, media."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

FORM_SCHEMA = {
    "type": "object",
    "required": ["ho_ten_chu_ho", "ngay_sinh", "so_tang", "loai_cong_trinh"],
    "properties": {
        "ho_ten_chu_ho": {"type": "string", "title": "Họ tên chủ hộ", "maxLength": 100},
        "ngay_sinh": {"type": "string", "format": "date", "title": "Ngày sinh"},
        "so_tang": {"type": "integer", "title": "Số tầng", "minimum": 1, "maximum": 7},
        "loai_cong_trinh": {
            "type": "string",
            "title": "Loại công trình",
            "enum": ["nha_o", "cua_hang"],
            "enumNames": ["Nhà ở riêng lẻ", "Cửa hàng"],
        },
        "co_tang_ham": {"type": "boolean", "title": "Có tầng hầm"},
        "dia_chi_cong_trinh": {
            "type": "object",
            "title": "Địa chỉ công trình",
            "required": ["xa"],
            "properties": {"xa": {"type": "string", "title": "Xã, phường"}},
        },
    },
}


@pytest.fixture(autouse=True)
def _media_and_cache(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def desk_agency() -> Any:
    from congso.procedures.tests.factories import CommuneCommitteeFactory

    return CommuneCommitteeFactory(
        name="UBND xã Đăk Hring", code_qcvn102="000.07.22.H34", code_qd20=None
    )


@pytest.fixture
def procedure(desk_agency: Any) -> Any:
    from congso.procedures.tests.factories import ProcedureFactory

    return ProcedureFactory(
        name="Cấp giấy phép xây dựng nhà ở riêng lẻ",
        receiving_agencies=[desk_agency],
        fee_amount=75_000,
        fee_text="75.000 đồng",
        form_schema=FORM_SCHEMA,
    )


@pytest.fixture
def free_procedure(desk_agency: Any) -> Any:
    from congso.procedures.tests.factories import ProcedureFactory

    return ProcedureFactory(receiving_agencies=[desk_agency], components=1)


@pytest.fixture
def citizen() -> Any:
    from congso.accounts.tests.factories import CitizenUserFactory

    return CitizenUserFactory(full_name="Y Blốc", email="ybloc@example.vn")


@pytest.fixture
def citizen_client(client: Any, citizen: Any) -> Any:
    client.force_login(citizen)
    return client


VALID_FORM = {
    "applicant_name": "Y Blốc",
    "applicant_email": "ybloc@example.vn",
    "result_channel": "online",
    "ho_ten_chu_ho": "Y Blốc",
    "ngay_sinh": "1990-05-17",
    "so_tang": "3",
    "loai_cong_trinh": "nha_o",
    "co_tang_ham": "on",
    "dia_chi_cong_trinh__xa": "Xã Đăk Hring",
}


def pdf_upload(name: str = "ban-ve.pdf", data: bytes | None = None) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from congso.dossiers.tests.factories import MINIMAL_PDF

    return SimpleUploadedFile(name, data if data is not None else MINIMAL_PDF, "application/pdf")
