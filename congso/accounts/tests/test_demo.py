from __future__ import annotations

import pytest

from congso.accounts import demo
from congso.accounts.constants import Role, UserKind
from congso.accounts.demo import DEMO_PASSWORD, demo_accounts_load
from congso.accounts.errors import DemoPrerequisiteMissing
from congso.accounts.models import User
from congso.accounts.services import login_attempt
from congso.organizations.tests.factories import AgencyFactory, InternalUnitFactory

UNITS = {
    demo.PROVINCIAL_OFFICE: ["HCTC", "KT", "VX", "NC"],
    demo.DEPARTMENT_OF_ICT: ["VP", "CNTT", "BCVT"],
    demo.KONTUM_CITY_COMMITTEE: ["VP", "NV", "TCKH"],
}


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    # Twelve Argon2 hashes per load are slow; hashing itself is tested elsewhere.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo_tree():
    """The agencies the organisations demo creates, made here with factories."""
    agencies = {}
    for code in (
        demo.PROVINCIAL_COMMITTEE,
        demo.PROVINCIAL_OFFICE,
        demo.DEPARTMENT_OF_ICT,
        demo.PUBLIC_SERVICE_CENTRE,
        demo.KONTUM_CITY_COMMITTEE,
    ):
        agencies[code] = AgencyFactory.create(code_qcvn102=code, code_qd20=None)
        for abbreviation in UNITS.get(code, []):
            InternalUnitFactory.create(parent=agencies[code], abbreviation=abbreviation)
    return agencies


@pytest.mark.django_db
def test_the_demo_accounts_are_created_with_their_roles_units_and_positions(demo_tree):
    # when
    accounts = demo_accounts_load()
    # then
    usernames = [account.username for account in accounts]
    assert usernames == [
        "admin",
        "chutich",
        "vanthu.vp",
        "lanhdao.vp",
        "chuyenvien.vp",
        "vanthu.stttt",
        "giamdoc.stttt",
        "chuyenvien.stttt",
        "motcua",
        "vanthu.tpkt",
        "chuyenvien.tpkt",
        "lanhdao.tpkt",
        "062090001234",
        "6100123456",
    ]
    assert {account.password for account in accounts} == {DEMO_PASSWORD}
    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    assert admin.is_staff
    assert admin.has_role(Role.ADMINISTRATOR)
    specialist = User.objects.get(username="chuyenvien.vp")
    assert specialist.unit is not None
    assert specialist.position is not None
    assert specialist.unit.abbreviation == "KT"
    assert specialist.unit.parent == demo_tree[demo.PROVINCIAL_OFFICE]
    assert specialist.position.name == "Chuyên viên"
    assert User.objects.filter(username="chuyenvien.stttt", unit__abbreviation="CNTT").exists()
    assert User.objects.filter(username="lanhdao.vp", position__name="Chánh Văn phòng").exists()
    assert User.objects.get(username="motcua").role_set == {Role.ONE_STOP_OFFICER}
    city = demo_tree[demo.KONTUM_CITY_COMMITTEE]
    assert User.objects.get(username="chuyenvien.tpkt", agency=city).role_set == {Role.SPECIALIST}
    assert User.objects.get(username="lanhdao.tpkt", agency=city).role_set == {Role.LEADER}
    assert User.objects.get(username="062090001234").kind == UserKind.CITIZEN
    assert User.objects.get(username="6100123456").kind == UserKind.BUSINESS
    assert accounts[-1].agency_name is None
    assert accounts[2].agency_name == demo_tree[demo.PROVINCIAL_OFFICE].name


@pytest.mark.django_db
def test_loading_twice_adds_nothing_and_the_demo_password_signs_in(demo_tree):
    # given
    demo_accounts_load()
    count = User.objects.count()
    # when
    accounts = demo_accounts_load()
    # then
    assert User.objects.count() == count
    assert len(accounts) == 14
    clerk = login_attempt(username="vanthu.vp", password=DEMO_PASSWORD, portal="staff")
    citizen = login_attempt(username="062090001234", password=DEMO_PASSWORD, portal="public")
    assert clerk.has_role(Role.CLERK)
    assert citizen.kind == UserKind.CITIZEN


@pytest.mark.django_db
def test_no_real_official_is_named():
    # then (standards.md §10.2 names the real signers)
    names = {spec.full_name for spec in demo.STAFF}
    assert not names & {"Nguyễn Văn Hòa", "Trần Thị Nga"}


@pytest.mark.django_db
def test_without_the_organisations_demo_a_clear_error_says_what_to_load():
    # when / then
    with pytest.raises(DemoPrerequisiteMissing) as raised:
        demo_accounts_load()
    assert "000.00.01.H34" in raised.value.message
    assert not User.objects.exists()


@pytest.mark.django_db
def test_a_missing_internal_unit_is_reported(demo_tree):
    # given
    demo_tree[demo.DEPARTMENT_OF_ICT].children.filter(abbreviation="CNTT").delete()
    # when / then
    with pytest.raises(DemoPrerequisiteMissing) as raised:
        demo_accounts_load()
    assert "CNTT" in raised.value.message
