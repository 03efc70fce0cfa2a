"""The main navigation shows the one-stop pages to the right people, and the demo staffs them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from congso.accounts.tests.factories import CitizenUserFactory, StaffUserFactory
from congso.core.identity import Role

pytestmark = pytest.mark.django_db

ONE_STOP, PORTAL, CATALOGUE, SYNC = "/mot-cua/", "/dich-vu-cong/", "/thu-tuc/", "/dong-bo-cong-dvc/"


def nav_links(user: Any | None) -> set[str]:
    client = Client()
    if user is not None:
        client.force_login(user)
    html = client.get("/").content.decode()
    nav = html.split('class="site-nav"', 1)[1].split("</nav>", 1)[0]
    return {link for link in (ONE_STOP, PORTAL, CATALOGUE, SYNC) if f'href="{link}"' in nav}


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        ([Role.ONE_STOP_OFFICER], {ONE_STOP, PORTAL, CATALOGUE}),
        ([Role.SPECIALIST], {ONE_STOP, PORTAL, CATALOGUE}),
        ([Role.LEADER], {ONE_STOP, PORTAL, CATALOGUE}),
        ([Role.CLERK], {PORTAL, CATALOGUE}),
        ([Role.ADMINISTRATOR], {PORTAL, CATALOGUE, SYNC}),
    ],
)
def test_staff_see_the_one_stop_links_of_their_roles(roles: list[str], expected: set[str]) -> None:
    # given a staff member with these roles
    user = StaffUserFactory(roles=roles)
    # when / then
    assert nav_links(user) == expected


def test_citizens_and_visitors_see_the_public_service_links_only() -> None:
    # given a citizen, and nobody signed in
    citizen = CitizenUserFactory()
    # when / then
    assert nav_links(citizen) == {PORTAL, CATALOGUE}
    assert nav_links(None) == {PORTAL, CATALOGUE}


def test_the_public_services_home_leads_to_the_catalogue_and_tracking() -> None:
    # when
    response = Client().get(PORTAL)
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/thu-tuc/"' in html
    assert 'href="/dich-vu-cong/tra-cuu/"' in html


@pytest.mark.django_db(transaction=True)
def test_the_demo_staffs_the_desks_and_the_agencies_of_its_liên_thông_procedures(
    settings: Any,
) -> None:
    # given the demo (fast hashing: the password hashing is tested elsewhere)
    from django.core.management import call_command

    from congso.accounts.models import User
    from congso.organizations.constants import AgencyKind
    from congso.procedures.models import Procedure

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_demo", verbosity=0)
    staff = User.objects.filter(kind="staff").select_related("agency")

    def officers(role: str, **agency: Any) -> int:
        return staff.filter(
            role_grants__role=role, **{f"agency__{k}": v for k, v in agency.items()}
        ).count()

    # then a one-stop officer at the service centre and at a UBND huyện/xã
    assert officers(Role.ONE_STOP_OFFICER, code_qcvn102="000.01.01.H34") >= 1
    assert (
        officers(Role.ONE_STOP_OFFICER, kind=AgencyKind.COMMUNE_COMMITTEE)
        + officers(Role.ONE_STOP_OFFICER, kind=AgencyKind.DISTRICT_COMMITTEE)
        >= 1
    )
    # and each agency with a fixed part in a liên thông procedure has an officer of that role
    inter = Procedure.objects.filter(is_inter_agency=True).prefetch_related("steps__agency")
    parts = {(s.agency_id, s.role) for p in inter for s in p.steps.all() if s.agency_id}
    assert len(inter) >= 3
    assert parts
    missing = [(a, r) for a, r in parts if officers(r, pk=a) == 0]
    assert missing == []
