from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp
import pytest

from congso.accounts.errors import LoginFailed
from congso.accounts.models import User
from congso.accounts.services import login as login_module
from congso.accounts.services import login_attempt, login_totp_verify
from congso.accounts.tests.conftest import PASSWORD
from congso.accounts.tests.factories import (
    BusinessUserFactory,
    CitizenUserFactory,
    StaffUserFactory,
)
from congso.audit.constants import AuditAction
from congso.audit.models import AuditEntry

WRONG = "sai-mat-khau"


@pytest.fixture(autouse=True)
def _lockout_after_three(settings):
    settings.CONGSO_LOGIN_MAX_FAILURES = 3
    settings.CONGSO_LOGIN_LOCKOUT_MINUTES = 15


def _attempt(user: User, password: str = PASSWORD, **kwargs: Any) -> User:
    kwargs.setdefault("portal", "staff")
    return login_attempt(username=user.username, password=password, **kwargs)


def _fail(user: User, password: str = WRONG, **kwargs: Any) -> LoginFailed:
    with pytest.raises(LoginFailed) as raised:
        _attempt(user, password, **kwargs)
    return raised.value


def _audit(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("sequence"))


@pytest.fixture
def staff():
    return StaffUserFactory.create()


@pytest.fixture
def totp_staff():
    return StaffUserFactory.create(totp_secret=pyotp.random_base32(), totp_enabled=True)


def _code(user: User, at: datetime, steps: int = 0) -> str:
    return pyotp.TOTP(user.totp_secret).at(at + timedelta(seconds=30 * steps))


# --- passwords --------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_right_password_signs_a_staff_member_in_and_is_audited(staff):
    # when
    user = _attempt(staff)
    # then
    assert user.pk == staff.pk
    [entry] = _audit(AuditAction.USER_LOGIN)
    assert entry.actor_id == staff.pk
    assert entry.data == {"channel": "staff", "second_factor": False}


@pytest.mark.django_db
def test_unknown_user_names_get_the_wrong_password_answer_and_still_cost_a_hash(staff, monkeypatch):
    # given
    hashed: list[str] = []
    real = login_module.make_password

    def spy(raw: str) -> str:
        hashed.append(raw)
        return real(raw)

    monkeypatch.setattr(login_module, "make_password", spy)
    wrong_password = _fail(staff)
    # when
    with pytest.raises(LoginFailed) as unknown:
        login_attempt(username="khong.co.ai", password="sai-mat-khau", portal="staff")
    # then
    assert unknown.value.code == wrong_password.code == "invalid_credentials"
    assert unknown.value.message == wrong_password.message
    assert unknown.value.details == {}
    assert hashed == ["sai-mat-khau"]


@pytest.mark.django_db
def test_a_failed_attempt_is_counted_and_audited_despite_the_error(staff):
    # when
    error = _fail(staff)
    # then
    assert error.code == "invalid_credentials"
    staff.refresh_from_db()
    assert staff.failed_login_count == 1
    [entry] = _audit(AuditAction.USER_LOGIN_FAILED)
    assert entry.data["reason"] == "invalid_credentials"
    assert entry.target_id == str(staff.pk)


@pytest.mark.django_db(transaction=True)
def test_the_failure_record_is_committed_not_rolled_back_with_the_error():
    # given
    staff = StaffUserFactory.create()
    # when
    _fail(staff)
    # then: read back on a fresh query after the call returned with an error
    assert User.objects.get(pk=staff.pk).failed_login_count == 1
    assert AuditEntry.objects.filter(action=AuditAction.USER_LOGIN_FAILED).count() == 1


@pytest.mark.django_db
def test_the_third_consecutive_failure_locks_the_account_until_a_local_time(staff, clock):
    # given
    clock.current = datetime(2020, 3, 5, 3, 0, tzinfo=UTC)  # 10:00 in Kon Tum
    _fail(staff)
    _fail(staff)
    # when
    error = _fail(staff)
    # then
    assert error.code == "account_locked"
    assert "10:15 ngày 05/03/2020" in error.message
    assert error.details == {"locked_until": "2020-03-05T03:15:00+00:00"}
    staff.refresh_from_db()
    assert staff.locked_until == datetime(2020, 3, 5, 3, 15, tzinfo=UTC)
    [locked] = _audit(AuditAction.USER_LOCKED)
    assert locked.data["locked_until"] == "2020-03-05T03:15:00+00:00"


