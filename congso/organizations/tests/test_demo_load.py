from __future__ import annotations

from typing import Any

import pytest

from congso.audit.models import AuditEntry
from congso.organizations.constants import (
    AdministrativeLevel,
    AdministrativeUnitKind,
    AgencyKind,
    OrganizationAuditAction,
)
from congso.organizations.demo import administrative_units_load, kontum_demo_load
from congso.organizations.models import AdministrativeUnit, Agency, Position
from congso.organizations.rules import agency_check
from congso.organizations.validators import qcvn102_level, qd20_from_qcvn102

pytestmark = pytest.mark.django_db

BODIES_IN_ORDER = [
    ("Văn phòng UBND tỉnh", "VP"),
    ("Sở Nội vụ", "SNV"),
    ("Sở Tư pháp", "STP"),
    ("Sở Kế hoạch và Đầu tư", "SKHĐT"),
    ("Sở Tài chính", "STC"),
    ("Sở Công Thương", "SCT"),
    ("Sở Nông nghiệp và Phát triển nông thôn", "SNNPTNT"),
    ("Sở Giao thông vận tải", "SGTVT"),
    ("Sở Xây dựng", "SXD"),
    ("Sở Tài nguyên và Môi trường", "STNMT"),
    ("Sở Thông tin và Truyền thông", "STTTT"),
    ("Sở Lao động - Thương binh và Xã hội", "SLĐTBXH"),
    ("Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL"),
    ("Sở Khoa học và Công nghệ", "SKHCN"),
    ("Sở Giáo dục và Đào tạo", "SGDĐT"),
    ("Sở Y tế", "SYT"),
    ("Thanh tra tỉnh", "TTr"),
    ("Sở Ngoại vụ", "SNgV"),
    ("Ban Dân tộc", "BDT"),
    ("Ban Quản lý Khu kinh tế tỉnh", "BQLKKT"),
]


def test_loads_the_province_its_districts_and_communes() -> None:
    # when
    created = administrative_units_load()
    # then
    assert created == 113
    units = AdministrativeUnit.objects
    province = units.get(level=AdministrativeLevel.PROVINCE)
    assert (province.gso_code, province.kind) == ("62", AdministrativeUnitKind.PROVINCE)
    assert units.filter(level=AdministrativeLevel.DISTRICT, parent=province).count() == 10
    communes = units.filter(level=AdministrativeLevel.COMMUNE)
    assert communes.count() == 102
    assert communes.filter(kind=AdministrativeUnitKind.WARD).count() == 10
    assert communes.filter(kind=AdministrativeUnitKind.COMMUNE).count() == 85
    assert communes.filter(kind=AdministrativeUnitKind.TOWNSHIP).count() == 7
    assert units.filter(gso_code="23473", name="Thị trấn Măng Đen", parent__gso_code="613").exists()
    assert units.get(gso_code="608").kind == AdministrativeUnitKind.CITY


def test_administrative_unit_load_is_idempotent_and_audits_once() -> None:
    # given
    administrative_units_load()
    # when
    created_again = administrative_units_load()
    # then
    assert created_again == 0
    assert AdministrativeUnit.objects.count() == 113
    assert AuditEntry.objects.filter(action=OrganizationAuditAction.DEMO_DATA_LOADED).count() == 1


def test_demo_load_creates_the_expected_directory() -> None:
    # when
    counts = kontum_demo_load()
    # then
    assert counts == {"administrative_units": 113, "positions": 11, "agencies": 225}
    agencies = Agency.objects
    assert agencies.filter(kind=AgencyKind.PROVINCIAL_COMMITTEE).count() == 1
    assert agencies.filter(kind=AgencyKind.PROVINCIAL_BODY, level=2).count() >= 19
    assert agencies.filter(kind=AgencyKind.DISTRICT_COMMITTEE).count() == 10
    assert agencies.filter(kind=AgencyKind.COMMUNE_COMMITTEE).count() == 102
    assert Position.objects.count() == 11


def test_second_demo_load_changes_nothing_and_writes_no_audit_entry() -> None:
    # given
    kontum_demo_load()
    entries = AuditEntry.objects.count()
    snapshot = list(Agency.objects.order_by("pk").values())
    # when
    counts = kontum_demo_load()
    # then
    assert counts == {"administrative_units": 0, "positions": 0, "agencies": 0}
    assert AuditEntry.objects.count() == entries == 1
    assert list(Agency.objects.order_by("pk").values()) == snapshot


