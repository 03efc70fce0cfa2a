"""Writing to the audit log. Every service that changes state calls `audit_record` once."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from congso.audit.models import AuditChainHead, AuditEntry

GENESIS_HASH = "0" * 64


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
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode("utf-8")


def entry_hash_of(*, prev_hash: str, payload: bytes) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + payload).hexdigest()


def _actor_fields(actor: Any) -> tuple[int | None, str]:
    if actor is None or not getattr(actor, "pk", None):
        return None, "system"
    return int(actor.pk), str(getattr(actor, "username", actor))[:255]


def _target_fields(target: Any) -> tuple[str, str]:
    if target is None:
        return "", ""
    if isinstance(target, models.Model):
        return target._meta.label_lower, str(target.pk)[:64]
    return type(target).__name__[:100], str(target)[:64]


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


def audit_record(
    *,
    actor: Any,
    action: str,
    target: Any = None,
    agency_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry at the tip of the chain, inside the caller's transaction.

    The chain head row is locked, so concurrent writers append one after the other and a rolled-back
    state change takes its audit entry with it. The lock is held until the caller commits: call
    this as the last write of the transaction. No savepoint: an audit write that fails dooms the
    caller's whole transaction (a change never commits without its entry), and the common path
    costs three statements (lock the head, insert the entry, move the head).
    """
    item = AuditItem(action=action, target=target, agency_id=agency_id, data=data, actor=actor)
    return audit_record_many([item])[0]


@dataclass(frozen=True)
class AuditItem:
    """One entry for `audit_record_many` (the same fields as `audit_record`)."""

    action: str
    target: Any = None
    agency_id: int | None = None
    data: dict[str, Any] | None = None
    actor: Any = None


def audit_record_many(items: Sequence[AuditItem]) -> list[AuditEntry]:
    """Append several entries at the tip of the chain, in order, inside the caller's
    transaction: the head is locked and moved once and the entries are inserted in one
    statement, so a batch of N state changes costs three statements, not 3 × N. The chain is
    the same as N calls of `audit_record` would make (verify_audit checks it)."""
    if not items:
        return []
    prepared = []
    for item in items:
        actor_id, actor_label = _actor_fields(item.actor)
        target_type, target_id = _target_fields(item.target)
        agency_id = item.agency_id
        if agency_id is None and item.actor is not None:
            agency_id = getattr(item.actor, "agency_id", None)
        prepared.append(
            (actor_id, actor_label, agency_id, str(item.action), target_type, target_id,
             _normalise(item.data))
        )  # fmt: skip
    with transaction.atomic(savepoint=False):
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        occurred_at = timezone.now()
        stamp = canonical_timestamp(occurred_at)
        sequence, last_hash = head.last_sequence, head.last_hash
        entries = []
        for actor_id, actor_label, agency_id, action, target_type, target_id, data in prepared:
            sequence += 1
            payload = canonical_payload(
                sequence=sequence, occurred_at=stamp, actor_id=actor_id, actor_label=actor_label,
                agency_id=agency_id, action=action, target_type=target_type, target_id=target_id,
                data=data,
            )  # fmt: skip
            entry_hash = entry_hash_of(prev_hash=last_hash, payload=payload)
            entries.append(
                AuditEntry(
                    sequence=sequence,
                    occurred_at=occurred_at,
                    actor_id=actor_id,
                    actor_label=actor_label,
                    agency_id=agency_id,
                    action=action,
                    target_type=target_type,
                    target_id=target_id,
                    data=data,
                    prev_hash=last_hash,
                    entry_hash=entry_hash,
                )  # fmt: skip
            )
            last_hash = entry_hash
        AuditEntry.objects.bulk_create(entries)
        head.last_sequence = sequence
        head.last_hash = last_hash
        head.save(update_fields=["last_sequence", "last_hash"])
    return entries
