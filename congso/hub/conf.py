"""HUB_* settings with their defaults, read at call time so tests can override them.

`config/settings/hub.py` fills them from the environment; under the platform's settings (where
the hub's tables exist only for the test suite) the defaults apply. docs/hub.md describes each.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from congso.hub.constants import DEFAULT_FINAL_STATUS_CODES


def store_dir() -> Path:
    configured = getattr(settings, "HUB_STORE_DIR", None)
    if configured:
        return Path(configured)
    return Path(getattr(settings, "VAR_DIR", "var")) / "hub-store"


def max_package_bytes() -> int:
    return int(getattr(settings, "HUB_MAX_PACKAGE_BYTES", 300 * 1024 * 1024))


def require_xml_signature() -> bool:
    return bool(getattr(settings, "HUB_REQUIRE_XML_SIGNATURE", True))


def xml_signers() -> str:
    """How XML signers are tied to members: registered (default), strict or any."""
    mode = str(getattr(settings, "HUB_XML_SIGNERS", "registered")).strip().lower()
    return mode if mode in {"registered", "strict", "any"} else "registered"


def validate_packages() -> bool:
    return bool(getattr(settings, "HUB_VALIDATE_PACKAGES", True))


def token_max_lifetime_seconds() -> int:
    return int(getattr(settings, "HUB_TOKEN_MAX_LIFETIME", 300))


def token_leeway_seconds() -> int:
    return int(getattr(settings, "HUB_TOKEN_LEEWAY", 30))


def jwt_algorithms() -> list[str]:
    return list(getattr(settings, "HUB_JWT_ALGORITHMS", ["RS256", "EdDSA"]))


def traffic_pairs() -> int:
    """How many (sender, recipient) pairs the dashboard lists, the busiest first."""
    return max(1, int(getattr(settings, "HUB_TRAFFIC_PAIRS", 50)))


def stuck_after_minutes() -> int:
    return int(getattr(settings, "HUB_STUCK_AFTER", 60))


def final_status_codes() -> tuple[str, ...]:
    return tuple(getattr(settings, "HUB_FINAL_STATUS_CODES", DEFAULT_FINAL_STATUS_CODES))


def list_limit_max() -> int:
    return int(getattr(settings, "HUB_LIST_LIMIT_MAX", 500))


def batch_max_items() -> int:
    """Most packages (or ids) in one batch call: messages/batch/, statuses/batch/, …/ack/."""
    return int(getattr(settings, "HUB_BATCH_MAX_ITEMS", 100))


def inline_max_bytes() -> int:
    """Largest package whose bytes a `received/?inline=1` listing carries (base64)."""
    return int(getattr(settings, "HUB_INLINE_MAX_BYTES", 1024 * 1024))


def token_member_cache_size() -> int:
    """Most members whose record and public key token checks keep in memory (per process)."""
    return int(getattr(settings, "HUB_TOKEN_MEMBER_CACHE_SIZE", 1024))


def token_member_cache_seconds() -> float:
    """How long a remembered member record serves token checks before it is read again; the
    used-token write re-checks its security fields on every request regardless."""
    return float(getattr(settings, "HUB_TOKEN_MEMBER_CACHE_SECONDS", 60))


def wait_max_seconds() -> int:
    """The longest a `wait/` request is held (docs/hub.md)."""
    return int(getattr(settings, "HUB_WAIT_MAX_SECONDS", 25))


def wait_recheck_seconds() -> float:
    """How often a held `wait/` request looks at the database (deliveries of other processes)."""
    return float(getattr(settings, "HUB_WAIT_RECHECK_SECONDS", 1.0))


def wait_notify() -> bool:
    """Whether deliveries are announced to the other hub processes over PostgreSQL NOTIFY
    (`HUB_WAIT_NOTIFY`; by default only when the hub runs several processes, ADR 0026)."""
    configured = getattr(settings, "HUB_WAIT_NOTIFY", None)
    if configured is None:
        return int(getattr(settings, "HUB_SERVE_PROCESSES", 1)) > 1
    return bool(configured)


def wait_recheck_notified_seconds() -> float:
    """How often a held `wait/` request looks at the database while its process listens for
    other processes' deliveries (a notice lost during a reconnection is found then)."""
    return float(getattr(settings, "HUB_WAIT_RECHECK_NOTIFIED_SECONDS", 10.0))


def wait_max_waiters() -> int:
    """How many `wait/` requests one hub process holds at once (each holds a server thread)."""
    default = max(int(getattr(settings, "HUB_SERVE_THREADS", 8)) // 2, 1)
    return int(getattr(settings, "HUB_WAIT_MAX_WAITERS", default))