def test_demo_load_runs_in_a_handful_of_queries(django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(40):
        kontum_demo_load()
    with django_assert_max_num_queries(10):
        kontum_demo_load()


def test_province_committee_carries_the_derived_level1_code(province: Agency) -> None:
    assert province.code_qd20 == "H34"
    assert province.abbreviation == "UBND"
    assert province.place_name == "Kon Tum"
    assert province.is_demo_code is False
    assert province.parent_id is None
    assert Agency.objects.filter(pk=province.pk, administrative_unit__gso_code="62").exists()


def test_provincial_bodies_are_numbered_in_the_agreed_order(province: Agency) -> None:
    for number, (name, abbreviation) in enumerate(BODIES_IN_ORDER, 1):
        body = Agency.objects.get(code_qcvn102=f"000.00.{number:02d}.H34")
        assert (body.name, body.abbreviation) == (name, abbreviation)
        assert body.code_qd20 == f"H34.{number:02d}"
        assert body.parent_id == province.pk
        assert body.is_demo_code is True
        assert body.level == 2


def test_one_stop_centre_sits_under_the_provincial_office(kontum: dict[str, int]) -> None:
    centre = Agency.objects.get(code_qcvn102="000.01.01.H34")
    assert centre.code_qd20 == "H34.01.01"
    assert centre.abbreviation == "TTPVHCC"
    assert centre.parent_id == Agency.objects.get(code_qcvn102="000.00.01.H34").pk
    assert centre.level == 3


@pytest.mark.parametrize(
    ("gso", "number", "name", "place_name"),
    [
        ("608", 31, "UBND Thành phố Kon Tum", "Kon Tum"),
        ("610", 32, "UBND huyện Đắk Glei", "Đắk Glei"),
        ("617", 39, "UBND huyện Tu Mơ Rông", "Tu Mơ Rông"),
        ("618", 40, "UBND huyện Ia H' Drai", "Ia H' Drai"),
    ],
)
def test_district_committees_take_numbers_31_to_40_in_gso_order(
    province: Agency, gso: str, number: int, name: str, place_name: str
) -> None:
    committee = Agency.objects.get(code_qcvn102=f"000.00.{number}.H34")
    assert committee.name == name
    assert committee.place_name == place_name
    assert committee.abbreviation == "UBND"
    assert committee.kind == AgencyKind.DISTRICT_COMMITTEE
    assert committee.administrative_unit_id == AdministrativeUnit.objects.get(gso_code=gso).pk
    assert committee.parent_id == province.pk


@pytest.mark.parametrize(
    ("code", "qd20", "name", "place_name", "gso"),
    [
        ("000.01.31.H34", "H34.31.01", "UBND phường Quang Trung", "Quang Trung", "23281"),
        ("000.21.31.H34", "H34.31.21", "UBND xã Hòa Bình", "Hòa Bình", "23338"),
        ("000.01.32.H34", "H34.32.01", "UBND thị trấn Đắk Glei", "Đắk Glei", "23341"),
        ("000.08.35.H34", "H34.35.08", "UBND thị trấn Măng Đen", "Măng Đen", "23473"),
        ("000.03.40.H34", "H34.40.03", "UBND xã Ia Tơi", "Ia Tơi", "23538"),
    ],
)
def test_commune_committees_are_numbered_within_their_district(
    kontum: dict[str, int], code: str, qd20: str, name: str, place_name: str, gso: str
) -> None:
    committee = Agency.objects.get(code_qcvn102=code)
    assert (committee.name, committee.code_qd20) == (name, qd20)
    assert committee.administrative_unit_id == AdministrativeUnit.objects.get(gso_code=gso).pk
    assert committee.place_name == place_name
    assert committee.kind == AgencyKind.COMMUNE_COMMITTEE
    assert committee.parent_id == Agency.objects.get(code_qcvn102="000.00." + code[7:]).pk


def _unit_abbreviations(code: str) -> list[str]:
    parent = Agency.objects.get(code_qcvn102=code)
    return list(
        Agency.objects.filter(parent=parent, kind=AgencyKind.INTERNAL_UNIT)
        .order_by("pk")
        .values_list("abbreviation", flat=True)
    )


def test_internal_units_carry_their_notation_abbreviations(kontum: dict[str, int]) -> None:
    assert _unit_abbreviations("000.00.01.H34") == ["HCTC", "KT", "VX", "NC"]
    assert _unit_abbreviations("000.00.11.H34") == ["VP", "CNTT", "BCVT"]
    for number in range(2, 21):
        abbreviations = _unit_abbreviations(f"000.00.{number:02d}.H34")
        assert abbreviations[0] == "VP"
        assert len(abbreviations) == 3
    for number in range(31, 41):
        assert _unit_abbreviations(f"000.00.{number}.H34") == ["VP", "NV", "TCKH"]
    internal = Agency.objects.filter(kind=AgencyKind.INTERNAL_UNIT)
    assert not internal.filter(code_qcvn102__isnull=False).exists()
    misplaced = [
        unit
        for unit in internal.select_related("parent")
        if unit.parent is None or unit.level != unit.parent.level + 1
    ]
    assert misplaced == []


def test_every_demo_agency_satisfies_the_service_rules(kontum: dict[str, int]) -> None:
    for agency in Agency.objects.select_related("parent"):
        assert agency_check(agency, parent=agency.parent) == agency.level
        if agency.code_qcvn102:
            assert agency.level == qcvn102_level(agency.code_qcvn102)
            assert agency.code_qd20 == qd20_from_qcvn102(agency.code_qcvn102)


def test_positions_mark_leadership_and_rank(kontum: dict[str, int]) -> None:
    chairman = Position.objects.get(name="Chủ tịch")
    specialist = Position.objects.get(name="Chuyên viên")
    assert chairman.is_leadership
    assert not specialist.is_leadership
    assert chairman.rank < Position.objects.get(name="Phó Chủ tịch").rank < specialist.rank
    assert Position.objects.get(name="Cán bộ một cửa").is_leadership is False


def test_reload_keeps_an_agency_whose_demo_code_was_replaced(kontum: dict[str, int]) -> None:
    # given an administrator replaced a demo code with an official one
    body = Agency.objects.get(code_qcvn102="000.00.11.H34")
    Agency.objects.filter(pk=body.pk).update(code_qcvn102="000.00.77.H34", code_qd20="H34.77")
    # when
    counts = kontum_demo_load()
    # then the body is recognised by parent and name, and nothing is duplicated
    assert counts["agencies"] == 0
    assert Agency.objects.filter(name="Sở Thông tin và Truyền thông").count() == 1
