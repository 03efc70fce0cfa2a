from __future__ import annotations

from typing import Any

import pytest

from congso.organizations.constants import AgencyKind
from congso.organizations.models import Agency
from congso.organizations.selectors import (
    administrative_unit_tree,
    agency_ancestors,
    agency_get_by_code,
    agency_internal_unit_get,
    agency_list,
    agency_tree,
)
from congso.organizations.services import agency_deactivate

pytestmark = pytest.mark.django_db


def test_agency_tree_is_built_from_one_query(
    kontum: dict[str, int], django_assert_num_queries: Any
) -> None:
    # when
    with django_assert_num_queries(1):
        roots = agency_tree()
    # then
    (province,) = roots
    assert province.code_qcvn102 == "000.00.00.H34"
    codes = [child.code_qcvn102 for child in province.children]
    assert codes[:2] == ["000.00.01.H34", "000.00.02.H34"]
    assert codes[-1] == "000.00.40.H34"
    office = province.children[0]
    assert [child.abbreviation for child in office.children] == [
        "TTPVHCC",
        "HCTC",
        "KT",
        "VX",
        "NC",
    ]
    kon_tum_city = province.children[20]
    assert kon_tum_city.name == "UBND Thành phố Kon Tum"
    assert len([c for c in kon_tum_city.children if c.kind == AgencyKind.COMMUNE_COMMITTEE]) == 21


def test_agency_tree_leaves_out_inactive_agencies_unless_asked(kontum: dict[str, int]) -> None:
    unit = Agency.objects.get(parent__code_qcvn102="000.00.11.H34", abbreviation="CNTT")
    agency_deactivate(actor=None, agency=unit)

    def units(roots: list[Any]) -> list[str]:
        body = next(c for c in roots[0].children if c.code_qcvn102 == "000.00.11.H34")
        return [child.abbreviation for child in body.children]

    assert units(agency_tree()) == ["VP", "BCVT"]
    assert units(agency_tree(include_inactive=True)) == ["VP", "CNTT", "BCVT"]


def test_agency_list_filters_by_kind_parent_and_search(
    kontum: dict[str, int], province: Agency
) -> None:
    assert agency_list(kind=AgencyKind.DISTRICT_COMMITTEE).count() == 10
    assert agency_list(parent_id=province.pk).count() == 30
    assert [a.name for a in agency_list(q="Thông tin và Truyền")] == [
        "Sở Thông tin và Truyền thông"
    ]
    assert [a.code_qcvn102 for a in agency_list(q="H34.11")] == ["000.00.11.H34"]
    assert [a.code_qcvn102 for a in agency_list(q="sttttt")] == []


@pytest.mark.parametrize("code", ["000.00.11.H34", "H34.11", " h34.11 "])
def test_agency_get_by_code_accepts_either_form(kontum: dict[str, int], code: str) -> None:
    agency = agency_get_by_code(code)
    assert agency is not None
    assert agency.abbreviation == "STTTT"


def test_agency_get_by_code_returns_none_for_an_unknown_code(kontum: dict[str, int]) -> None:
    assert agency_get_by_code("000.00.99.H34") is None
    assert agency_get_by_code("") is None


def test_internal_unit_is_found_by_parent_and_abbreviation(kontum: dict[str, int]) -> None:
    body = Agency.objects.get(code_qcvn102="000.00.11.H34")
    unit = agency_internal_unit_get(agency=body, abbreviation="CNTT")
    assert unit is not None
    assert unit.name == "Phòng Công nghệ thông tin"


def test_ancestors_run_root_first_in_one_query(
    kontum: dict[str, int], django_assert_num_queries: Any
) -> None:
    # given a phòng of a UBND huyện
    unit = Agency.objects.get(parent__code_qcvn102="000.00.32.H34", abbreviation="NV")
    # when
    with django_assert_num_queries(1):
        chain = agency_ancestors(unit)
    # then
    assert [a.code_qcvn102 for a in chain] == ["000.00.00.H34", "000.00.32.H34"]
    assert agency_ancestors(chain[0]) == []


def test_ancestors_of_a_deep_unit_take_more_than_one_fetch(kontum: dict[str, int]) -> None:
    # given a chain of phòng deeper than one query reaches
    parent = Agency.objects.get(code_qcvn102="000.00.00.H34")
    chain_ids = [parent.pk]
    for depth in range(7):
        parent = Agency.objects.create(
            name=f"Tổ {depth}",
            abbreviation=f"T{depth}",
            kind=AgencyKind.INTERNAL_UNIT,
            parent=parent,
            level=parent.level + 1,
        )
        chain_ids.append(parent.pk)
    # when
    ancestors = agency_ancestors(parent)
    # then
    assert [a.pk for a in ancestors] == chain_ids[:-1]


def test_administrative_unit_tree_nests_communes_under_districts(
    kontum: dict[str, int], django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):
        (province,) = administrative_unit_tree()
    assert province.gso_code == "62"
    assert [d.gso_code for d in province.children][:3] == ["608", "610", "611"]
    assert sum(len(d.children) for d in province.children) == 102
    assert province.children[-1].children[0].name == "Xã Ia Đal"
