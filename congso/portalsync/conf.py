"""Settings of the portal sync, read at call time (tests override them)."""

from __future__ import annotations

from django.conf import settings


def enabled() -> bool:
    return bool(settings.PORTALSYNC_URL)


def max_attempts() -> int:
    return int(settings.PORTALSYNC_MAX_ATTEMPTS)


def retry_delay_seconds(attempts: int) -> int:
    """Exponential back-off after the `attempts`-th failed attempt, capped."""
    base = int(settings.PORTALSYNC_RETRY_BASE_SECONDS)
    return int(min(base * 2 ** max(attempts - 1, 0), int(settings.PORTALSYNC_RETRY_MAX_SECONDS)))