@pytest.mark.django_db
def test_a_locked_account_refuses_even_the_right_password_without_counting(staff, clock):
    # given
    for _ in range(3):
        _fail(staff)
    # when
    error = _fail(staff, PASSWORD)
    # then
    assert error.code == "account_locked"
    staff.refresh_from_db()
    assert staff.failed_login_count == 3
    assert _audit(AuditAction.USER_LOGIN_FAILED)[-1].data["reason"] == "account_locked"


@pytest.mark.django_db
def test_the_lock_runs_out_after_the_lockout_period(staff, clock):
    # given
    for _ in range(3):
        _fail(staff)
    clock.advance(minutes=14, seconds=59)
    assert _fail(staff, PASSWORD).code == "account_locked"
    # when
    clock.advance(seconds=1)
    user = _attempt(staff)
    # then
    user.refresh_from_db()
    assert (user.failed_login_count, user.locked_until) == (0, None)


@pytest.mark.django_db
def test_a_lock_set_in_the_past_no_longer_applies(staff, clock):
    # given
    User.objects.filter(pk=staff.pk).update(
        failed_login_count=3, locked_until=clock.current - timedelta(seconds=1)
    )
    # when
    error = _fail(staff)
    # then: the count starts again rather than locking at once
    assert error.code == "invalid_credentials"
    staff.refresh_from_db()
    assert (staff.failed_login_count, staff.locked_until) == (1, None)


@pytest.mark.django_db
def test_a_success_resets_the_count_so_failures_must_be_consecutive(staff):
    # given
    _fail(staff)
    _fail(staff)
    # when
    _attempt(staff)
    _fail(staff)
    _fail(staff)
    # then
    staff.refresh_from_db()
    assert staff.failed_login_count == 2
    assert staff.locked_until is None


@pytest.mark.django_db
def test_an_inactive_account_is_told_so_only_with_the_right_password():
    # given
    user = StaffUserFactory.create(is_active=False)
    # when
    wrong = _fail(user)
    right = _fail(user, PASSWORD)
    # then
    assert (wrong.code, right.code) == ("invalid_credentials", "account_inactive")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("factory", "portal"),
    [
        pytest.param(CitizenUserFactory, "staff", id="citizen-on-staff-page"),
        pytest.param(BusinessUserFactory, "staff", id="business-on-staff-page"),
        pytest.param(StaffUserFactory, "public", id="staff-on-public-page"),
    ],
)
def test_accounts_sign_in_only_on_their_own_portal(factory, portal):
    # given
    user = factory()
    # when
    error = _fail(user, PASSWORD, portal=portal)
    # then
    assert error.code == "wrong_portal"
    user.refresh_from_db()
    assert user.failed_login_count == 0
    assert _audit(AuditAction.USER_LOGIN_FAILED)[-1].data["reason"] == "wrong_portal"


@pytest.mark.django_db
@pytest.mark.parametrize("factory", [CitizenUserFactory, BusinessUserFactory])
def test_citizens_and_businesses_sign_in_on_the_public_portal(factory):
    # when
    user = _attempt(factory(), portal="public")
    # then
    assert user.kind in ("citizen", "business")


def test_an_unknown_portal_is_a_programming_error():
    # when / then
    with pytest.raises(ValueError, match="portal"):
        login_attempt(username="a", password="b", portal="intranet")


# --- second factor ----------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_two_factor_account_needs_a_code_and_the_answer_names_the_pending_user(totp_staff):
    # when
    error = _fail(totp_staff, PASSWORD)
    # then
    assert error.code == "totp_required"
    assert error.details == {"user_id": totp_staff.pk}
    totp_staff.refresh_from_db()
    assert totp_staff.failed_login_count == 0


@pytest.mark.django_db
def test_password_and_current_code_sign_in_and_the_step_is_remembered(totp_staff, clock):
    # when
    user = _attempt(totp_staff, totp_code=_code(totp_staff, clock.current))
    # then
    user.refresh_from_db()
    assert user.totp_last_used_step == pyotp.TOTP(user.totp_secret).timecode(clock.current)
    assert _audit(AuditAction.USER_LOGIN)[-1].data["second_factor"] is True


