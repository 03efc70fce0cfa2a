"""The Django admin saves users and delegations through the services (so it is audited)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from congso.accounts.constants import AccountsAuditAction, Role
from congso.accounts.models import Delegation, User
from congso.accounts.tests.conftest import PASSWORD
from congso.accounts.tests.factories import (
    CitizenUserFactory,
    DelegationFactory,
    StaffUserFactory,
)
from congso.audit.constants import AuditAction
from congso.audit.models import AuditEntry
from congso.organizations.tests.factories import AgencyFactory, InternalUnitFactory

USERS = "/admin/accounts/user/"
DELEGATIONS = "/admin/accounts/delegation/"


@pytest.fixture
def superuser(agency):
    return StaffUserFactory.create(agency=agency, is_superuser=True, is_staff=True)


@pytest.fixture
def browser(superuser) -> Client:
    client = Client()
    client.force_login(superuser)
    return client


def _change_data(user: User, roles: list[str], **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "full_name": user.full_name,
        "email": user.email,
        "phone": user.phone,
        "unit": user.unit_id or "",
        "position": user.position_id or "",
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "role_grants-TOTAL_FORMS": str(len(roles)),
        "role_grants-INITIAL_FORMS": "0",
        "role_grants-MIN_NUM_FORMS": "0",
        "role_grants-MAX_NUM_FORMS": "1000",
    }
    for index, role in enumerate(roles):
        data[f"role_grants-{index}-role"] = role
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["", "?group=staff", "?group=public", "?locked=yes", "?locked=no"]
)
def test_the_user_list_opens_with_its_filters(browser, query):
    # given
    StaffUserFactory.create(locked_until=timezone.now() + timedelta(minutes=5))
    CitizenUserFactory.create()
    # when
    response = browser.get(USERS + query)
    # then
    assert response.status_code == 200


@pytest.mark.django_db
def test_the_kind_filters_separate_staff_from_public_accounts(browser):
    # given
    staff = StaffUserFactory.create(username="canbo.loc")
    citizen = CitizenUserFactory.create()
    # when
    staff_page = browser.get(USERS + "?group=staff").content.decode()
    public_page = browser.get(USERS + "?group=public").content.decode()
    # then
    assert staff.username in staff_page
    assert citizen.username not in staff_page
    assert citizen.username in public_page


@pytest.mark.django_db
def test_adding_a_staff_member_goes_through_the_service(browser, superuser, agency, unit):
    # when
    response = browser.post(
        USERS + "add/",
        {
            "username": "moi.admin",
            "full_name": "Người Mới",
            "agency": agency.pk,
            "unit": unit.pk,
            "roles": ["clerk"],
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    # then
    assert response.status_code == 302
    user = User.objects.get(username="moi.admin")
    assert user.password.startswith("argon2")
    assert user.role_set == {Role.CLERK}
    entry = AuditEntry.objects.get(action=AuditAction.USER_CREATED)
    assert entry.actor_id == superuser.pk


@pytest.mark.django_db
def test_adding_with_a_unit_of_another_agency_shows_the_error(browser, agency):
    # when
    response = browser.post(
        USERS + "add/",
        {
            "username": "sai.donvi",
            "full_name": "Sai Đơn Vị",
            "agency": agency.pk,
            "unit": InternalUnitFactory.create().pk,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    # then
    assert response.status_code == 200
    assert "phòng, ban thuộc cơ quan" in response.content.decode()
    assert not User.objects.filter(username="sai.donvi").exists()


@pytest.mark.django_db
def test_editing_details_roles_and_activity_is_audited(browser, agency):
    # given
    user = StaffUserFactory.create(agency=agency, roles=[Role.CLERK], full_name="Tên Cũ")
    # when
    response = browser.post(
        f"{USERS}{user.pk}/change/",
        _change_data(user, ["leader"], full_name="Tên Mới", is_active=""),
    )
    # then
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert user.full_name == "Tên Mới"
    assert not user.is_active
    assert user.role_set == {Role.LEADER}
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        AuditAction.USER_UPDATED,
        AuditAction.USER_ROLES_CHANGED,
        AccountsAuditAction.USER_DEACTIVATED,
    } <= actions


@pytest.mark.django_db
def test_the_admin_password_form_hashes_with_argon2_and_audits(browser, superuser, agency):
    # given
    user = StaffUserFactory.create(agency=agency)
    # when
    response = browser.post(
        f"{USERS}{user.pk}/password/",
        {
            "password1": "Mat-Khau-Quan-Tri-Dat-2020",
            "password2": "Mat-Khau-Quan-Tri-Dat-2020",
            "usable_password": "true",
        },
    )
    # then
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2")
    assert user.check_password("Mat-Khau-Quan-Tri-Dat-2020")
    entry = AuditEntry.objects.get(action=AccountsAuditAction.USER_PASSWORD_CHANGED)
    assert entry.actor_id == superuser.pk


@pytest.mark.django_db
def test_the_unlock_action_unlocks_through_the_service(browser):
    # given
    locked = StaffUserFactory.create(
        failed_login_count=5, locked_until=timezone.now() + timedelta(hours=1)
    )
    # when
    browser.post(USERS, {"action": "unlock_selected", "_selected_action": [locked.pk]})
    # then
    locked.refresh_from_db()
    assert locked.locked_until is None
    assert AuditEntry.objects.filter(action=AuditAction.USER_UNLOCKED).count() == 1


@pytest.mark.django_db
def test_staff_without_the_administrator_role_cannot_open_the_user_admin(agency):
    # given
    client = Client()
    client.force_login(StaffUserFactory.create(agency=agency, is_staff=True, roles=[Role.CLERK]))
    # when
    response = client.get(USERS)
    # then
    assert response.status_code == 403


@pytest.mark.django_db
def test_granting_a_delegation_in_the_admin_is_audited(browser, make_staff):
    # given
    leader, deputy = make_staff(), make_staff()
    today = timezone.localdate()
    # when
    response = browser.post(
        DELEGATIONS + "add/",
        {
            "delegator": leader.pk,
            "delegate": deputy.pk,
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=2)).isoformat(),
            "scope": "Ký thay",
        },
    )
    # then
    assert response.status_code == 302
    assert Delegation.objects.get().delegator == leader
    assert AuditEntry.objects.filter(action=AuditAction.DELEGATION_GRANTED).count() == 1


@pytest.mark.django_db
def test_an_invalid_delegation_shows_the_service_error(browser, make_staff):
    # given
    leader = make_staff()
    today = timezone.localdate().isoformat()
    # when
    response = browser.post(
        DELEGATIONS + "add/",
        {
            "delegator": leader.pk,
            "delegate": StaffUserFactory.create().pk,
            "starts_on": today,
            "ends_on": today,
        },
    )
    # then
    assert response.status_code == 200
    assert "cùng cơ quan" in response.content.decode()
    assert not Delegation.objects.exists()


@pytest.mark.django_db
def test_the_revoke_action_revokes_through_the_service(browser, make_staff):
    # given
    delegation = DelegationFactory.create(delegator=make_staff(), delegate=make_staff())
    # when
    browser.post(DELEGATIONS, {"action": "revoke_selected", "_selected_action": [delegation.pk]})
    # then
    delegation.refresh_from_db()
    assert delegation.revoked_at is not None
    assert AuditEntry.objects.filter(action=AuditAction.DELEGATION_REVOKED).count() == 1


@pytest.fixture
def agency_admin_browser(administrator) -> Client:
    """An agency administrator (not a superuser) with the admin-site permissions on users."""
    administrator.is_staff = True
    administrator.save(update_fields=["is_staff"])
    administrator.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="accounts",
            codename__in=["add_user", "change_user", "view_user"],
        )
    )
    client = Client()
    client.force_login(administrator)
    return client


@pytest.mark.django_db
def test_an_agency_administrator_sees_only_their_agency(agency_admin_browser, make_staff):
    # given
    colleague = make_staff(username="dong.nghiep")
    outsider = StaffUserFactory.create(username="nguoi.ngoai")
    # when
    page = agency_admin_browser.get(USERS).content.decode()
    # then
    assert colleague.username in page
    assert outsider.username not in page


@pytest.mark.django_db
def test_an_agency_administrator_cannot_add_staff_to_another_agency(agency_admin_browser):
    # given
    other = AgencyFactory.create()
    # when
    response = agency_admin_browser.post(
        USERS + "add/",
        {
            "username": "sang.ngang",
            "full_name": "Sang Ngang",
            "agency": other.pk,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    # then
    assert response.status_code == 200
    assert "quản trị hệ thống của cơ quan" in response.content.decode()
    assert not User.objects.filter(username="sang.ngang").exists()


@pytest.mark.django_db
def test_an_agency_administrator_cannot_drop_their_own_administrator_role(
    agency_admin_browser, administrator
):
    # when
    response = agency_admin_browser.post(
        f"{USERS}{administrator.pk}/change/", _change_data(administrator, ["clerk"])
    )
    # then
    assert response.status_code == 200
    assert "vai trò quản trị hệ thống của chính mình" in response.content.decode()
    assert User.objects.get(pk=administrator.pk).role_set == {Role.ADMINISTRATOR}


@pytest.mark.django_db
def test_an_agency_administrator_changes_a_colleagues_roles(agency_admin_browser, make_staff):
    # given
    colleague = make_staff(roles=[Role.CLERK])
    # when
    response = agency_admin_browser.post(
        f"{USERS}{colleague.pk}/change/", _change_data(colleague, ["clerk", "leader"])
    )
    # then
    assert response.status_code == 302
    assert User.objects.get(pk=colleague.pk).role_set == {Role.CLERK, Role.LEADER}
    assert AuditEntry.objects.filter(action=AuditAction.USER_ROLES_CHANGED).count() == 1
