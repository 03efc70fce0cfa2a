"""The one limit on opening public accounts, shared by the registration page and API."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from congso.core.throttle import throttle_check

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
