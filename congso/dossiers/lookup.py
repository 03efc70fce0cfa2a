"""The short lookup secret (mã tra cứu) printed on the receipt and shown once to the applicant.

Stored as an HMAC-SHA256 keyed with SECRET_KEY: the lookup must answer hundreds of requests per
second (issue 6, Performance), so a deliberately slow password hash is not used; the secret is
random (8 characters of a 31-letter alphabet, ~40 bits) and the public lookup is rate-limited.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings

# No 0/O, 1/I/L: people copy the secret from paper.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 8


def lookup_secret_new() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise_secret(secret: str) -> str:
    return (secret or "").strip().upper().replace(" ", "").replace("-", "")


def lookup_secret_hash(secret: str) -> str:
    key = settings.SECRET_KEY.encode("utf-8")
    message = b"dossier-lookup:" + normalise_secret(secret).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def lookup_secret_matches(secret: str, stored_hash: str) -> bool:
    if not stored_hash or not secret:
        return False
    return hmac.compare_digest(lookup_secret_hash(secret), stored_hash)
