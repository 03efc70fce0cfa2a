"""Secrets kept at rest in the database are sealed (Fernet: AES-128-CBC + HMAC-SHA256).

Keys come from `CONGSO_FIELD_KEYS` (comma-separated Fernet keys, the first seals, every one opens,
so a key can be rotated); without it the key is derived from Django's SECRET_KEY with HKDF, so a
database copy alone does not reveal the secrets. A sealed value starts with `SEALED_PREFIX`;
a value without it is a legacy plaintext one (read as is, sealed on the next save).
"""

from __future__ import annotations

import base64
import functools
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models

SEALED_PREFIX = "fernet:"


class SealedValueUnreadable(Exception):
    """A sealed value none of the configured keys opens (wrong or rotated-away key)."""


def _derived_key(secret_key: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"congso field sealing")
    return base64.urlsafe_b64encode(hkdf.derive(secret_key.encode("utf-8")))


@functools.cache
def _box(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    material = [key.encode("ascii") for key in keys] or [_derived_key(secret_key)]
    return MultiFernet([Fernet(key) for key in material])


def _current_box() -> MultiFernet:
    keys = tuple(k.strip() for k in getattr(settings, "CONGSO_FIELD_KEYS", ()) if k.strip())
    return _box(keys, settings.SECRET_KEY)


def seal(plain: str) -> str:
    """`plain` sealed for storage; the empty string stays empty (nothing to hide)."""
    if not plain:
        return ""
    return SEALED_PREFIX + _current_box().encrypt(plain.encode("utf-8")).decode("ascii")


def unseal(stored: str) -> str:
    """The plain value of a stored one; legacy plaintext comes back unchanged."""
    if not stored or not stored.startswith(SEALED_PREFIX):
        return stored
    token = stored[len(SEALED_PREFIX) :].encode("ascii")
    try:
        return _current_box().decrypt(token).decode("utf-8")
    except InvalidToken:
        raise SealedValueUnreadable(
            "A sealed database value cannot be opened with the configured CONGSO_FIELD_KEYS."
        ) from None


class SealedCharField(models.CharField):
    """A CharField whose value is sealed in the database and plain in Python."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return unseal(value) if isinstance(value, str) else value

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return unseal(value) if isinstance(value, str) else value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if isinstance(value, str) and value and not value.startswith(SEALED_PREFIX):
            return seal(value)
        return value
