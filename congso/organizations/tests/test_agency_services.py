from __future__ import annotations

from typing import Any

import pytest

from congso.audit.models import AuditEntry
from congso.core.errors import Conflict, NotFound, ValidationFailed
from congso.organizations import services
from congso.organizations.constants import AgencyKind, OrganizationAuditAction
from congso.organizations.models import Agency
from congso.organizations.services import (
    agency_activate,
    agency_create,
    agency_deactivate,
    agency_update,
)
from congso.organizations.tests.factories import AdministrativeUnitFactory

pytestmark = pytest.mark.django_db


def _root(**overrides: Any) -> Agency:
    fields: dict[str, Any] = {
        "actor": None,
        "name": "UBND tỉnh Thử",
        "abbreviation": "UBND",
        "kind": AgencyKind.PROVINCIAL_COMMITTEE,
        "code_qcvn102": "000.00.00.H99",
        "code_qd20": "H99",
    }
    fields.update(overrides)
    return agency_create(**fields)


def _body(root: Agency, number: int = 5, **overrides: Any) -> Agency:
    fields: dict[str, Any] = {
        "actor": None,
        "name": f"Sở Thử {number}",
        "abbreviation": f"ST{number}",
        "kind": AgencyKind.PROVINCIAL_BODY,
        "parent": root,
        "code_qcvn102": f"000.00.{number:02d}.H99",
        "code_qd20": f"H99.{number:02d}",
        "is_demo_code": True,
    }
    fields.update(overrides)
    return agency_create(**fields)


def _entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action))


def test_creates_a_level2_body_under_the_level1_agency_and_audits_it() -> None:
    # given
    root = _root()
    # when
    body = _body(root)
    # then
    assert body.level == 2
    assert body.parent_id == root.pk
    created = _entries(OrganizationAuditAction.AGENCY_CREATED)
    assert [entry.target_id for entry in created] == [str(root.pk), str(body.pk)]
    assert created[1].data["code_qcvn102"] == "000.00.05.H99"


def test_accepts_the_parent_as_an_id_and_links_the_administrative_unit() -> None:
    root = _root()
    unit = AdministrativeUnitFactory.create()
    body = _body(root, parent=root.pk, administrative_unit=unit.pk)
    assert (body.parent_id, body.administrative_unit_id) == (root.pk, unit.pk)


def test_duplicate_code_is_a_conflict_naming_the_holder() -> None:
    # given
    root = _root()
    _body(root, 5, name="Sở Tài chính thử")
    # when
    with pytest.raises(Conflict) as caught:
        _body(root, 5, name="Sở khác", code_qd20="H99.06")
    # then
    assert caught.value.code == "duplicate_agency_code"
    assert "Sở Tài chính thử" in caught.value.message
    assert caught.value.field == "code_qcvn102"
    assert Agency.objects.filter(name="Sở khác").count() == 0


def test_duplicate_qd20_code_is_a_conflict_too() -> None:
    root = _root()
    _body(root, 5)
    with pytest.raises(Conflict) as caught:
        _body(root, 6, code_qd20="H99.05")
    assert (caught.value.code, caught.value.field) == ("duplicate_agency_code", "code_qd20")


def test_unknown_parent_is_not_found() -> None:
    with pytest.raises(NotFound) as caught:
        agency_create(
            actor=None,
            name="Phòng lạc",
            abbreviation="PL",
            kind=AgencyKind.INTERNAL_UNIT,
            parent=987654,
        )
    assert caught.value.code == "unknown_agency"
    assert not Agency.objects.exists()


def test_invalid_code_is_rejected_with_the_validator_code() -> None:
    root = _root()
    with pytest.raises(ValidationFailed) as caught:
        _body(root, code_qcvn102="000.00.5.H99")
    assert caught.value.code == "invalid_qcvn102_code"


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"code_qcvn102": "000.00.05.H98", "code_qd20": "H98.05"}, "agency_parent_mismatch"),
        ({"code_qcvn102": "000.03.05.H99", "code_qd20": "H99.05.03"}, "agency_parent_mismatch"),
        ({"parent": None}, "agency_parent_mismatch"),
        ({"code_qd20": "H99.05.01"}, "agency_code_mismatch"),
        ({"code_qd20": "H98.05"}, "agency_code_mismatch"),
        ({"kind": "so_khong_co"}, "invalid_agency_kind"),
    ],
)
def test_level2_code_must_sit_under_the_agency_its_code_names(
    overrides: dict[str, Any], code: str
) -> None:
    # given
    root = _root()
    # when
    with pytest.raises(ValidationFailed) as caught:
        _body(root, **overrides)
    # then
    assert caught.value.code == code
    assert Agency.objects.count() == 1


