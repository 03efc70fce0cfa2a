"""The accounts API contract: shapes, status codes, error codes, permissions, query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from congso.accounts.constants import Role
from congso.accounts.models import Delegation, User
from congso.accounts.tests.conftest import PASSWORD
from congso.accounts.tests.factories import (
    CitizenUserFactory,
    DelegationFactory,
    StaffUserFactory,
)
from congso.organizations.tests.factories import InternalUnitFactory, PositionFactory

ME = "/api/v1/accounts/me/"
USERS = "/api/v1/accounts/users/"
DELEGATIONS = "/api/v1/accounts/delegations/"
REGISTER = "/api/v1/accounts/citizens/register/"


def _client(user: User | None = None) -> APIClient:
    client = APIClient(enforce_csrf_checks=True)
    if user is not None:
        client.force_authenticate(user)
    return client


def _error(response) -> dict:
    return response.json()["error"]


# --- /me/ -------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_me_describes_the_signed_in_staff_member_with_todays_effective_roles(agency, unit):
    # given
    position = PositionFactory.create(name="Chuyên viên")
    me = StaffUserFactory.create(
        agency=agency, unit=unit, position=position, roles=[Role.SPECIALIST]
    )
    leader = StaffUserFactory.create(agency=agency, roles=[Role.LEADER])
    DelegationFactory.create(delegator=leader, delegate=me)
    # when
    response = _client(me).get(ME)
    # then
    assert response.status_code == 200
    assert response.json() == {
        "id": me.pk,
        "username": me.username,
        "full_name": me.full_name,
        "kind": "staff",
        "agency": {"id": agency.pk, "name": agency.name},
        "unit": {"id": unit.pk, "name": unit.name},
        "position": {"id": position.pk, "name": "Chuyên viên"},
        "roles": ["specialist"],
        "effective_roles": ["leader", "specialist"],
        "totp_enabled": False,
    }


@pytest.mark.django_db
def test_me_for_a_citizen_has_no_agency():
    # given
    citizen = CitizenUserFactory.create()
    # when
    body = _client(citizen).get(ME).json()
    # then
    assert (body["kind"], body["agency"], body["unit"], body["roles"]) == (
        "citizen",
        None,
        None,
        [],
    )


@pytest.mark.django_db
def test_me_needs_a_signed_in_user():
    # when
    response = _client().get(ME)
    # then
    assert response.status_code in (401, 403)
    assert _error(response)["code"] == "not_authenticated"


# --- /users/ list -----------------------------------------------------------------------------
@pytest.mark.django_db
def test_an_administrator_lists_their_own_agency_in_few_queries(
    administrator, make_staff, unit, django_assert_max_num_queries
):
    # given
    for number in range(20):
        make_staff(unit=unit, roles=[Role.CLERK] if number % 2 else [Role.SPECIALIST])
    StaffUserFactory.create()  # another agency
    CitizenUserFactory.create()
    # when
    with django_assert_max_num_queries(6):
        response = _client(administrator).get(USERS, {"page_size": 50})
    # then
    assert response.status_code == 200
    body = response.json()
    assert {"next", "previous", "results"} <= set(body)
    assert len(body["results"]) == 21  # 20 + the administrator
    first = body["results"][0]
    assert set(first) == {
        "id",
        "username",
        "full_name",
        "email",
        "phone",
        "kind",
        "agency",
        "unit",
        "position",
        "roles",
        "is_active",
        "is_locked",
        "locked_until",
        "failed_login_count",
        "totp_enabled",
    }
    assert "password" not in first


@pytest.mark.django_db
def test_the_user_list_filters_by_role(administrator, make_staff):
    # given
    clerk = make_staff(roles=[Role.CLERK])
    make_staff(roles=[Role.LEADER])
    # when
    body = _client(administrator).get(USERS, {"role": "clerk"}).json()
    # then
    assert [row["id"] for row in body["results"]] == [clerk.pk]


@pytest.mark.django_db
def test_an_unknown_role_filter_is_a_validation_error(administrator):
    # when
    response = _client(administrator).get(USERS, {"role": "king"})
    # then
    assert response.status_code == 400
    assert _error(response)["code"] == "validation_failed"
    assert "role" in _error(response)["fields"]


@pytest.mark.django_db
def test_a_superuser_lists_staff_of_every_agency(make_staff):
    # given
    superuser = make_staff(is_superuser=True)
    StaffUserFactory.create()
    # when
    body = _client(superuser).get(USERS).json()
    # then
    assert len(body["results"]) == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who",
    [
        pytest.param(lambda: StaffUserFactory.create(roles=[Role.CLERK]), id="clerk"),
        pytest.param(CitizenUserFactory, id="citizen"),
    ],
)
def test_only_administrators_list_users(who):
    # when
    response = _client(who()).get(USERS)
    # then
    assert response.status_code == 403
    assert _error(response)["code"] == "permission_denied"


# --- /users/ create ---------------------------------------------------------------------------
@pytest.mark.django_db
def test_an_administrator_creates_a_staff_member(administrator, agency, unit):
    # given
    position = PositionFactory.create(name="Văn thư")
    # when
    response = _client(administrator).post(
        USERS,
        {
            "username": "vanthu.moi",
            "full_name": "Lê Thị Mới",
            "password": PASSWORD,
            "unit": unit.pk,
            "position": position.pk,
            "roles": ["clerk"],
        },
        format="json",
    )
    # then
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["agency"] == {"id": agency.pk, "name": agency.name}
    assert body["unit"]["id"] == unit.pk
    assert body["roles"] == ["clerk"]
    assert "password" not in body
    assert User.objects.get(username="vanthu.moi").password.startswith("argon2")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "status", "code", "field"),
    [
        pytest.param({"unit": "other"}, 400, "unit_not_in_agency", "unit", id="foreign-unit"),
        pytest.param({"password": "123"}, 400, "password_invalid", "password", id="weak"),
        pytest.param({"roles": ["king"]}, 400, "validation_failed", "roles", id="bad-role"),
        pytest.param({"unit": 987654}, 400, "validation_failed", "unit", id="no-such-unit"),
        pytest.param({"username": ""}, 400, "validation_failed", "username", id="blank-name"),
        pytest.param({"agency": "other"}, 403, "administrator_required", None, id="other-agency"),
    ],
)
def test_staff_creation_errors_are_structured(administrator, change, status, code, field):
    # given
    other_unit = InternalUnitFactory.create()
    data = {"username": "ai.do", "full_name": "Ai Đó", "password": PASSWORD}
    data.update(change)
    if data.get("unit") == "other":
        data["unit"] = other_unit.pk
    if data.get("agency") == "other":
        data["agency"] = other_unit.parent_id
    # when
    response = _client(administrator).post(USERS, data, format="json")
    # then
    assert response.status_code == status
    assert _error(response)["code"] == code
    if field:
        assert field in _error(response)["fields"]
    assert not User.objects.filter(username="ai.do").exists()


@pytest.mark.django_db
def test_a_non_administrator_cannot_create_users(make_staff):
    # when
    response = _client(make_staff(roles=[Role.LEADER])).post(
        USERS, {"username": "x", "full_name": "X", "password": PASSWORD}, format="json"
    )
    # then
    assert response.status_code == 403


# --- /users/{id}/unlock/ ----------------------------------------------------------------------
@pytest.mark.django_db
def test_an_administrator_unlocks_a_colleague(administrator, make_staff):
    # given
    locked = make_staff(failed_login_count=5, locked_until=timezone.now() + timedelta(minutes=9))
    # when
    response = _client(administrator).post(f"{USERS}{locked.pk}/unlock/")
    # then
    assert response.status_code == 200
    assert response.json()["is_locked"] is False
    assert response.json()["failed_login_count"] == 0


@pytest.mark.django_db
def test_unlocking_someone_of_another_agency_looks_like_a_missing_user(administrator):
    # given
    outsider = StaffUserFactory.create(locked_until=timezone.now() + timedelta(minutes=9))
    # when
    response = _client(administrator).post(f"{USERS}{outsider.pk}/unlock/")
    # then
    assert response.status_code == 404
    assert _error(response)["code"] == "user_not_found"
    outsider.refresh_from_db()
    assert outsider.locked_until is not None


@pytest.mark.django_db
def test_a_non_administrator_cannot_unlock(make_staff):
    # given
    locked = make_staff(locked_until=timezone.now() + timedelta(minutes=9))
    # when
    response = _client(make_staff()).post(f"{USERS}{locked.pk}/unlock/")
    # then
    assert response.status_code == 403


# --- /delegations/ ----------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_leader_grants_a_delegation_to_a_colleague(make_staff):
    # given
    leader, deputy = make_staff(roles=[Role.LEADER]), make_staff()
    today = timezone.localdate()
    # when
    response = _client(leader).post(
        DELEGATIONS,
        {
            "delegate": deputy.pk,
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=3)).isoformat(),
            "scope": "Ký văn bản",
        },
        format="json",
    )
    # then
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["delegator"]["id"] == leader.pk
    assert body["delegate"] == {
        "id": deputy.pk,
        "username": deputy.username,
        "full_name": deputy.full_name,
    }
    assert body["revoked_at"] is None


@pytest.mark.django_db
def test_the_administrator_grants_on_behalf_of_a_leader(administrator, make_staff):
    # given
    leader, deputy = make_staff(roles=[Role.LEADER]), make_staff()
    today = timezone.localdate().isoformat()
    # when
    response = _client(administrator).post(
        DELEGATIONS,
        {"delegator": leader.pk, "delegate": deputy.pk, "starts_on": today, "ends_on": today},
        format="json",
    )
    # then
    assert response.status_code == 201
    assert response.json()["delegator"]["id"] == leader.pk


@pytest.mark.django_db
def test_granting_for_someone_else_without_being_administrator_is_forbidden(make_staff):
    # given
    leader, deputy = make_staff(roles=[Role.LEADER]), make_staff()
    today = timezone.localdate().isoformat()
    # when
    response = _client(deputy).post(
        DELEGATIONS,
        {"delegator": leader.pk, "delegate": deputy.pk, "starts_on": today, "ends_on": today},
        format="json",
    )
    # then
    assert response.status_code == 403
    assert _error(response)["code"] == "delegation_forbidden"


@pytest.mark.django_db
def test_a_delegate_of_another_agency_looks_missing(make_staff):
    # given
    today = timezone.localdate().isoformat()
    # when
    response = _client(make_staff()).post(
        DELEGATIONS,
        {"delegate": StaffUserFactory.create().pk, "starts_on": today, "ends_on": today},
        format="json",
    )
    # then
    assert response.status_code == 404
    assert _error(response)["code"] == "user_not_found"


@pytest.mark.django_db
def test_an_overlapping_grant_is_a_conflict(make_staff):
    # given
    delegation = DelegationFactory.create(delegator=make_staff(), delegate=make_staff())
    # when
    response = _client(delegation.delegator).post(
        DELEGATIONS,
        {
            "delegate": delegation.delegate_id,
            "starts_on": delegation.starts_on.isoformat(),
            "ends_on": delegation.starts_on.isoformat(),
        },
        format="json",
    )
    # then
    assert response.status_code == 409
    assert _error(response)["code"] == "delegation_overlaps"
    assert _error(response)["details"] == {"delegation_id": delegation.pk}


@pytest.mark.django_db
def test_a_reversed_period_is_a_field_error(make_staff):
    # given
    today = timezone.localdate()
    # when
    response = _client(make_staff()).post(
        DELEGATIONS,
        {
            "delegate": make_staff().pk,
            "starts_on": today.isoformat(),
            "ends_on": (today - timedelta(days=1)).isoformat(),
        },
        format="json",
    )
    # then
    assert response.status_code == 400
    assert _error(response)["code"] == "delegation_period_invalid"
    assert "ends_on" in _error(response)["fields"]


@pytest.mark.django_db
def test_delegations_are_listed_for_the_parties_and_the_agency_administrator(
    administrator, make_staff, django_assert_max_num_queries
):
    # given
    leader = make_staff()
    mine = [DelegationFactory.create(delegator=leader, delegate=make_staff()) for _ in range(20)]
    DelegationFactory.create(delegator=make_staff(), delegate=make_staff())  # not the leader's
    DelegationFactory.create()  # another agency
    # when
    with django_assert_max_num_queries(5):
        as_leader = _client(leader).get(DELEGATIONS).json()
    as_admin = _client(administrator).get(DELEGATIONS).json()
    # then
    assert {row["id"] for row in as_leader["results"]} == {d.pk for d in mine}
    assert len(as_admin["results"]) == 21


@pytest.mark.django_db
def test_the_delegation_list_filters_by_day(make_staff):
    # given
    leader = make_staff()
    today = timezone.localdate()
    current = DelegationFactory.create(delegator=leader, delegate=make_staff(), starts_on=today)
    DelegationFactory.create(
        delegator=leader, delegate=make_staff(), starts_on=today + timedelta(days=30)
    )
    # when
    body = _client(leader).get(DELEGATIONS, {"active_on": today.isoformat()}).json()
    # then
    assert [row["id"] for row in body["results"]] == [current.pk]


@pytest.mark.django_db
def test_citizens_have_no_delegations():
    # when
    response = _client(CitizenUserFactory.create()).get(DELEGATIONS)
    # then
    assert response.status_code == 403


@pytest.mark.django_db
def test_the_delegator_revokes_once(make_staff):
    # given
    delegation = DelegationFactory.create(delegator=make_staff(), delegate=make_staff())
    client = _client(delegation.delegator)
    url = f"{DELEGATIONS}{delegation.pk}/revoke/"
    # when
    first = client.post(url)
    second = client.post(url)
    # then
    assert first.status_code == 200
    assert first.json()["revoked_at"] is not None
    assert second.status_code == 409
    assert _error(second)["code"] == "delegation_already_revoked"


@pytest.mark.django_db
def test_the_delegate_cannot_revoke_and_outsiders_do_not_see_it(make_staff):
    # given
    delegation = DelegationFactory.create(delegator=make_staff(), delegate=make_staff())
    url = f"{DELEGATIONS}{delegation.pk}/revoke/"
    # when
    by_delegate = _client(delegation.delegate).post(url)
    by_outsider = _client(make_staff()).post(url)
    # then
    assert by_delegate.status_code == 403
    assert by_outsider.status_code == 404
    assert _error(by_outsider)["code"] == "delegation_not_found"
    assert Delegation.objects.get(pk=delegation.pk).revoked_at is None


# --- /citizens/register/ ----------------------------------------------------------------------
@pytest.mark.django_db
def test_anyone_may_register_as_a_citizen_without_a_csrf_token():
    # when
    response = _client().post(
        REGISTER,
        {"citizen_id_number": "062090001234", "full_name": "Nguyễn Văn Dân", "password": PASSWORD},
        format="json",
    )
    # then
    assert response.status_code == 201
    body = response.json()
    assert body["username"] == "062090001234"
    assert body["kind"] == "citizen"
    assert set(body) == {"id", "username", "full_name", "kind"}


@pytest.mark.django_db
@pytest.mark.parametrize("number", ["06209000123", "097090001234", "06209000123x"])
def test_a_malformed_cccd_is_refused_with_invalid_citizen_id(number):
    # when
    response = _client().post(
        REGISTER,
        {"citizen_id_number": number, "full_name": "Ai Đó", "password": PASSWORD},
        format="json",
    )
    # then
    assert response.status_code == 400
    error = _error(response)
    assert error["code"] == "invalid_citizen_id"
    assert list(error["fields"]) == ["citizen_id_number"]
    assert error["message"]


@pytest.mark.django_db
def test_a_registered_cccd_is_a_conflict():
    # given
    CitizenUserFactory.create(username="062090001234")
    # when
    response = _client().post(
        REGISTER,
        {"citizen_id_number": "062090001234", "full_name": "Ai Đó", "password": PASSWORD},
        format="json",
    )
    # then
    assert response.status_code == 409
    assert _error(response)["code"] == "already_registered"


@pytest.mark.django_db
def test_registration_fields_are_required():
    # when
    response = _client().post(REGISTER, {}, format="json")
    # then
    assert response.status_code == 400
    assert set(_error(response)["fields"]) >= {"citizen_id_number", "full_name", "password"}


@pytest.mark.django_db
def test_a_superuser_without_an_agency_must_name_one():
    # given
    superuser = StaffUserFactory.create(agency=None, is_superuser=True)
    # when
    response = _client(superuser).post(
        USERS, {"username": "x.y", "full_name": "X Y", "password": PASSWORD}, format="json"
    )
    # then
    assert response.status_code == 400
    assert _error(response)["code"] == "agency_required"
