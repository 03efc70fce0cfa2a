"""Embedded default for `make run`: SQLite, eager tasks, a locally generated secret key."""

from __future__ import annotations

import secrets

from config.env import env_bool, env_str
from config.settings.base import *  # noqa: F403
from config.settings.base import VAR_DIR

DEBUG = env_bool("DJANGO_DEBUG", True)


def _local_secret_key() -> str:
    """Generate a secret key once and keep it in var/, so sessions survive restarts."""
    configured = env_str("DJANGO_SECRET_KEY")
    if configured:
        return configured
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _local_secret_key()
