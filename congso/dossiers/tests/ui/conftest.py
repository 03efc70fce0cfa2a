"""A one-stop desk with its officer, a procedure it receives and a logged-in test client."""

from __future__ import annotations

from typing import Any

import pytest

from congso.accounts.tests.factories import StaffUserFactory
from congso.core.identity import Role
from congso.dossiers.tests.factories import DossierFactory
from congso.organizations.tests.factories import AgencyFactory
from congso.procedures.tests.factories import ProcedureFactory


@pytest.fixture
def desk() -> Any:
    province = AgencyFactory(name="UBND tỉnh Kon Tum")
    return AgencyFactory(name="UBND xã Đăk Năng", parent=province, place_name="Kon Tum")


@pytest.fixture
def procedure(desk: Any) -> Any:
    return ProcedureFactory(name="Đăng ký khai sinh", receiving_agencies=[desk])


@pytest.fixture
def officer(desk: Any) -> Any:
    return StaffUserFactory(
        agency=desk, full_name="Trần Văn Minh", roles=[Role.ONE_STOP_OFFICER, Role.SPECIALIST]
    )


@pytest.fixture
def leader(desk: Any) -> Any:
    return StaffUserFactory(agency=desk, full_name="Lê Văn Hòa", roles=[Role.LEADER])


@pytest.fixture
def desk_client(client: Any, officer: Any) -> Any:
    client.force_login(officer)
    return client


@pytest.fixture
def online_dossier(procedure: Any, desk: Any) -> Any:
    """Submitted online, waiting at the desk."""
    return DossierFactory(
        procedure=procedure,
        receiving_agency=desk,
        handling_agency=desk,
        applicant_name="Nguyễn Thị Hương",
    )
