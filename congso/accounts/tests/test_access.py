from __future__ import annotations

import pytest

from congso.accounts.access import (
    access_colleague_by_id,
    access_delegation_by_id,
    access_user_by_id,
    require_administrator,
)
from congso.accounts.constants import Role
from congso.accounts.tests.factories import (
    CitizenUserFactory,
    DelegationFactory,
    StaffUserFactory,
)
from congso.core.errors import NotFound, PermissionDenied


# --- access_user_by_id ------------------------------------------------------------------------
@pytest.mark.django_db
def test_everyone_may_see_themself():
    # given
    citizen = CitizenUserFactory.create()
    # when / then
    assert access_user_by_id(actor=citizen, user_id=citizen.pk) == citizen


@pytest.mark.django_db
def test_an_administrator_sees_the_staff_of_their_agency(administrator, make_staff):
    # given
    colleague = make_staff()
    # when / then
    assert access_user_by_id(actor=administrator, user_id=colleague.pk) == colleague


@pytest.mark.django_db
def test_a_superuser_sees_anyone():
    # given
    citizen = CitizenUserFactory.create()
    # when / then
    assert (
        access_user_by_id(actor=StaffUserFactory.create(is_superuser=True), user_id=citizen.pk)
        == citizen
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "case", ["colleague-without-role", "admin-of-another-agency", "citizen-by-admin", "missing"]
)
def test_anything_else_looks_missing(administrator, make_staff, case):
    # given
    actor, target_id = {
        "colleague-without-role": lambda: (make_staff(roles=[Role.LEADER]), make_staff().pk),
        "admin-of-another-agency": lambda: (administrator, StaffUserFactory.create().pk),
        "citizen-by-admin": lambda: (administrator, CitizenUserFactory.create().pk),
        "missing": lambda: (administrator, 987_654),
    }[case]()
    # when / then
    with pytest.raises(NotFound) as raised:
        access_user_by_id(actor=actor, user_id=target_id)
    assert raised.value.code == "user_not_found"


# --- access_colleague_by_id -------------------------------------------------------------------
@pytest.mark.django_db
def test_colleagues_are_staff_of_the_same_agency(make_staff):
    # given
    me, colleague = make_staff(), make_staff()
    # when / then
    assert access_colleague_by_id(actor=me, user_id=colleague.pk) == colleague
    with pytest.raises(NotFound):
        access_colleague_by_id(actor=me, user_id=StaffUserFactory.create().pk)
    with pytest.raises(NotFound):
        access_colleague_by_id(actor=me, user_id=CitizenUserFactory.create().pk)
    with pytest.raises(NotFound):
        access_colleague_by_id(actor=CitizenUserFactory.create(), user_id=colleague.pk)


@pytest.mark.django_db
def test_a_superuser_reaches_staff_of_any_agency():
    # given
    other = StaffUserFactory.create()
    # when / then
    assert (
        access_colleague_by_id(actor=StaffUserFactory.create(is_superuser=True), user_id=other.pk)
        == other
    )


# --- access_delegation_by_id ------------------------------------------------------------------
@pytest.mark.django_db
def test_a_delegation_is_seen_by_both_parties_and_the_agency_administrator(
    administrator, make_staff
):
    # given
    delegation = DelegationFactory.create(delegator=make_staff(), delegate=make_staff())
    # when / then
    for actor in (delegation.delegator, delegation.delegate, administrator):
        assert access_delegation_by_id(actor=actor, delegation_id=delegation.pk) == delegation


@pytest.mark.django_db
def test_a_delegation_is_hidden_from_others(make_staff):
    # given
    delegation = DelegationFactory.create(delegator=make_staff(), delegate=make_staff())
    # when / then
    for actor in (make_staff(), StaffUserFactory.create(roles=[Role.ADMINISTRATOR])):
        with pytest.raises(NotFound):
            access_delegation_by_id(actor=actor, delegation_id=delegation.pk)
    with pytest.raises(NotFound):
        access_delegation_by_id(actor=delegation.delegator, delegation_id=987_654)


# --- require_administrator --------------------------------------------------------------------
@pytest.mark.django_db
def test_require_administrator(administrator, make_staff):
    # when / then
    require_administrator(administrator)
    require_administrator(make_staff(is_superuser=True))
    for actor in (None, make_staff(roles=[Role.LEADER]), CitizenUserFactory.create()):
        with pytest.raises(PermissionDenied):
            require_administrator(actor)
