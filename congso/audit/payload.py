"""The bytes an audit entry's hash covers, and its data as stored.

Canonical form: sorted-key compact JSON, UTF-8, `str()` for dates, decimals and UUIDs, integral
floats written as integers (PostgreSQL's jsonb gives them back so). `stored_and_hashed` builds
the stored and hashed forms of an entry's data without a JSON round trip for plain data; anything
else takes the round trip (`_normalise`) the chain was first written with.
"""

from __future__ import annotations

import hashlib
import json
import math
from datetime import UTC, date, datetime, time
from decimal import Decimal
from json.encoder import encode_basestring
from typing import Any
from uuid import UUID

from congso.audit.models import AuditEntry

GENESIS_HASH = "0" * 64

# The canonical form an entry's hash covers: sorted keys, compact, UTF-8 text, str() for the rest.
CANONICAL_ENCODER = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), sort_keys=True, default=str
)


def canonical_timestamp(moment: datetime) -> str:
    """The form of `occurred_at` an entry's hash covers: UTC, always with microseconds.

    Both databases keep microseconds but hand the value back in their own time zone, and
    `isoformat()` drops a zero fraction; this form is the same at write and at verify time.
    """
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _canonical_numbers(value: Any) -> Any:
    """Write integral floats as integers: PostgreSQL jsonb gives 1e16 back as 10000000000000000."""
    if isinstance(value, float) and value.is_integer():
        return int(Decimal(repr(value)))
    if isinstance(value, dict):
        return {key: _canonical_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_canonical_numbers(item) for item in value]
    return value


def canonical_payload(
    *,
    sequence: int,
    occurred_at: str,
    actor_id: int | None,
    actor_label: str,
    agency_id: int | None,
    action: str,
    target_type: str,
    target_id: str,
    data: Any,
) -> bytes:
    """The bytes an entry's hash covers: sorted-key compact JSON, UTF-8."""
    payload = {
        "sequence": sequence,
        "occurred_at": occurred_at,
        "actor_id": actor_id,
        "actor_label": actor_label,
        "agency_id": agency_id,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "data": _canonical_numbers(data),
    }
    return CANONICAL_ENCODER.encode(payload).encode("utf-8")


def entry_hash_of(*, prev_hash: str, payload: bytes) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + payload).hexdigest()


def _jsonable(value: Any) -> Any:
    """Keys as strings (mixed keys cannot be sorted), NaN and infinities as strings (not JSON)."""
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def _normalise(data: dict[str, Any] | None) -> Any:
    """Round-trip through JSON so what is hashed equals what the JSONField gives back."""
    text = json.dumps(_jsonable(data or {}), sort_keys=True, default=str, ensure_ascii=False)
    return json.loads(text)


class _NotPlain(Exception):
    """Data `_plain_copy` leaves to the JSON round trip of `_normalise`."""


# Types that JSON writes with `default=str`, exactly these (a subclass may change str()).
_AS_TEXT: frozenset[type] = frozenset({Decimal, UUID, date, datetime, time})


def _plain_copy(value: Any) -> Any:
    """What `_normalise` gives back, built without the JSON round trip, for the usual data.

    Exact types only: dicts with text keys (keys sorted, as `sort_keys` leaves them), lists and
    tuples (as lists), text, integers, booleans, None, finite floats that are not integral (they
    come back as themselves), NaN and infinities (as text, as `_jsonable` writes them) and the
    `_AS_TEXT` types (their str(), as `default=str` writes them). An integral float is stored as
    a float but hashed as an integer, so it goes the slow way, with anything else: subclasses
    (enums, `SafeString`, `OrderedDict`), non-text keys, other objects → `_NotPlain`.
    Whatever this returns holds no integral float, so it is also its own canonical form.
    """
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is dict:
        for key in value:
            if type(key) is not str:
                raise _NotPlain
        return {key: _plain_copy(value[key]) for key in sorted(value)}
    if kind is list or kind is tuple:
        return [_plain_copy(item) for item in value]
    if kind is float:
        if not math.isfinite(value):
            return str(value)
        if value.is_integer():
            raise _NotPlain
        return value
    if kind in _AS_TEXT:
        return str(value)
    raise _NotPlain


def stored_and_hashed(data: Any) -> tuple[Any, Any]:
    """The data as stored (what the JSONField gives back) and as the hash covers it."""
    try:
        stored = _plain_copy(data or {})
    except _NotPlain:
        stored = _normalise(data)
        return stored, _canonical_numbers(stored)
    return stored, stored


def json_value(value: Any) -> str:
    """One value as `CANONICAL_ENCODER` writes it inside a document."""
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if kind is int:
        return int.__repr__(value)
    if value is None:
        return "null"
    return CANONICAL_ENCODER.encode(value)


def entry_payload(entry: AuditEntry) -> bytes:
    """The hashed bytes of a stored entry, as read back from the database."""
    return canonical_payload(
        sequence=entry.sequence,
        occurred_at=canonical_timestamp(entry.occurred_at),
        actor_id=entry.actor_id,
        actor_label=entry.actor_label,
        agency_id=entry.agency_id,
        action=entry.action,
        target_type=entry.target_type,
        target_id=entry.target_id,
        data=entry.data,
    )
