"""Opaque keyset cursors for search pages: (result group, date, id), tied to one search."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from congso.core.errors import ValidationFailed


def cursor_fingerprint(*parts: Any) -> str:
    """A short hash of the query and filters: a cursor only continues the search it came from."""
    text = json.dumps(parts, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def cursor_encode(fingerprint: str, tier: int, sort_at: datetime, pk: int) -> str:
    payload = json.dumps({"f": fingerprint, "t": tier, "s": sort_at.isoformat(), "i": pk})
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def _bad_cursor() -> ValidationFailed:
    return ValidationFailed(
        _("Con trỏ phân trang không hợp lệ; hãy tìm lại từ trang đầu."),
        code="invalid_cursor",
        field="cursor",
    )


def cursor_decode(cursor: str, fingerprint: str, tiers: int) -> tuple[int, datetime, int]:
    """(group, date, id) after which the next page starts; ValidationFailed if it is not ours."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        tier, sort_at, pk = int(data["t"]), datetime.fromisoformat(data["s"]), int(data["i"])
        same_search = data["f"] == fingerprint
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise _bad_cursor() from exc
    if not same_search or not 0 <= tier < tiers or sort_at.tzinfo is None:
        raise _bad_cursor()
    return tier, sort_at, pk
