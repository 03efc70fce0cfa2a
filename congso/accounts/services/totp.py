"""Two-factor sign-in for staff with time-based one-time codes (TOTP, RFC 6238)."""

from __future__ import annotations

from datetime import datetime

import pyotp
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pyotp.utils import strings_equal

from congso.accounts.access import require_agency_administrator
from congso.accounts.constants import (
    TOTP_ISSUER,
    TOTP_VALID_WINDOW,
    AccountsAuditAction,
    UserKind,
)
from congso.accounts.models import User
from congso.audit.constants import AuditAction
from congso.audit.services import audit_record
from congso.core.errors import Conflict, ValidationFailed

TOTP_DIGITS = 6


def totp_step_matching(secret: str, code: str | None, *, at: datetime | None = None) -> int | None:
    """The 30-second step whose code equals `code`, allowing `TOTP_VALID_WINDOW` steps of drift.

    Returns None for a wrong or malformed code. Callers must still refuse a step that is not
    later than the last one used (a replayed code).
    """
    candidate = "".join((code or "").split())
    if not secret or len(candidate) != TOTP_DIGITS or not candidate.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(at or timezone.now())
    for step in range(current - TOTP_VALID_WINDOW, current + TOTP_VALID_WINDOW + 1):
        if step >= 0 and strings_equal(totp.generate_otp(step), candidate):
            return step
    return None


def _require_staff(user: User) -> None:
    if user.kind != UserKind.STAFF:
        raise ValidationFailed(
            _("Xác thực hai lớp bằng ứng dụng chỉ dành cho tài khoản cán bộ, công chức."),
            code="totp_staff_only",
        )


def _require_not_enabled(user: User) -> None:
    if user.totp_enabled:
        raise Conflict(
            _("Xác thực hai lớp đã được bật; hãy tắt trước khi cài lại."),
            code="totp_already_enabled",
        )


@transaction.atomic
def totp_setup_begin(*, user: User) -> tuple[str, str]:
    """Draw a new secret for `user` and return it with its otpauth:// provisioning URI.

    The secret takes effect only once `totp_setup_confirm` has seen a code made from it.
    """
    _require_staff(user)
    _require_not_enabled(user)
    secret = pyotp.random_base32()
    user.totp_secret = secret
    user.totp_last_used_step = None
    user.save(update_fields=["totp_secret", "totp_last_used_step"])
    audit_record(
        actor=user,
        action=AccountsAuditAction.USER_TOTP_SETUP_STARTED,
        target=user,
        agency_id=user.agency_id,
    )
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=TOTP_ISSUER)
    return secret, uri


@transaction.atomic
def totp_setup_confirm(*, user: User, code: str) -> User:
    """Turn two-factor sign-in on, once the user shows a code from the secret just set up."""
    _require_staff(user)
    _require_not_enabled(user)
    if not user.totp_secret:
        raise Conflict(_("Chưa bắt đầu cài đặt xác thực hai lớp."), code="totp_setup_not_started")
    step = totp_step_matching(user.totp_secret, code)
    if step is None:
        raise ValidationFailed(
            _("Mã xác thực không đúng hoặc đã hết hạn."), code="totp_invalid", field="code"
        )
    user.totp_enabled = True
    user.totp_last_used_step = step  # the confirming code cannot then be used to sign in
    user.save(update_fields=["totp_enabled", "totp_last_used_step"])
    audit_record(
        actor=user, action=AuditAction.USER_TOTP_ENABLED, target=user, agency_id=user.agency_id
    )
    return user


@transaction.atomic
def totp_disable(*, actor: User | None, user: User) -> User:
    """Turn two-factor sign-in off and forget the secret (the user, or their agency's admin)."""
    if actor is None or actor.pk != user.pk:
        require_agency_administrator(actor, user.agency_id)
    if not user.totp_enabled and not user.totp_secret:
        return user
    user.totp_enabled = False
    user.totp_secret = ""
    user.totp_last_used_step = None
    user.save(update_fields=["totp_enabled", "totp_secret", "totp_last_used_step"])
    audit_record(
        actor=actor, action=AuditAction.USER_TOTP_DISABLED, target=user, agency_id=user.agency_id
    )
    return user
