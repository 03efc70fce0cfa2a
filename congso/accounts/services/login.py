"""Sign-in: password, lockout after repeated failures, portal separation, TOTP second step.

Failures are recorded (counter, lock, audit entry) in their own transaction that commits before
`LoginFailed` is raised, so the refusal cannot roll its own record back. These functions are
therefore not `@transaction.atomic` and must not be called inside one.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.accounts.constants import PORTAL_KINDS, LoginFailureCode, LoginPortal
from congso.accounts.errors import LoginFailed
from congso.accounts.models import User
from congso.accounts.services.totp import totp_step_matching
from congso.audit.constants import AuditAction
from congso.audit.services import audit_record

logger = logging.getLogger(__name__)

LOCAL_TIME_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
# Audit label for password checks that come through the authentication backend (admin site,
# HTTP Basic) rather than one of the two sign-in pages.
BACKEND_CHANNEL = "password_backend"


def _invalid_credentials() -> LoginFailed:
    return LoginFailed(
        _("Tên đăng nhập hoặc mật khẩu không đúng."), code=LoginFailureCode.INVALID_CREDENTIALS
    )


def _account_locked(locked_until: datetime) -> LoginFailed:
    local = timezone.localtime(locked_until, LOCAL_TIME_ZONE)
    return LoginFailed(
        _(
            "Tài khoản tạm thời bị khóa do đăng nhập sai nhiều lần, đến %(time)s ngày %(date)s. "
            "Vui lòng thử lại sau thời điểm đó hoặc liên hệ quản trị hệ thống."
        )
        % {"time": local.strftime("%H:%M"), "date": local.strftime("%d/%m/%Y")},
        code=LoginFailureCode.ACCOUNT_LOCKED,
        details={"locked_until": locked_until.isoformat()},
    )


def _account_inactive() -> LoginFailed:
    return LoginFailed(
        _("Tài khoản đã ngừng hoạt động. Vui lòng liên hệ quản trị hệ thống."),
        code=LoginFailureCode.ACCOUNT_INACTIVE,
    )


def _wrong_portal(portal: str) -> LoginFailed:
    if portal == LoginPortal.STAFF:
        message = _(
            "Tài khoản công dân, doanh nghiệp đăng nhập tại trang dành cho công dân, doanh nghiệp."
        )
    else:
        message = _("Tài khoản cán bộ, công chức đăng nhập tại trang dành cho cán bộ.")
    return LoginFailed(message, code=LoginFailureCode.WRONG_PORTAL)


def _totp_required(user: User) -> LoginFailed:
    return LoginFailed(
        _("Nhập mã xác thực hai lớp từ ứng dụng trên điện thoại."),
        code=LoginFailureCode.TOTP_REQUIRED,
        details={"user_id": user.pk},
    )


def _totp_invalid() -> LoginFailed:
    return LoginFailed(
        _("Mã xác thực hai lớp không đúng hoặc đã được dùng."), code=LoginFailureCode.TOTP_INVALID
    )


def _failure_record(*, user: User, reason: str, channel: str, counts: bool) -> datetime | None:
    """Commit one failed attempt; return the new lock end if this failure locked the account.

    Counted failures (wrong password, wrong code) run consecutively: the
    `CONGSO_LOGIN_MAX_FAILURES`-th locks the account for `CONGSO_LOGIN_LOCKOUT_MINUTES`; after a
    lock has run out the count starts again.
    """
    with transaction.atomic():
        row = User.objects.select_for_update().get(pk=user.pk)
        now = timezone.now()
        newly_locked: datetime | None = None
        if counts:
            if row.locked_until is not None and row.locked_until <= now:
                row.failed_login_count = 0
                row.locked_until = None
            row.failed_login_count += 1
            if row.failed_login_count >= settings.CONGSO_LOGIN_MAX_FAILURES:
                newly_locked = now + timedelta(minutes=settings.CONGSO_LOGIN_LOCKOUT_MINUTES)
                row.locked_until = newly_locked
            row.save(update_fields=["failed_login_count", "locked_until"])
        audit_record(
            actor=None,
            action=AuditAction.USER_LOGIN_FAILED,
            target=row,
            agency_id=row.agency_id,
            data={
                "reason": reason,
                "channel": channel,
                "failed_login_count": row.failed_login_count,
            },
        )
        if newly_locked is not None:
            audit_record(
                actor=None,
                action=AuditAction.USER_LOCKED,
                target=row,
                agency_id=row.agency_id,
                data={"locked_until": newly_locked.isoformat(), "channel": channel},
            )
    user.failed_login_count, user.locked_until = row.failed_login_count, row.locked_until
    return newly_locked


def _credentials_check(*, username: str, password: str, channel: str) -> User:
    """Known name, not locked, right password, active account; refusals recorded then raised.

    An unknown name gets the same message as a wrong password and still costs one hashing.
    """
    user = User.objects.filter(username=(username or "").strip()).first()
    if user is None:
        make_password(password)
        logger.info("Sign-in refused for an unknown user name (channel %s).", channel)
        raise _invalid_credentials()
    if user.locked_until is not None and user.is_locked_at(timezone.now()):
        _failure_record(
            user=user, reason=LoginFailureCode.ACCOUNT_LOCKED, channel=channel, counts=False
        )
        raise _account_locked(user.locked_until)
    if not user.check_password(password):
        newly_locked = _failure_record(
            user=user, reason=LoginFailureCode.INVALID_CREDENTIALS, channel=channel, counts=True
        )
        if newly_locked is not None:
            raise _account_locked(newly_locked)
        raise _invalid_credentials()
    if not user.is_active:
        _failure_record(
            user=user, reason=LoginFailureCode.ACCOUNT_INACTIVE, channel=channel, counts=False
        )
        raise _account_inactive()
    return user


def _portal_check(user: User, portal: str) -> None:
    if user.kind not in PORTAL_KINDS[portal]:
        _failure_record(
            user=user, reason=LoginFailureCode.WRONG_PORTAL, channel=portal, counts=False
        )
        raise _wrong_portal(portal)


def _success_record(*, user: User, channel: str, totp_step: int | None) -> User | None:
    """Commit a successful sign-in (failure counter cleared); None if the code was just replayed."""
    with transaction.atomic():
        row = User.objects.select_for_update().get(pk=user.pk)
        fields = ["failed_login_count", "locked_until"]
        if totp_step is not None:
            if row.totp_last_used_step is not None and totp_step <= row.totp_last_used_step:
                return None
            row.totp_last_used_step = totp_step
            fields.append("totp_last_used_step")
        row.failed_login_count = 0
        row.locked_until = None
        row.save(update_fields=fields)
        audit_record(
            actor=row,
            action=AuditAction.USER_LOGIN,
            target=row,
            agency_id=row.agency_id,
            data={"channel": channel, "second_factor": totp_step is not None},
        )
    return row


def _second_factor_and_finish(*, user: User, totp_code: str | None, portal: str) -> User:
    if not user.totp_enabled:
        finished = _success_record(user=user, channel=portal, totp_step=None)
        assert finished is not None
        return finished
    if not totp_code:
        raise _totp_required(user)
    step = totp_step_matching(user.totp_secret, totp_code)
    finished = None
    if step is not None and (user.totp_last_used_step is None or step > user.totp_last_used_step):
        finished = _success_record(user=user, channel=portal, totp_step=step)
    if finished is None:
        newly_locked = _failure_record(
            user=user, reason=LoginFailureCode.TOTP_INVALID, channel=portal, counts=True
        )
        if newly_locked is not None:
            raise _account_locked(newly_locked)
        raise _totp_invalid()
    return finished


def _portal_value(portal: str) -> str:
    if portal not in PORTAL_KINDS:
        raise ValueError(f"Unknown sign-in portal {portal!r}")
    return str(portal)


def login_attempt(
    *, username: str, password: str, totp_code: str | None = None, portal: str
) -> User:
    """Check a sign-in on the staff or public portal; return the user or raise `LoginFailed`.

    Codes: `invalid_credentials` (unknown name or wrong password: same message), `account_locked`
    (message gives the end of the lock in Vietnam time), `account_inactive`, `wrong_portal` (staff
    on the public page or the reverse), `totp_required` (password right, code missing; details
    carry `user_id` for `login_totp_verify`), `totp_invalid` (wrong or replayed code). Wrong
    passwords and wrong codes count towards the lockout; success clears the count.
    """
    portal = _portal_value(portal)
    user = _credentials_check(username=username, password=password, channel=portal)
    _portal_check(user, portal)
    return _second_factor_and_finish(user=user, totp_code=totp_code, portal=portal)


def login_totp_verify(*, user_id: int, totp_code: str | None, portal: str) -> User:
    """Second step of a two-factor sign-in, after `login_attempt` answered `totp_required`.

    The caller vouches that the password for `user_id` was accepted moments ago (the web view
    keeps that in the session). Lock, activity and portal are checked again.
    """
    portal = _portal_value(portal)
    user = User.objects.filter(pk=user_id).first()
    if user is None or not user.totp_enabled:
        raise LoginFailed(
            _("Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại."),
            code=LoginFailureCode.INVALID_CREDENTIALS,
        )
    if user.locked_until is not None and user.is_locked_at(timezone.now()):
        _failure_record(
            user=user, reason=LoginFailureCode.ACCOUNT_LOCKED, channel=portal, counts=False
        )
        raise _account_locked(user.locked_until)
    if not user.is_active:
        _failure_record(
            user=user, reason=LoginFailureCode.ACCOUNT_INACTIVE, channel=portal, counts=False
        )
        raise _account_inactive()
    _portal_check(user, portal)
    return _second_factor_and_finish(user=user, totp_code=totp_code, portal=portal)


def password_login_check(*, username: str, password: str) -> User:
    """Password-only sign-in for the authentication backend (admin site, HTTP Basic).

    Same lockout rules as `login_attempt`; an account with two-factor sign-in is refused here,
    since this path cannot ask for the code. Success is not audited each time (HTTP Basic checks
    every request); it only clears a non-zero failure count, which is audited.
    """
    user = _credentials_check(username=username, password=password, channel=BACKEND_CHANNEL)
    if user.totp_enabled:
        raise _totp_required(user)
    if user.failed_login_count or user.locked_until is not None:
        finished = _success_record(user=user, channel=BACKEND_CHANNEL, totp_step=None)
        assert finished is not None
        return finished
    return user


__all__ = ["login_attempt", "login_totp_verify", "password_login_check"]
