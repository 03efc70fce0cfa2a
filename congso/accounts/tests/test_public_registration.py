from __future__ import annotations

import pytest

from congso.accounts.constants import AccountsAuditAction, UserKind
from congso.accounts.services import business_register, citizen_register
from congso.accounts.tests.conftest import PASSWORD
from congso.accounts.tests.factories import BusinessUserFactory, CitizenUserFactory
from congso.accounts.validators import citizen_id_number_normalise, tax_code_normalise
from congso.audit.models import AuditEntry
from congso.core.errors import Conflict, ValidationFailed


@pytest.mark.django_db
def test_a_citizen_registers_with_their_cccd_as_user_name():
    # when
    user = citizen_register(
        citizen_id_number=" 062090001234 ",
        full_name="Nguyễn Văn Dân",
        password=PASSWORD,
        email="dan@example.vn",
    )
    # then
    user.refresh_from_db()
    assert (user.username, user.citizen_id_number, user.kind) == (
        "062090001234",
        "062090001234",
        UserKind.CITIZEN,
    )
    assert user.agency_id is None
    assert user.password.startswith("argon2")
    entry = AuditEntry.objects.get(action=AccountsAuditAction.USER_REGISTERED)
    assert entry.actor_id == user.pk
    assert entry.data == {"username": "062090001234", "kind": "citizen"}


@pytest.mark.parametrize(
    "number",
    ["001000000001", "062090001234", "096199912345"],
)
def test_well_formed_cccd_numbers_are_accepted(number):
    # when / then
    assert citizen_id_number_normalise(number) == number


@pytest.mark.parametrize(
    "number",
    [
        pytest.param("", id="empty"),
        pytest.param("06209000123", id="11-digits"),
        pytest.param("0620900012345", id="13-digits"),
        pytest.param("06209000123A", id="letter"),
        pytest.param("062 090 001 234", id="spaces-inside"),
        pytest.param("000090001234", id="province-000"),
        pytest.param("097090001234", id="province-097"),
        pytest.param("999090001234", id="province-999"),
        pytest.param("０６２０９０００１２３４", id="full-width-digits"),
    ],
)
def test_malformed_cccd_numbers_are_refused_with_invalid_citizen_id(number):
    # when / then
    with pytest.raises(ValidationFailed) as raised:
        citizen_id_number_normalise(number)
    assert (raised.value.code, raised.value.field) == ("invalid_citizen_id", "citizen_id_number")


@pytest.mark.django_db
def test_a_cccd_registers_only_once():
    # given
    CitizenUserFactory.create(username="062090001234")
    # when / then
    with pytest.raises(Conflict) as raised:
        citizen_register(citizen_id_number="062090001234", full_name="Ai Đó", password=PASSWORD)
    assert raised.value.code == "already_registered"


@pytest.mark.django_db
def test_citizen_registration_refuses_a_weak_password_and_writes_nothing():
    # when
    with pytest.raises(ValidationFailed) as raised:
        citizen_register(
            citizen_id_number="062090001234", full_name="Ai Đó", password="062090001234"
        )
    # then
    assert raised.value.code == "password_invalid"
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_a_business_registers_with_its_tax_code():
    # when
    user = business_register(
        tax_code="6100123456-001", name="Chi nhánh Công ty Thử", password=PASSWORD
    )
    # then
    user.refresh_from_db()
    assert (user.username, user.tax_code, user.kind, user.full_name) == (
        "6100123456-001",
        "6100123456-001",
        UserKind.BUSINESS,
        "Chi nhánh Công ty Thử",
    )


@pytest.mark.parametrize("code", ["6100123456", "0100686209-199"])
def test_well_formed_tax_codes_are_accepted(code):
    # when / then
    assert tax_code_normalise(code) == code


@pytest.mark.parametrize(
    "code",
    [
        "",
        "610012345",
        "61001234567",
        "6100123456-01",
        "6100123456-0011",
        "6100123456_001",
        "61A0123456",
        "６１００１２３４５６",
    ],
)
def test_malformed_tax_codes_are_refused(code):
    # when / then
    with pytest.raises(ValidationFailed) as raised:
        tax_code_normalise(code)
    assert (raised.value.code, raised.value.field) == ("invalid_tax_code", "tax_code")


@pytest.mark.django_db
def test_a_tax_code_registers_only_once():
    # given
    BusinessUserFactory.create(username="6100123456")
    # when / then
    with pytest.raises(Conflict):
        business_register(tax_code="6100123456", name="Công ty Khác", password=PASSWORD)


@pytest.mark.django_db
def test_a_business_needs_a_name():
    # when / then
    with pytest.raises(ValidationFailed) as raised:
        business_register(tax_code="6100123456", name=" ", password=PASSWORD)
    assert (raised.value.code, raised.value.field) == ("full_name_required", "name")
