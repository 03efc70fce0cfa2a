"""Roles, details, activation, unlocking, passwords and admin-site access of existing accounts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from congso.accounts.constants import AccountsAuditAction, Role
from congso.accounts.models import User
from congso.accounts.services import (
    staff_user_update,
    user_admin_access_set,
    user_deactivate,
    user_password_set,
    user_reactivate,
    user_roles_set,
    user_unlock,
)
from congso.accounts.tests.factories import CitizenUserFactory, StaffUserFactory
from congso.audit.constants import AuditAction
from congso.audit.models import AuditEntry
from congso.core.errors import PermissionDenied, ValidationFailed
from congso.organizations.tests.factories import InternalUnitFactory, PositionFactory


def _actions(user: User) -> list[str]:
    return list(
        AuditEntry.objects.filter(target_id=str(user.pk), target_type="accounts.user")
        .order_by("sequence")
        .values_list("action", flat=True)
    )


# --- user_roles_set ---------------------------------------------------------------------------
@pytest.mark.django_db
def test_roles_are_replaced_and_the_change_audited(administrator, make_staff):
    # given
    user = make_staff(roles=[Role.CLERK])
    # when
    roles = user_roles_set(actor=administrator, user=user, roles=[Role.LEADER, Role.SPECIALIST])
    # then
    assert roles == {Role.LEADER, Role.SPECIALIST}
    assert User.objects.get(pk=user.pk).role_set == {Role.LEADER, Role.SPECIALIST}
    assert user.has_role(Role.LEADER)
    assert not user.has_role(Role.CLERK)
    entry = AuditEntry.objects.get(action=AuditAction.USER_ROLES_CHANGED)
    assert entry.data == {
        "added": ["leader", "specialist"],
        "removed": ["clerk"],
        "roles": ["leader", "specialist"],
    }


@pytest.mark.django_db
def test_setting_the_same_roles_writes_no_audit_entry(administrator, make_staff):
    # given
    user = make_staff(roles=[Role.CLERK])
    # when
    user_roles_set(actor=administrator, user=user, roles=[Role.CLERK])
    # then
    assert not AuditEntry.objects.filter(action=AuditAction.USER_ROLES_CHANGED).exists()


@pytest.mark.django_db
def test_a_non_administrator_cannot_set_roles(make_staff):
    # given
    clerk = make_staff(roles=[Role.CLERK])
    user = make_staff()
    # when / then
    with pytest.raises(PermissionDenied):
        user_roles_set(actor=clerk, user=user, roles=[Role.LEADER])


@pytest.mark.django_db
def test_an_administrator_of_another_agency_cannot_set_roles(administrator):
    # given
    outsider = StaffUserFactory.create()
    # when / then
    with pytest.raises(PermissionDenied):
        user_roles_set(actor=administrator, user=outsider, roles=[Role.LEADER])


@pytest.mark.django_db
def test_citizens_have_no_roles():
    # given
    citizen = CitizenUserFactory.create()
    # when / then
    with pytest.raises(ValidationFailed) as raised:
        user_roles_set(actor=None, user=citizen, roles=[Role.CLERK])
    assert raised.value.code == "not_a_staff_account"


@pytest.mark.django_db
def test_an_administrator_cannot_drop_their_own_administrator_role(administrator):
    # when / then
    with pytest.raises(ValidationFailed) as raised:
        user_roles_set(actor=administrator, user=administrator, roles=[Role.CLERK])
    assert raised.value.code == "cannot_remove_own_administrator"


@pytest.mark.django_db
def test_unknown_roles_cannot_be_set(administrator, make_staff):
    # when / then
    with pytest.raises(ValidationFailed) as raised:
        user_roles_set(actor=administrator, user=make_staff(), roles=["emperor"])
    assert raised.value.code == "invalid_role"


# --- staff_user_update ------------------------------------------------------------------------
@pytest.mark.django_db
def test_details_unit_and_position_are_updated_and_audited(administrator, make_staff, unit):
    # given
    user = make_staff()
    position = PositionFactory.create(name="Trưởng phòng")
    # when
    staff_user_update(
        actor=administrator,
        user=user,
        full_name="  Trần   Văn Mới ",
        phone="0260 3862 000",
        unit=unit,
        position=position,
    )
    # then
    user.refresh_from_db()
    assert (user.full_name, user.unit, user.position) == ("Trần Văn Mới", unit, position)
    entry = AuditEntry.objects.get(action=AuditAction.USER_UPDATED)
    assert set(entry.data["changed"]) == {"full_name", "phone", "unit", "position"}


@pytest.mark.django_db
def test_an_update_that_changes_nothing_is_not_audited(administrator, make_staff):
    # given
    user = make_staff(full_name="Lê Văn A")
    # when
    staff_user_update(actor=administrator, user=user, full_name="Lê Văn A")
    # then
    assert not AuditEntry.objects.filter(action=AuditAction.USER_UPDATED).exists()


@pytest.mark.django_db
def test_unit_none_takes_the_person_out_of_their_unit(administrator, make_staff, unit):
    # given
    user = make_staff(unit=unit)
    # when
    staff_user_update(actor=administrator, user=user, unit=None)
    # then
    user.refresh_from_db()
    assert user.unit is None


@pytest.mark.django_db
def test_an_update_refuses_a_unit_of_another_agency(administrator, make_staff):
    # when / then
    with pytest.raises(ValidationFailed) as raised:
        staff_user_update(actor=administrator, user=make_staff(), unit=InternalUnitFactory.create())
    assert raised.value.code == "unit_not_in_agency"


@pytest.mark.django_db
def test_only_the_agency_administrator_updates_staff(make_staff):
    # when / then
    with pytest.raises(PermissionDenied):
        staff_user_update(actor=make_staff(), user=make_staff(), full_name="X")


@pytest.mark.django_db
def test_staff_update_refuses_public_accounts():
    # when / then
    with pytest.raises(ValidationFailed) as raised:
        staff_user_update(actor=None, user=CitizenUserFactory.create(), full_name="X")
    assert raised.value.code == "not_a_staff_account"


# --- user_deactivate / user_reactivate --------------------------------------------------------
@pytest.mark.django_db
def test_deactivating_and_reactivating_are_audited(administrator, make_staff):
    # given
    user = make_staff()
    # when
    user_deactivate(actor=administrator, user=user)
    user_deactivate(actor=administrator, user=user)  # already inactive: nothing more
    user_reactivate(actor=administrator, user=user)
    user_reactivate(actor=administrator, user=user)
    # then
    user.refresh_from_db()
    assert user.is_active
    assert _actions(user) == [
        AccountsAuditAction.USER_DEACTIVATED,
        AccountsAuditAction.USER_REACTIVATED,
    ]


@pytest.mark.django_db
def test_nobody_deactivates_themself(administrator):
    # when / then
    with pytest.raises(ValidationFailed) as raised:
        user_deactivate(actor=administrator, user=administrator)
    assert raised.value.code == "cannot_deactivate_self"


@pytest.mark.django_db
def test_an_agency_administrator_cannot_deactivate_a_citizen(administrator):
    # when / then
    with pytest.raises(PermissionDenied):
        user_deactivate(actor=administrator, user=CitizenUserFactory.create())


@pytest.mark.django_db
def test_a_superuser_deactivates_a_citizen():
    # given
    citizen = CitizenUserFactory.create()
    # when
    user_deactivate(actor=StaffUserFactory.create(is_superuser=True), user=citizen)
    # then
    citizen.refresh_from_db()
    assert not citizen.is_active


# --- user_unlock ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_unlock_clears_the_lock_and_the_counter(administrator, make_staff):
    # given
    user = make_staff(failed_login_count=5, locked_until=timezone.now() + timedelta(minutes=10))
    # when
    user_unlock(actor=administrator, user=user)
    # then
    user.refresh_from_db()
    assert (user.failed_login_count, user.locked_until) == (0, None)
    entry = AuditEntry.objects.get(action=AuditAction.USER_UNLOCKED)
    assert entry.data["failed_login_count"] == 5


@pytest.mark.django_db
def test_unlocking_an_unlocked_account_writes_nothing(administrator, make_staff):
    # when
    user_unlock(actor=administrator, user=make_staff())
    # then
    assert not AuditEntry.objects.filter(action=AuditAction.USER_UNLOCKED).exists()


@pytest.mark.django_db
def test_a_colleague_without_the_administrator_role_cannot_unlock(make_staff):
    # given
    locked = make_staff(locked_until=timezone.now() + timedelta(minutes=5))
    # when / then
    with pytest.raises(PermissionDenied):
        user_unlock(actor=make_staff(roles=[Role.LEADER]), user=locked)


# --- user_password_set ------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_user_sets_their_own_password_with_argon2(make_staff):
    # given
    user = make_staff()
    # when
    user_password_set(actor=user, user=user, password="Mot-Mat-Khau-Moi-2020")
    # then
    user.refresh_from_db()
    assert user.password.startswith("argon2")
    assert user.check_password("Mot-Mat-Khau-Moi-2020")
    entry = AuditEntry.objects.get(action=AccountsAuditAction.USER_PASSWORD_CHANGED)
    assert entry.data == {"usable": True}


@pytest.mark.django_db
def test_an_administrator_can_disable_password_sign_in(administrator, make_staff):
    # given
    user = make_staff()
    # when
    user_password_set(actor=administrator, user=user, password=None)
    # then
    user.refresh_from_db()
    assert not user.has_usable_password()


@pytest.mark.django_db
def test_a_colleague_cannot_change_someone_elses_password(make_staff):
    # when / then
    with pytest.raises(PermissionDenied):
        user_password_set(actor=make_staff(), user=make_staff(), password="Khac-Hoan-Toan-2020")


@pytest.mark.django_db
def test_a_weak_new_password_is_refused(make_staff):
    # given
    user = make_staff()
    # when / then
    with pytest.raises(ValidationFailed) as raised:
        user_password_set(actor=user, user=user, password="1234")
    assert raised.value.code == "password_invalid"


# --- user_admin_access_set --------------------------------------------------------------------
@pytest.mark.django_db
def test_a_superuser_grants_admin_site_access(make_staff):
    # given
    superuser = make_staff(is_superuser=True)
    user = make_staff()
    # when
    user_admin_access_set(actor=superuser, user=user, is_staff=True, is_superuser=True)
    # then
    user.refresh_from_db()
    assert user.is_staff
    assert user.is_superuser
    assert user.has_role(Role.ADMINISTRATOR)
    assert AccountsAuditAction.USER_ADMIN_ACCESS_CHANGED in _actions(user)


@pytest.mark.django_db
def test_an_agency_administrator_cannot_grant_superuser(administrator, make_staff):
    # when / then
    with pytest.raises(PermissionDenied) as raised:
        user_admin_access_set(
            actor=administrator, user=make_staff(), is_staff=True, is_superuser=True
        )
    assert raised.value.code == "superuser_required"


@pytest.mark.django_db
def test_public_accounts_never_reach_the_admin_site():
    # when / then
    with pytest.raises(ValidationFailed):
        user_admin_access_set(
            actor=None, user=CitizenUserFactory.create(), is_staff=True, is_superuser=False
        )


@pytest.mark.django_db
def test_a_superuser_cannot_demote_themself(make_staff):
    # given
    superuser = make_staff(is_superuser=True, is_staff=True)
    # when / then
    with pytest.raises(ValidationFailed) as raised:
        user_admin_access_set(actor=superuser, user=superuser, is_staff=True, is_superuser=False)
    assert raised.value.code == "cannot_remove_own_superuser"


@pytest.mark.django_db
def test_unchanged_admin_access_writes_nothing(make_staff):
    # given
    user = make_staff()
    # when
    user_admin_access_set(actor=None, user=user, is_staff=False, is_superuser=False)
    # then
    assert _actions(user) == []
