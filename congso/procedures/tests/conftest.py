"""Fixtures for the procedure catalogue tests."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from congso.organizations.demo import kontum_demo_load
from congso.organizations.tests.factories import AgencyFactory
from congso.procedures.tests.factories import CommuneCommitteeFactory


@pytest.fixture
def kontum(db: Any) -> None:
    """The Kon Tum demo organisation (UBND tỉnh, sở, TTPVHCC, every UBND huyện/xã)."""
    kontum_demo_load()


@pytest.fixture
def desks(db: Any) -> dict[str, Any]:
    """Two commune desks and one other agency, for small import documents."""
    return {
        "xa1": CommuneCommitteeFactory(code_qcvn102="000.01.31.H34"),
        "xa2": CommuneCommitteeFactory(code_qcvn102="000.02.31.H34"),
        "so": AgencyFactory(code_qcvn102="000.00.03.H34", code_qd20=None, name="Sở Tư pháp"),
    }


VALID_PROCEDURE: dict[str, Any] = {
    "code": "1.001193.000.00.00.H34",
    "national_code": "1.001193",
    "name": "Đăng ký khai sinh",
    "field": "LV-HOTICH",
    "level": "xa",
    "online_level": 3,
    "processing_days": "1.0",
    "fee_text": "Miễn lệ phí",
    "fee_amount": 0,
    "result_name": "Giấy khai sinh",
    "legal_basis": "Luật Hộ tịch năm 2014",
    "applicant_types": ["citizen"],
    "is_inter_agency": False,
    "form_schema": {
        "type": "object",
        "required": ["ho_ten"],
        "properties": {"ho_ten": {"type": "string", "title": "Họ, chữ đệm, tên"}},
    },
    "receiving_agencies": ["kind:ubnd_xa"],
    "components": [
        {"code": "TP1", "name": "Tờ khai đăng ký khai sinh", "originals": 1, "copies": 0},
        {"code": "TP2", "name": "Giấy chứng sinh", "is_required": True},
    ],
    "steps": [
        {"order": 1, "name": "Tiếp nhận", "days": "0.5", "role": "one_stop_officer"},
        {"order": 2, "name": "Ký, trả kết quả", "days": "0.5", "role": "leader"},
    ],
}


@pytest.fixture
def valid_procedure() -> dict[str, Any]:
    return copy.deepcopy(VALID_PROCEDURE)


@pytest.fixture(autouse=True)
def _urlconf(settings: Any) -> None:
    """Use the project URLconf; fall back to this app's while other apps are half-built."""
    try:
        import config.urls  # noqa: F401
    except ImportError:
        settings.ROOT_URLCONF = "congso.procedures.tests.urls"
