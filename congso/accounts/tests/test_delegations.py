from __future__ import annotations

from datetime import date, timedelta

import pytest

from congso.accounts.constants import Role
from congso.accounts.models import Delegation
from congso.accounts.services import delegation_grant, delegation_revoke
from congso.accounts.tests.factories import (
    CitizenUserFactory,
    DelegationFactory,
    StaffUserFactory,
)
from congso.audit.constants import AuditAction
from congso.audit.models import AuditEntry
from congso.core.errors import Conflict, PermissionDenied, ValidationFailed

TODAY = date(2020, 3, 2)


@pytest.fixture(autouse=True)
def _today(clock):
    clock.current = clock.current.replace(year=2020, month=3, day=2, hour=3)


@pytest.fixture
def leader(make_staff):
    return make_staff(roles=[Role.LEADER])


@pytest.fixture
def deputy(make_staff):
    return make_staff(roles=[Role.SPECIALIST])


def _grant(actor, delegator, delegate, starts_on=TODAY, ends_on=TODAY + timedelta(days=4), **kw):
    return delegation_grant(
        actor=actor,
        delegator=delegator,
        delegate=delegate,
        starts_on=starts_on,
        ends_on=ends_on,
        **kw,
    )


@pytest.mark.django_db
def test_a_leader_delegates_to_a_colleague_and_it_is_audited(leader, deputy):
    # when
    delegation = _grant(leader, leader, deputy, scope="Ký văn bản khi đi công tác")
    # then
    delegation.refresh_from_db()
    assert (delegation.delegator, delegation.delegate) == (leader, deputy)
    assert delegation.scope == "Ký văn bản khi đi công tác"
    entry = AuditEntry.objects.get(action=AuditAction.DELEGATION_GRANTED)
    assert entry.actor_id == leader.pk
    assert entry.agency_id == leader.agency_id
    assert entry.data["ends_on"] == "2020-03-06"


@pytest.mark.django_db
def test_the_agency_administrator_may_grant_on_the_delegators_behalf(administrator, leader, deputy):
    # when
    delegation = _grant(administrator, leader, deputy)
    # then
    assert AuditEntry.objects.get(target_id=str(delegation.pk)).actor_id == administrator.pk


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["delegate", "colleague", "foreign-admin"])
def test_nobody_else_may_grant(leader, deputy, make_staff, who):
    # given
    actor = {
        "delegate": deputy,
        "colleague": make_staff(roles=[Role.LEADER]),
        "foreign-admin": StaffUserFactory.create(roles=[Role.ADMINISTRATOR]),
    }[who]
    # when / then
    with pytest.raises(PermissionDenied) as raised:
        _grant(actor, leader, deputy)
    assert raised.value.code == "delegation_forbidden"


@pytest.mark.django_db
def test_no_delegation_to_oneself(leader):
    # when / then
    with pytest.raises(ValidationFailed) as raised:
        _grant(leader, leader, leader)
    assert raised.value.code == "delegation_to_self"


@pytest.mark.django_db
def test_both_must_be_staff_of_the_same_agency(leader):
    # when / then
    with pytest.raises(ValidationFailed) as other_agency:
        _grant(leader, leader, StaffUserFactory.create())
    with pytest.raises(ValidationFailed) as citizen:
        _grant(leader, leader, CitizenUserFactory.create())
    assert other_agency.value.code == "delegation_other_agency"
    assert citizen.value.code == "delegation_staff_only"


@pytest.mark.django_db
def test_an_inactive_delegate_cannot_receive_a_delegation(leader, make_staff):
    # when / then
    with pytest.raises(ValidationFailed) as raised:
        _grant(leader, leader, make_staff(is_active=False))
    assert (raised.value.code, raised.value.field) == ("delegation_staff_only", "delegate")


@pytest.mark.django_db
def test_the_period_must_be_ordered(leader, deputy):
    # when / then
    with pytest.raises(ValidationFailed) as raised:
        _grant(leader, leader, deputy, starts_on=TODAY, ends_on=TODAY - timedelta(days=1))
    assert (raised.value.code, raised.value.field) == ("delegation_period_invalid", "ends_on")


@pytest.mark.django_db
def test_a_one_day_delegation_is_allowed(leader, deputy):
    # when
    delegation = _grant(leader, leader, deputy, starts_on=TODAY, ends_on=TODAY)
    # then
    assert delegation.pk is not None


@pytest.mark.django_db
def test_a_period_already_over_is_refused(leader, deputy):
    # when / then
    with pytest.raises(ValidationFailed) as raised:
        _grant(
            leader,
            leader,
            deputy,
            starts_on=TODAY - timedelta(days=5),
            ends_on=TODAY - timedelta(days=1),
        )
    assert raised.value.code == "delegation_in_past"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("starts", "ends", "overlaps"),
    [
        pytest.param(0, 4, True, id="same"),
        pytest.param(4, 8, True, id="touching-last-day"),
        pytest.param(-3, 0, True, id="touching-first-day"),
        pytest.param(1, 2, True, id="inside"),
        pytest.param(5, 9, False, id="after"),
    ],
)
def test_overlapping_active_delegations_to_the_same_person_are_refused(
    leader, deputy, starts, ends, overlaps
):
    # given
    _grant(leader, leader, deputy)  # TODAY .. TODAY+4

    # when
    def again() -> Delegation:
        return _grant(
            leader,
            leader,
            deputy,
            starts_on=TODAY + timedelta(days=starts),
            ends_on=TODAY + timedelta(days=ends),
        )

    # then
    if overlaps:
        with pytest.raises(Conflict) as raised:
            again()
        assert raised.value.code == "delegation_overlaps"
    else:
        assert again().pk is not None


@pytest.mark.django_db
def test_overlap_rules_ignore_revoked_delegations_and_other_delegates(leader, deputy, make_staff):
    # given
    first = _grant(leader, leader, deputy)
    delegation_revoke(actor=leader, delegation=first)
    # when
    again = _grant(leader, leader, deputy)
    to_someone_else = _grant(leader, leader, make_staff())
    # then
    assert again.pk != first.pk
    assert to_someone_else.pk is not None


@pytest.mark.django_db
def test_the_delegator_revokes_and_it_is_audited(leader, deputy):
    # given
    delegation = _grant(leader, leader, deputy)
    # when
    delegation_revoke(actor=leader, delegation=delegation)
    # then
    delegation.refresh_from_db()
    assert delegation.revoked_at is not None
    assert AuditEntry.objects.get(action=AuditAction.DELEGATION_REVOKED).actor_id == leader.pk


@pytest.mark.django_db
def test_the_agency_administrator_may_revoke(administrator, leader, deputy):
    # given
    delegation = _grant(leader, leader, deputy)
    # when
    delegation_revoke(actor=administrator, delegation=delegation)
    # then
    delegation.refresh_from_db()
    assert delegation.revoked_at is not None


@pytest.mark.django_db
def test_the_delegate_cannot_revoke(leader, deputy):
    # given
    delegation = _grant(leader, leader, deputy)
    # when / then
    with pytest.raises(PermissionDenied):
        delegation_revoke(actor=deputy, delegation=delegation)


@pytest.mark.django_db
def test_revoking_twice_is_refused(leader, deputy):
    # given
    delegation = DelegationFactory.create(delegator=leader, delegate=deputy)
    delegation_revoke(actor=leader, delegation=delegation)
    # when / then
    with pytest.raises(Conflict) as raised:
        delegation_revoke(actor=leader, delegation=delegation)
    assert raised.value.code == "delegation_already_revoked"
