"""HMAC-SHA256 over a canonical form of the fields: `key=value` lines sorted by key, UTF-8.

Both directions use it: our payment request to the bank and the bank's result back to us.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

SIGNATURE_FIELD = "sig"


def canonical(fields: Mapping[str, str]) -> bytes:
    lines = [f"{key}={fields[key]}" for key in sorted(fields) if key != SIGNATURE_FIELD]
    return "\n".join(lines).encode("utf-8")


def sign(secret: bytes, fields: Mapping[str, str]) -> str:
    return hmac.new(secret, canonical(fields), hashlib.sha256).hexdigest()


def verify(secret: bytes, fields: Mapping[str, str], signature: str) -> bool:
    if not signature:
        return False
    return hmac.compare_digest(sign(secret, fields), signature.strip().lower())
