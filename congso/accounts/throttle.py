"""The limits per client address of the accounts app: opening public accounts (registration
page and API together) and failed sign-ins (login pages, HTTP Basic, the admin site)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from congso.core.errors import RateLimited
from congso.core.throttle import throttle_check, throttle_count, throttle_hit

SCOPE = "registration"
WINDOW_SECONDS = 3600


def registration_throttle(client: str) -> None:
    """Count one registration attempt from `client`; `rate_limited` (429) past the hourly limit."""
    throttle_check(
        SCOPE,
        client,
        limit=int(settings.CONGSO_REGISTRATION_MAX_PER_HOUR),
        window_seconds=WINDOW_SECONDS,
        message=_("Có quá nhiều lượt đăng ký từ địa chỉ này; vui lòng thử lại sau."),
    )


SIGN_IN_SCOPE = "sign-in-failures"


def sign_in_guard(client: str) -> None:
    """Before a password is checked: `rate_limited` (429) while `client` has failed
    `CONGSO_LOGIN_MAX_FAILURES_PER_ADDRESS` sign-ins in the current window, whatever the
    accounts. Each check costs an Argon2 hash (~0.1 s of CPU): without this, anyone could spend
    the server's CPU with made-up credentials, or try passwords across many accounts (the lockout
    counts per account)."""
    limit = int(settings.CONGSO_LOGIN_MAX_FAILURES_PER_ADDRESS)
    window = int(settings.CONGSO_LOGIN_ADDRESS_WINDOW_MINUTES) * 60
    if throttle_count(SIGN_IN_SCOPE, client) >= limit:
        raise RateLimited(
            _("Có quá nhiều lần đăng nhập sai từ địa chỉ này; vui lòng thử lại sau ít phút."),
            details={"retry_after_seconds": window},
        )


def sign_in_failed(client: str) -> None:
    """Count one failed sign-in of `client` (wrong name, password or code)."""
    window = int(settings.CONGSO_LOGIN_ADDRESS_WINDOW_MINUTES) * 60
    throttle_hit(SIGN_IN_SCOPE, client, window_seconds=window)
