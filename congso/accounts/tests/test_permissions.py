from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from rest_framework.exceptions import NotAuthenticated, PermissionDenied
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from congso.accounts.api.permissions import HasRole, IsPublicAccount, IsStaffMember
from congso.accounts.api.request import request_staff, request_user
from congso.accounts.constants import Role
from congso.accounts.tests.factories import (
    BusinessUserFactory,
    CitizenUserFactory,
    DelegationFactory,
    StaffUserFactory,
)


def _request(user) -> Request:
    request = Request(APIRequestFactory().get("/"))
    request.user = user
    return request


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("make_user", "staff", "public"),
    [
        pytest.param(StaffUserFactory, True, False, id="staff"),
        pytest.param(CitizenUserFactory, False, True, id="citizen"),
        pytest.param(BusinessUserFactory, False, True, id="business"),
        pytest.param(lambda: StaffUserFactory.create(is_active=False), False, False, id="inactive"),
        pytest.param(AnonymousUser, False, False, id="anonymous"),
    ],
)
def test_staff_and_public_permissions(make_user, staff, public):
    # given
    request = _request(make_user())
    # when / then
    assert IsStaffMember().has_permission(request, None) is staff
    assert IsPublicAccount().has_permission(request, None) is public


@pytest.mark.django_db
def test_has_role_admits_holders_of_any_listed_role():
    # given
    permission = HasRole.of(Role.CLERK, Role.LEADER)()
    # when / then
    assert permission.has_permission(_request(StaffUserFactory.create(roles=[Role.LEADER])), None)
    assert not permission.has_permission(
        _request(StaffUserFactory.create(roles=[Role.SPECIALIST])), None
    )
    assert not permission.has_permission(_request(AnonymousUser()), None)


@pytest.mark.django_db
def test_has_role_counts_delegated_roles_only_when_asked():
    # given
    delegation = DelegationFactory.create(
        delegator=StaffUserFactory.create(roles=[Role.LEADER]), delegate__roles=[Role.SPECIALIST]
    )
    request = _request(delegation.delegate)
    # when / then
    assert not HasRole.of(Role.LEADER)().has_permission(request, None)
    assert HasRole.of(Role.LEADER, include_delegated=True)().has_permission(request, None)


def test_has_role_needs_a_role():
    # when / then
    with pytest.raises(ValueError, match="at least one role"):
        HasRole.of()


@pytest.mark.django_db
def test_a_superuser_passes_the_administrator_check():
    # when / then
    request = _request(StaffUserFactory.create(is_superuser=True))
    assert HasRole.of(Role.ADMINISTRATOR)().has_permission(request, None)


@pytest.mark.django_db
def test_request_helpers_return_the_typed_user_or_refuse():
    # given
    staff, citizen = StaffUserFactory.create(), CitizenUserFactory.create()
    # when / then
    assert request_staff(_request(staff)) == staff
    assert request_user(_request(citizen)) == citizen
    with pytest.raises(PermissionDenied):
        request_staff(_request(citizen))
    with pytest.raises(NotAuthenticated):
        request_user(_request(AnonymousUser()))
