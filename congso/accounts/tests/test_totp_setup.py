from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pyotp
import pytest

from congso.accounts.constants import AccountsAuditAction
from congso.accounts.services import (
    totp_disable,
    totp_setup_begin,
    totp_setup_confirm,
    totp_step_matching,
)
from congso.accounts.tests.factories import CitizenUserFactory, StaffUserFactory
from congso.audit.constants import AuditAction
from congso.audit.models import AuditEntry
from congso.core.errors import Conflict, PermissionDenied, ValidationFailed


@pytest.mark.django_db
def test_setup_begins_with_a_secret_and_an_otpauth_uri_for_issuer_congso():
    # given
    user = StaffUserFactory.create(username="vanthu.vp")
    # when
    secret, uri = totp_setup_begin(user=user)
    # then
    parsed = urlparse(uri)
    assert parsed.scheme == "otpauth"
    assert parsed.netloc == "totp"
    assert parse_qs(parsed.query)["issuer"] == ["congso"]
    assert parse_qs(parsed.query)["secret"] == [secret]
    assert "vanthu.vp" in parsed.path
    user.refresh_from_db()
    assert (user.totp_secret, user.totp_enabled) == (secret, False)
    entry = AuditEntry.objects.get(action=AccountsAuditAction.USER_TOTP_SETUP_STARTED)
    assert secret not in str(entry.data)


@pytest.mark.django_db
def test_a_code_from_the_new_secret_turns_two_factor_on(clock):
    # given
    user = StaffUserFactory.create()
    secret, _uri = totp_setup_begin(user=user)
    # when
    totp_setup_confirm(user=user, code=pyotp.TOTP(secret).at(clock.current))
    # then
    user.refresh_from_db()
    assert user.totp_enabled
    assert user.totp_last_used_step == pyotp.TOTP(secret).timecode(clock.current)
    assert AuditEntry.objects.filter(action=AuditAction.USER_TOTP_ENABLED).count() == 1


@pytest.mark.django_db
def test_a_wrong_confirmation_code_leaves_two_factor_off(clock):
    # given
    user = StaffUserFactory.create()
    totp_setup_begin(user=user)
    # when / then
    with pytest.raises(ValidationFailed) as raised:
        totp_setup_confirm(user=user, code="abcdef")
    assert raised.value.code == "totp_invalid"
    user.refresh_from_db()
    assert not user.totp_enabled


@pytest.mark.django_db
def test_confirming_before_beginning_is_refused():
    # when / then
    with pytest.raises(Conflict) as raised:
        totp_setup_confirm(user=StaffUserFactory.create(), code="123456")
    assert raised.value.code == "totp_setup_not_started"


@pytest.mark.django_db
def test_setup_cannot_replace_an_enabled_secret():
    # given
    user = StaffUserFactory.create(totp_secret=pyotp.random_base32(), totp_enabled=True)
    # when / then
    with pytest.raises(Conflict) as begin:
        totp_setup_begin(user=user)
    with pytest.raises(Conflict) as confirm:
        totp_setup_confirm(user=user, code="123456")
    assert begin.value.code == confirm.value.code == "totp_already_enabled"


@pytest.mark.django_db
def test_two_factor_by_app_is_for_staff_only():
    # when / then
    with pytest.raises(ValidationFailed) as raised:
        totp_setup_begin(user=CitizenUserFactory.create())
    assert raised.value.code == "totp_staff_only"


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["self", "administrator"])
def test_two_factor_is_turned_off_by_the_user_or_their_administrator(administrator, agency, who):
    # given
    user = StaffUserFactory.create(
        agency=agency, totp_secret=pyotp.random_base32(), totp_enabled=True, totp_last_used_step=5
    )
    actor = user if who == "self" else administrator
    # when
    totp_disable(actor=actor, user=user)
    # then
    user.refresh_from_db()
    assert (user.totp_enabled, user.totp_secret, user.totp_last_used_step) == (False, "", None)
    assert AuditEntry.objects.get(action=AuditAction.USER_TOTP_DISABLED).actor_id == actor.pk


@pytest.mark.django_db
def test_a_colleague_cannot_turn_two_factor_off(agency):
    # given
    user = StaffUserFactory.create(
        agency=agency, totp_secret=pyotp.random_base32(), totp_enabled=True
    )
    # when / then
    with pytest.raises(PermissionDenied):
        totp_disable(actor=StaffUserFactory.create(agency=agency), user=user)


@pytest.mark.django_db
def test_turning_off_when_already_off_writes_nothing():
    # given
    user = StaffUserFactory.create()
    # when
    totp_disable(actor=user, user=user)
    # then
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("code", [None, "", "12345", "1234567", "12a456"])
def test_malformed_codes_match_no_step(code):
    # when / then
    assert totp_step_matching(pyotp.random_base32(), code) is None


def test_codes_may_be_typed_with_spaces(clock):
    # given
    secret = pyotp.random_base32()
    code = pyotp.TOTP(secret).at(clock.current)
    # when / then
    assert totp_step_matching(secret, f"{code[:3]} {code[3:]}") is not None
