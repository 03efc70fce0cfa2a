from __future__ import annotations

from typing import Any

import pytest

from congso.accounts.constants import Role, UserKind
from congso.accounts.services import staff_user_create
from congso.accounts.tests.conftest import PASSWORD
from congso.accounts.tests.factories import CitizenUserFactory, StaffUserFactory
from congso.audit.constants import AuditAction
from congso.audit.models import AuditEntry
from congso.core.errors import Conflict, PermissionDenied, ValidationFailed
from congso.organizations.tests.factories import (
    AgencyFactory,
    InternalUnitFactory,
    PositionFactory,
)


def _create(**overrides):
    arguments: dict[str, Any] = {
        "username": "canbo.moi",
        "full_name": "Nguyễn Văn Mới",
        "password": PASSWORD,
    }
    arguments.update(overrides)
    return staff_user_create(**arguments)


@pytest.mark.django_db
def test_an_administrator_creates_a_staff_member_of_their_agency_with_unit_position_and_roles(
    administrator, agency, unit
):
    # given
    position = PositionFactory.create(name="Chuyên viên")
    # when
    user = _create(
        actor=administrator,
        agency=agency,
        unit=unit,
        position=position,
        roles=[Role.CLERK, Role.SPECIALIST],
        email="moi@kontum.gov.vn",
    )
    # then
    user.refresh_from_db()
    assert user.kind == UserKind.STAFF
    assert (user.agency, user.unit, user.position) == (agency, unit, position)
    assert user.role_set == {Role.CLERK, Role.SPECIALIST}
    assert user.check_password(PASSWORD)
    entry = AuditEntry.objects.get(action=AuditAction.USER_CREATED, target_id=str(user.pk))
    assert entry.actor_id == administrator.pk
    assert entry.agency_id == agency.pk
    assert entry.data["roles"] == ["clerk", "specialist"]
    assert PASSWORD not in str(entry.data)


@pytest.mark.django_db
def test_a_new_password_is_hashed_with_argon2(agency):
    # when
    user = _create(actor=None, agency=agency)
    # then
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")


@pytest.mark.django_db
def test_the_system_may_create_staff_without_an_actor(agency):
    # when
    user = _create(actor=None, agency=agency)
    # then
    assert AuditEntry.objects.get(target_id=str(user.pk)).actor_label == "system"


@pytest.mark.django_db
def test_a_superuser_may_create_staff_in_any_agency(agency):
    # given
    superuser = StaffUserFactory.create(is_superuser=True)
    # when
    user = _create(actor=superuser, agency=agency)
    # then
    assert user.agency == agency


@pytest.mark.django_db
@pytest.mark.parametrize(
    "actor_factory",
    [
        pytest.param(
            lambda agency: StaffUserFactory.create(agency=agency, roles=[Role.CLERK]), id="clerk"
        ),
        pytest.param(
            lambda agency: StaffUserFactory.create(roles=[Role.ADMINISTRATOR]),
            id="admin-of-other-agency",
        ),
        pytest.param(
            lambda agency: StaffUserFactory.create(
                agency=agency, roles=[Role.ADMINISTRATOR], is_active=False
            ),
            id="inactive-admin",
        ),
        pytest.param(lambda agency: CitizenUserFactory.create(), id="citizen"),
    ],
)
def test_only_an_administrator_of_the_agency_may_create_staff(agency, actor_factory):
    # given
    actor = actor_factory(agency)
    # when / then
    with pytest.raises(PermissionDenied) as raised:
        _create(actor=actor, agency=agency)
    assert raised.value.code == "administrator_required"


@pytest.mark.django_db
def test_the_unit_must_be_an_internal_unit_of_the_agency(administrator, agency):
    # given
    unit_of_another_agency = InternalUnitFactory.create()
    # when / then
    with pytest.raises(ValidationFailed) as raised:
        _create(actor=administrator, agency=agency, unit=unit_of_another_agency)
    assert (raised.value.code, raised.value.field) == ("unit_not_in_agency", "unit")


@pytest.mark.django_db
def test_the_unit_must_be_an_internal_unit_not_a_child_agency(administrator, agency):
    # given
    child_agency = AgencyFactory.create(parent=agency)
    # when / then
    with pytest.raises(ValidationFailed) as raised:
        _create(actor=administrator, agency=agency, unit=child_agency)
    assert raised.value.code == "unit_not_in_agency"


@pytest.mark.django_db
def test_the_agency_cannot_be_an_internal_unit(unit):
    # when / then
    with pytest.raises(ValidationFailed) as raised:
        _create(actor=None, agency=unit)
    assert raised.value.code == "agency_is_internal_unit"


@pytest.mark.django_db
def test_the_agency_must_be_active():
    # given
    closed = AgencyFactory.create(is_active=False)
    # when / then
    with pytest.raises(ValidationFailed) as raised:
        _create(actor=None, agency=closed)
    assert raised.value.code == "agency_inactive"


@pytest.mark.django_db
def test_unknown_roles_are_refused(agency):
    # when / then
    with pytest.raises(ValidationFailed) as raised:
        _create(actor=None, agency=agency, roles=["clerk", "king"])
    assert (raised.value.code, raised.value.field) == ("invalid_role", "roles")


@pytest.mark.django_db
def test_a_taken_username_is_refused_whatever_its_case(agency):
    # given
    StaffUserFactory.create(username="vanthu")
    # when / then
    with pytest.raises(Conflict) as raised:
        _create(actor=None, agency=agency, username="VanThu")
    assert raised.value.code == "username_taken"


@pytest.mark.django_db
@pytest.mark.parametrize("password", ["123", "password", "12345678901"])
def test_weak_passwords_are_refused(agency, password):
    # when / then
    with pytest.raises(ValidationFailed) as raised:
        _create(actor=None, agency=agency, password=password)
    assert (raised.value.code, raised.value.field) == ("password_invalid", "password")


@pytest.mark.django_db
def test_a_blank_full_name_is_refused(agency):
    # when / then
    with pytest.raises(ValidationFailed) as raised:
        _create(actor=None, agency=agency, full_name="   ")
    assert raised.value.code == "full_name_required"


@pytest.mark.django_db
def test_nothing_is_written_when_creation_fails(agency):
    # given
    entries_before = AuditEntry.objects.count()
    # when
    with pytest.raises(ValidationFailed):
        _create(actor=None, agency=agency, roles=["bogus"])
    # then
    assert AuditEntry.objects.count() == entries_before
    assert not StaffUserFactory._meta.model.objects.filter(username="canbo.moi").exists()