@pytest.mark.django_db
@pytest.mark.parametrize(("steps", "accepted"), [(-2, False), (-1, True), (1, True), (2, False)])
def test_codes_one_step_either_side_are_accepted_for_clock_drift(
    totp_staff, clock, steps, accepted
):
    # given
    code = _code(totp_staff, clock.current, steps)
    # when / then
    if accepted:
        assert _attempt(totp_staff, totp_code=code).pk == totp_staff.pk
    else:
        assert _fail(totp_staff, PASSWORD, totp_code=code).code == "totp_invalid"


@pytest.mark.django_db
def test_a_wrong_code_is_refused_and_counts_towards_the_lockout(totp_staff, clock):
    # given
    wrong = "000000" if _code(totp_staff, clock.current) != "000000" else "111111"
    # when
    errors = [_fail(totp_staff, PASSWORD, totp_code=wrong).code for _ in range(3)]
    # then
    assert errors == ["totp_invalid", "totp_invalid", "account_locked"]


@pytest.mark.django_db
def test_a_code_cannot_be_replayed_within_its_step(totp_staff, clock):
    # given
    code = _code(totp_staff, clock.current)
    _attempt(totp_staff, totp_code=code)
    # when
    clock.advance(seconds=5)
    error = _fail(totp_staff, PASSWORD, totp_code=code)
    # then
    assert error.code == "totp_invalid"
    # and the next step's code still works
    clock.advance(seconds=30)
    assert _attempt(totp_staff, totp_code=_code(totp_staff, clock.current)).pk == totp_staff.pk


@pytest.mark.django_db
def test_an_older_step_than_the_last_used_is_refused(totp_staff, clock):
    # given
    _attempt(totp_staff, totp_code=_code(totp_staff, clock.current))
    # when
    error = _fail(totp_staff, PASSWORD, totp_code=_code(totp_staff, clock.current, -1))
    # then
    assert error.code == "totp_invalid"


@pytest.mark.django_db
def test_the_second_step_signs_in_with_the_pending_user_id(totp_staff, clock):
    # given
    pending = _fail(totp_staff, PASSWORD)
    # when
    user = login_totp_verify(
        user_id=pending.details["user_id"],
        totp_code=_code(totp_staff, clock.current),
        portal="staff",
    )
    # then
    assert user.pk == totp_staff.pk


@pytest.mark.django_db
def test_the_second_step_without_a_code_asks_again(totp_staff):
    # when / then
    with pytest.raises(LoginFailed) as raised:
        login_totp_verify(user_id=totp_staff.pk, totp_code="", portal="staff")
    assert raised.value.code == "totp_required"


@pytest.mark.django_db
def test_the_second_step_with_a_wrong_code_is_refused(totp_staff, clock):
    # when / then
    with pytest.raises(LoginFailed) as raised:
        login_totp_verify(user_id=totp_staff.pk, totp_code="12345", portal="staff")
    assert raised.value.code == "totp_invalid"
    totp_staff.refresh_from_db()
    assert totp_staff.failed_login_count == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "code"),
    [
        pytest.param(
            {"locked_until": datetime(2999, 1, 1, tzinfo=UTC)}, "account_locked", id="locked"
        ),
        pytest.param({"is_active": False}, "account_inactive", id="inactive"),
        pytest.param({"totp_enabled": False}, "invalid_credentials", id="totp-off-meanwhile"),
    ],
)
def test_the_second_step_checks_the_account_again(totp_staff, clock, change, code):
    # given
    User.objects.filter(pk=totp_staff.pk).update(**change)
    # when / then
    with pytest.raises(LoginFailed) as raised:
        login_totp_verify(
            user_id=totp_staff.pk, totp_code=_code(totp_staff, clock.current), portal="staff"
        )
    assert raised.value.code == code


@pytest.mark.django_db
def test_the_second_step_refuses_the_wrong_portal(totp_staff, clock):
    # when / then
    with pytest.raises(LoginFailed) as raised:
        login_totp_verify(
            user_id=totp_staff.pk, totp_code=_code(totp_staff, clock.current), portal="public"
        )
    assert raised.value.code == "wrong_portal"


@pytest.mark.django_db
def test_the_second_step_for_an_unknown_user_starts_over():
    # when / then
    with pytest.raises(LoginFailed) as raised:
        login_totp_verify(user_id=999_999, totp_code="123456", portal="staff")
    assert raised.value.code == "invalid_credentials"