def test_district_committee_is_level2_under_the_province_committee() -> None:
    root = _root()
    committee = _body(root, 31, kind=AgencyKind.DISTRICT_COMMITTEE, name="UBND huyện Thử")
    assert committee.level == 2


def test_level1_code_has_no_parent() -> None:
    root = _root()
    with pytest.raises(ValidationFailed) as caught:
        _root(parent=root, code_qcvn102="000.00.00.H98", code_qd20="H98", kind=AgencyKind.OTHER)
    assert caught.value.code == "agency_parent_mismatch"


def test_commune_committee_must_sit_under_a_district_committee() -> None:
    root = _root()
    body = _body(root, 5)
    with pytest.raises(ValidationFailed) as caught:
        agency_create(
            actor=None,
            name="UBND xã Thử",
            abbreviation="UBND",
            kind=AgencyKind.COMMUNE_COMMITTEE,
            parent=body,
            code_qcvn102="000.01.05.H99",
        )
    assert caught.value.code == "agency_parent_mismatch"


def test_province_committee_code_must_be_an_h_code() -> None:
    with pytest.raises(ValidationFailed) as caught:
        _root(code_qcvn102="000.00.00.G12", code_qd20="G12")
    assert caught.value.code == "agency_kind_level_mismatch"


def test_internal_unit_needs_a_parent_and_no_codes() -> None:
    root = _root()
    with pytest.raises(ValidationFailed) as no_parent:
        agency_create(actor=None, name="Phòng A", abbreviation="PA", kind=AgencyKind.INTERNAL_UNIT)
    with pytest.raises(ValidationFailed) as with_code:
        agency_create(
            actor=None,
            name="Phòng A",
            abbreviation="PA",
            kind=AgencyKind.INTERNAL_UNIT,
            parent=root,
            code_qd20="H99.01",
        )
    assert no_parent.value.code == "internal_unit_needs_parent"
    assert with_code.value.code == "internal_unit_has_no_codes"
    assert Agency.objects.count() == 1


def test_internal_unit_abbreviation_is_unique_within_its_agency() -> None:
    root = _root()
    unit: dict[str, Any] = {
        "actor": None,
        "abbreviation": "VP",
        "kind": AgencyKind.INTERNAL_UNIT,
        "parent": root,
    }
    agency_create(name="Văn phòng", **unit)
    with pytest.raises(Conflict) as caught:
        agency_create(name="Văn phòng 2", **unit)
    assert caught.value.code == "duplicate_unit_abbreviation"
    assert "Văn phòng" in caught.value.message


def test_only_internal_units_go_under_an_internal_unit() -> None:
    root = _root()
    office = agency_create(
        actor=None, name="Văn phòng", abbreviation="VP", kind=AgencyKind.INTERNAL_UNIT, parent=root
    )
    with pytest.raises(ValidationFailed) as caught:
        agency_create(actor=None, name="Lạ", abbreviation="L", kind=AgencyKind.OTHER, parent=office)
    assert caught.value.code == "agency_parent_mismatch"


def test_a_failure_after_the_insert_leaves_nothing_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    # given the audit write fails
    def broken_audit(**kwargs: Any) -> None:
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(services, "audit_record", broken_audit)
    # when
    with pytest.raises(RuntimeError):
        _root()
    # then
    assert not Agency.objects.exists()
    assert not AuditEntry.objects.exists()


def test_update_renames_and_audits_the_change() -> None:
    # given
    body = _body(_root())
    # when
    updated = agency_update(actor=None, agency=body, name="Sở Mới", place_name="Kon Tum")
    # then
    updated.refresh_from_db()
    assert (updated.name, updated.place_name) == ("Sở Mới", "Kon Tum")
    (entry,) = _entries(OrganizationAuditAction.AGENCY_UPDATED)
    assert entry.data["changes"]["name"] == ["Sở Thử 5", "Sở Mới"]
    assert set(entry.data["changes"]) == {"name", "place_name"}


def test_update_without_changes_writes_nothing() -> None:
    body = _body(_root())
    agency_update(actor=None, agency=body, name=body.name)
    assert _entries(OrganizationAuditAction.AGENCY_UPDATED) == []


