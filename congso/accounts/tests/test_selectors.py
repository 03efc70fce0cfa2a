from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from congso.accounts.constants import Role
from congso.accounts.selectors import (
    delegations_active_on,
    user_effective_roles,
    user_list_for_agency,
    users_acting_for,
)
from congso.accounts.tests.factories import DelegationFactory, StaffUserFactory

DAY = date(2020, 3, 10)


def _delegation(delegator, delegate, starts=DAY, ends=DAY, **kwargs):
    return DelegationFactory.create(
        delegator=delegator, delegate=delegate, starts_on=starts, ends_on=ends, **kwargs
    )


@pytest.mark.django_db
def test_users_of_an_agency_are_listed_optionally_by_role(agency, make_staff):
    # given
    clerk = make_staff(roles=[Role.CLERK])
    leader = make_staff(roles=[Role.LEADER, Role.CLERK])
    make_staff(roles=[Role.SPECIALIST])
    StaffUserFactory.create(roles=[Role.CLERK])  # another agency
    # when
    clerks = list(user_list_for_agency(agency.pk, role=Role.CLERK))
    everyone = list(user_list_for_agency(agency.pk))
    # then
    assert set(clerks) == {clerk, leader}
    assert len(everyone) == 3


@pytest.mark.django_db
def test_own_roles_are_effective_without_any_delegation(make_staff):
    # given
    user = make_staff(roles=[Role.CLERK])
    # when / then
    assert user_effective_roles(user=user, on=DAY) == {Role.CLERK}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("on", "expected"),
    [
        pytest.param(DAY - timedelta(days=1), {"specialist"}, id="before"),
        pytest.param(DAY, {"specialist", "leader"}, id="first-day"),
        pytest.param(DAY + timedelta(days=2), {"specialist", "leader"}, id="last-day"),
        pytest.param(DAY + timedelta(days=3), {"specialist"}, id="after"),
    ],
)
def test_a_delegators_roles_are_effective_only_within_the_period(make_staff, on, expected):
    # given
    leader = make_staff(roles=[Role.LEADER])
    deputy = make_staff(roles=[Role.SPECIALIST])
    _delegation(leader, deputy, DAY, DAY + timedelta(days=2))
    # when / then
    assert user_effective_roles(user=deputy, on=on) == expected


@pytest.mark.django_db
def test_revoked_delegations_and_inactive_delegators_give_nothing(make_staff):
    # given
    deputy = make_staff()
    revoked_from = make_staff(roles=[Role.LEADER])
    _delegation(revoked_from, deputy, revoked_at=timezone.now())
    inactive = make_staff(roles=[Role.CLERK], is_active=False)
    _delegation(inactive, deputy)
    # when / then
    assert user_effective_roles(user=deputy, on=DAY) == frozenset()
    assert list(delegations_active_on(user=deputy, on=DAY)) == []


@pytest.mark.django_db
def test_the_administrator_role_is_never_delegated(make_staff):
    # given
    admin = make_staff(roles=[Role.ADMINISTRATOR, Role.LEADER])
    deputy = make_staff()
    _delegation(admin, deputy)
    # when / then
    assert user_effective_roles(user=deputy, on=DAY) == {Role.LEADER}


@pytest.mark.django_db
def test_delegated_authority_is_not_passed_on(make_staff):
    # given: the chief delegates to the deputy, who delegates to a specialist
    chief = make_staff(roles=[Role.LEADER])
    deputy = make_staff(roles=[Role.SPECIALIST])
    specialist = make_staff(roles=[Role.CLERK])
    _delegation(chief, deputy)
    _delegation(deputy, specialist)
    # when
    roles = user_effective_roles(user=specialist, on=DAY)
    acting = users_acting_for(user=specialist, on=DAY)
    # then (Nghị định 30/2020/NĐ-CP, Điều 13 khoản 3: no re-delegation)
    assert roles == {Role.CLERK, Role.SPECIALIST}
    assert acting == [specialist, deputy]


@pytest.mark.django_db
def test_users_acting_for_lists_the_user_first_then_each_delegator_once(make_staff):
    # given
    deputy = make_staff()
    first = make_staff(roles=[Role.LEADER])
    second = make_staff(roles=[Role.LEADER])
    _delegation(first, deputy, DAY - timedelta(days=3), DAY)
    _delegation(second, deputy, DAY, DAY + timedelta(days=1))
    _delegation(first, deputy, DAY + timedelta(days=1), DAY + timedelta(days=2))
    # when / then
    assert users_acting_for(user=deputy, on=DAY) == [deputy, first, second]
    assert users_acting_for(user=deputy, on=DAY + timedelta(days=1)) == [deputy, second, first]
    assert users_acting_for(user=deputy, on=DAY + timedelta(days=5)) == [deputy]


@pytest.mark.django_db
def test_a_superuser_is_effectively_an_administrator(make_staff):
    # given
    user = make_staff(is_superuser=True)
    # when / then
    assert Role.ADMINISTRATOR in user_effective_roles(user=user, on=DAY)
