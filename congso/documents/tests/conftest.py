"""Fixtures shared by the documents tests: an agency under the province, a unit, a drafter and
a reviewer (the incoming and search tests define their own where they need others)."""

from __future__ import annotations

from typing import Any

import pytest

from congso.accounts.tests.factories import StaffUserFactory
from congso.core.identity import Role
from congso.organizations.tests.factories import (
    AgencyFactory,
    InternalUnitFactory,
    PositionFactory,
)


@pytest.fixture
def province() -> Any:
    return AgencyFactory.create(name="UBND tỉnh Kon Tum", abbreviation="UBND")


@pytest.fixture
def agency(province: Any) -> Any:
    return AgencyFactory.create(
        name="Sở Thông tin và Truyền thông", abbreviation="STTTT", parent=province
    )


@pytest.fixture
def unit(agency: Any) -> Any:
    return InternalUnitFactory.create(
        parent=agency, name="Phòng Công nghệ thông tin", abbreviation="CNTT"
    )


@pytest.fixture
def drafter(agency: Any, unit: Any) -> Any:
    return StaffUserFactory.create(
        agency=agency, unit=unit, roles=[Role.SPECIALIST], full_name="Võ Thị Lan"
    )


@pytest.fixture
def reviewer(agency: Any, unit: Any) -> Any:
    position = PositionFactory.create(name="Trưởng phòng", is_leadership=True, rank=70)
    return StaffUserFactory.create(
        agency=agency, unit=unit, position=position, roles=[Role.SPECIALIST], full_name="Lê Văn An"
    )
