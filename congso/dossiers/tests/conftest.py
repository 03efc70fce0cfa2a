"""Fixtures of the dossiers tests: uploaded files land in a throw-away MEDIA_ROOT."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


class Clock:
    """A settable `timezone.now` (local Asia/Ho_Chi_Minh times are given as tuples)."""

    def __init__(self) -> None:
        from datetime import datetime

        from congso.workdays.calendar import LOCAL_TZ

        self.tz = LOCAL_TZ
        self.now = datetime(2020, 3, 2, 9, 0, tzinfo=LOCAL_TZ)

    def set(self, year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> Any:
        from datetime import datetime

        self.now = datetime(year, month, day, hour, minute, tzinfo=self.tz)
        return self.now


@pytest.fixture
def clock(monkeypatch: Any) -> Clock:
    from django.utils import timezone

    current = Clock()
    monkeypatch.setattr(timezone, "now", lambda: current.now)
    return current


@pytest.fixture
def desk_agency() -> Any:
    from congso.procedures.tests.factories import CommuneCommitteeFactory

    return CommuneCommitteeFactory(
        name="UBND phường Quyết Thắng", code_qcvn102="000.01.22.H34", code_qd20=None
    )


@pytest.fixture
def other_agency() -> Any:
    from congso.organizations.tests.factories import AgencyFactory

    return AgencyFactory(
        name="Phòng Tư pháp thành phố Kon Tum", code_qcvn102="000.02.22.H34", code_qd20=None
    )


@pytest.fixture
def desk_officer(desk_agency: Any) -> Any:
    from congso.accounts.tests.factories import StaffUserFactory
    from congso.core.identity import Role

    return StaffUserFactory(
        agency=desk_agency, roles=[Role.ONE_STOP_OFFICER], full_name="Lê Thị Một Cửa"
    )


@pytest.fixture
def specialist(desk_agency: Any) -> Any:
    from congso.accounts.tests.factories import StaffUserFactory
    from congso.core.identity import Role

    return StaffUserFactory(
        agency=desk_agency, roles=[Role.SPECIALIST], full_name="Trần Văn Chuyên"
    )


@pytest.fixture
def leader(desk_agency: Any) -> Any:
    from congso.accounts.tests.factories import StaffUserFactory
    from congso.core.identity import Role

    return StaffUserFactory(agency=desk_agency, roles=[Role.LEADER], full_name="Phạm Văn Lãnh Đạo")


@pytest.fixture
def other_officer(other_agency: Any) -> Any:
    from congso.accounts.tests.factories import StaffUserFactory
    from congso.core.identity import Role

    return StaffUserFactory(
        agency=other_agency, roles=[Role.SPECIALIST], full_name="Võ Thị Liên Thông"
    )


@pytest.fixture
def citizen() -> Any:
    from congso.accounts.tests.factories import CitizenUserFactory

    return CitizenUserFactory(full_name="Nguyễn Văn Dân")


@pytest.fixture
def procedure(desk_agency: Any) -> Any:
    """3 working days; one-stop check, specialist, (no other agency), leader signs."""
    from decimal import Decimal

    from congso.core.identity import Role
    from congso.procedures.tests.factories import ProcedureFactory, ProcessStepFactory

    proc = ProcedureFactory(receiving_agencies=[desk_agency], steps=0, processing_days=Decimal("3"))
    for order, (name, days, role) in enumerate(
        [
            ("Tiếp nhận, chuyển hồ sơ", "0.5", Role.ONE_STOP_OFFICER),
            ("Thẩm định hồ sơ", "2", Role.SPECIALIST),
            ("Phê duyệt, ký kết quả", "0.5", Role.LEADER),
        ],
        start=1,
    ):
        ProcessStepFactory(procedure=proc, order=order, name=name, days=Decimal(days), role=role)
    return proc


@pytest.fixture
def inter_procedure(desk_agency: Any, other_agency: Any) -> Any:
    """Liên thông: desk, specialist, the other agency's part, leader signs."""
    from decimal import Decimal

    from congso.core.identity import Role
    from congso.procedures.tests.factories import ProcedureFactory, ProcessStepFactory

    proc = ProcedureFactory(
        receiving_agencies=[desk_agency],
        steps=0,
        processing_days=Decimal("5"),
        is_inter_agency=True,
    )
    steps = [
        ("Tiếp nhận, chuyển hồ sơ", "0.5", Role.ONE_STOP_OFFICER, None),
        ("Thẩm định hồ sơ", "1.5", Role.SPECIALIST, None),
        ("Xác nhận của Phòng Tư pháp", "2", Role.SPECIALIST, other_agency),
        ("Phê duyệt, ký kết quả", "1", Role.LEADER, None),
    ]
    for order, (name, days, role, agency) in enumerate(steps, start=1):
        ProcessStepFactory(
            procedure=proc, order=order, name=name, days=Decimal(days), role=role, agency=agency
        )
    return proc


def pdf_upload(name: str = "to-khai.pdf", data: bytes | None = None) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from congso.dossiers.tests.factories import MINIMAL_PDF

    return SimpleUploadedFile(name, data if data is not None else MINIMAL_PDF, "application/pdf")
