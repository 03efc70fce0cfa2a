"""A fixed-window counter per client in Django's cache: the one rate limiter of the public pages.

Public endpoints that anyone can call without signing in (registration, dossier lookup) count
tries per client address and scope; beyond the limit they answer `rate_limited` (HTTP 429) and
change nothing. One cache operation per try while a window is open (`incr`); the first try of a
window also `add`s the counter. With several processes the cache must be shared
(`CONGSO_CACHE_URL`, Redis) for the limit to be global; the local-memory default limits each
process separately.
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest

from congso.core.errors import RateLimited


def client_address(request: HttpRequest) -> str:
    """The peer address; behind a proxy the proxy must pass the client's address as REMOTE_ADDR."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def throttle_hit(scope: str, client: str, *, window_seconds: int) -> int:
    """Count one try of `client` in `scope`; the tries in the current window, this one included."""
    key = f"congso:throttle:{scope}:{client}"
    try:  # one cache operation while a window is open
        return int(cache.incr(key))
    except ValueError:  # no counter yet: this try opens the window, which expires with it
        if cache.add(key, 1, timeout=window_seconds):
            return 1
        return int(cache.incr(key))  # another try opened it meanwhile


def throttle_check(
    scope: str, client: str, *, limit: int, window_seconds: int, message: str
) -> None:
    """Count one try and raise `RateLimited` (429) with `message` once `limit` is exceeded."""
    if throttle_hit(scope, client, window_seconds=window_seconds) > limit:
        raise RateLimited(message, details={"retry_after_seconds": window_seconds})


def throttle_count(scope: str, client: str) -> int:
    """The tries of `client` in `scope` counted in the current window (0 when none), not
    counting this look: for limits on failures, checked before the costly attempt."""
    return int(cache.get(f"congso:throttle:{scope}:{client}") or 0)