def test_update_refuses_unknown_fields() -> None:
    body = _body(_root())
    with pytest.raises(ValidationFailed) as caught:
        agency_update(actor=None, agency=body, is_active=False)
    assert caught.value.code == "unknown_field"


def test_update_to_a_held_code_is_a_conflict_and_changes_nothing() -> None:
    root = _root()
    first = _body(root, 5)
    second = _body(root, 6)
    with pytest.raises(Conflict):
        agency_update(
            actor=None, agency=second, code_qcvn102=first.code_qcvn102, code_qd20="H99.05"
        )
    second.refresh_from_db()
    assert second.code_qcvn102 == "000.00.06.H99"


def test_codes_of_an_agency_with_coded_children_cannot_change() -> None:
    root = _root()
    body = _body(root, 5)
    agency_create(
        actor=None,
        name="Chi cục Thử",
        abbreviation="CC",
        kind=AgencyKind.PROVINCIAL_BODY,
        parent=body,
        code_qcvn102="000.01.05.H99",
    )
    with pytest.raises(Conflict) as caught:
        agency_update(actor=None, agency=body, code_qcvn102="000.00.07.H99", code_qd20="H99.07")
    assert caught.value.code == "agency_has_coded_children"


def test_moving_an_internal_unit_relevels_the_units_under_it() -> None:
    # given a phòng with a sub-unit under a level-2 body
    root = _root()
    body = _body(root, 5)
    office = agency_create(
        actor=None, name="Văn phòng", abbreviation="VP", kind=AgencyKind.INTERNAL_UNIT, parent=body
    )
    team = agency_create(
        actor=None,
        name="Tổ Một cửa",
        abbreviation="TMC",
        kind=AgencyKind.INTERNAL_UNIT,
        parent=office,
    )
    assert (office.level, team.level) == (3, 4)
    # when the phòng moves up to the level-1 agency
    agency_update(actor=None, agency=office, parent=root)
    # then
    office.refresh_from_db()
    team.refresh_from_db()
    assert (office.level, team.level) == (2, 3)


def test_an_agency_cannot_move_under_its_own_unit() -> None:
    root = _root()
    office = agency_create(
        actor=None, name="Văn phòng", abbreviation="VP", kind=AgencyKind.INTERNAL_UNIT, parent=root
    )
    team = agency_create(
        actor=None, name="Tổ", abbreviation="T", kind=AgencyKind.INTERNAL_UNIT, parent=office
    )
    with pytest.raises(ValidationFailed) as caught:
        agency_update(actor=None, agency=office, parent=team)
    assert caught.value.code == "agency_parent_mismatch"


def test_deactivation_waits_for_active_units_then_is_audited_once() -> None:
    # given
    root = _root()
    body = _body(root, 5)
    # when / then: the parent cannot close before its body
    with pytest.raises(Conflict) as caught:
        agency_deactivate(actor=None, agency=root)
    assert caught.value.code == "agency_has_active_children"
    agency_deactivate(actor=None, agency=body)
    agency_deactivate(actor=None, agency=body)  # a second call changes nothing
    body.refresh_from_db()
    assert body.is_active is False
    assert len(_entries(OrganizationAuditAction.AGENCY_DEACTIVATED)) == 1


def test_inactive_agency_takes_no_new_units_and_reactivates() -> None:
    root = _root()
    body = _body(root, 5)
    agency_deactivate(actor=None, agency=body)
    with pytest.raises(ValidationFailed) as caught:
        agency_create(
            actor=None,
            name="Văn phòng",
            abbreviation="VP",
            kind=AgencyKind.INTERNAL_UNIT,
            parent=body,
        )
    assert caught.value.code == "inactive_agency"
    agency_activate(actor=None, agency=body)
    body.refresh_from_db()
    assert body.is_active is True
    assert len(_entries(OrganizationAuditAction.AGENCY_ACTIVATED)) == 1


def test_agency_under_an_inactive_parent_cannot_be_reactivated() -> None:
    root = _root()
    body = _body(root, 5)
    agency_deactivate(actor=None, agency=body)
    agency_deactivate(actor=None, agency=root)
    with pytest.raises(ValidationFailed) as caught:
        agency_activate(actor=None, agency=body)
    assert caught.value.code == "inactive_agency"


def test_audit_entry_names_the_acting_user(directory_admin: Any) -> None:
    root = _root(actor=directory_admin)
    entry = AuditEntry.objects.get(action=OrganizationAuditAction.AGENCY_CREATED)
    assert entry.actor_id == directory_admin.pk
    assert entry.target_id == str(root.pk)
