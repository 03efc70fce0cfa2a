"""A small Kon Tum-shaped agency tree and administrative-unit tree built with the factories."""

from __future__ import annotations

from dataclasses import dataclass, field

from congso.organizations.constants import AdministrativeLevel, AdministrativeUnitKind, AgencyKind
from congso.organizations.models import AdministrativeUnit, Agency
from congso.organizations.tests.factories import (
    AdministrativeUnitFactory,
    AgencyFactory,
    InternalUnitFactory,
)


@dataclass
class SmallTree:
    province: Agency
    department: Agency
    office: Agency
    district: Agency
    commune: Agency
    extra_departments: list[Agency] = field(default_factory=list)

    @property
    def size(self) -> int:
        return 5 + len(self.extra_departments)


def small_agency_tree(*, extra_departments: int = 0) -> SmallTree:
    province = AgencyFactory.create(
        name="UBND tỉnh Kon Tum",
        abbreviation="UBND",
        kind=AgencyKind.PROVINCIAL_COMMITTEE,
        code_qcvn102="000.00.00.H34",
        code_qd20="H34",
        is_demo_code=False,
        level=1,
    )
    department = AgencyFactory.create(
        name="Sở Thông tin và Truyền thông",
        abbreviation="STTTT",
        kind=AgencyKind.PROVINCIAL_BODY,
        parent=province,
        code_qcvn102="000.00.11.H34",
        code_qd20="H34.11",
        is_demo_code=True,
        level=2,
    )
    office = InternalUnitFactory.create(
        name="Văn phòng Sở Thông tin và Truyền thông", abbreviation="VP", parent=department, level=3
    )
    district = AgencyFactory.create(
        name="UBND huyện Đắk Hà",
        abbreviation="UBND",
        kind=AgencyKind.DISTRICT_COMMITTEE,
        parent=province,
        code_qcvn102="000.00.33.H34",
        code_qd20="H34.33",
        is_demo_code=True,
        level=2,
    )
    commune = AgencyFactory.create(
        name="UBND xã Hà Mòn",
        abbreviation="UBND",
        kind=AgencyKind.COMMUNE_COMMITTEE,
        parent=district,
        code_qcvn102="000.05.33.H34",
        code_qd20="H34.33.05",
        is_demo_code=True,
        level=3,
    )
    extras = [
        AgencyFactory.create(
            name=f"Sở Thử Nghiệm {number}",
            abbreviation=f"STN{number}",
            kind=AgencyKind.PROVINCIAL_BODY,
            parent=province,
            code_qcvn102=f"000.{10 + number // 90:02d}.{10 + number % 90:02d}.H34",
            code_qd20=f"H34.{10 + number % 90:02d}.{10 + number // 90:02d}",
            level=2,
        )
        for number in range(extra_departments)
    ]
    return SmallTree(province, department, office, district, commune, extras)


def small_admin_unit_tree() -> tuple[AdministrativeUnit, AdministrativeUnit, AdministrativeUnit]:
    province = AdministrativeUnitFactory.create(
        gso_code="62",
        name="Tỉnh Kon Tum",
        kind=AdministrativeUnitKind.PROVINCE,
        level=AdministrativeLevel.PROVINCE,
    )
    district = AdministrativeUnitFactory.create(
        gso_code="615",
        name="Huyện Đắk Hà",
        kind=AdministrativeUnitKind.DISTRICT,
        level=AdministrativeLevel.DISTRICT,
        parent=province,
    )
    commune = AdministrativeUnitFactory.create(
        gso_code="23521",
        name="Xã Hà Mòn",
        kind=AdministrativeUnitKind.COMMUNE,
        level=AdministrativeLevel.COMMUNE,
        parent=district,
    )
    return province, district, commune
