"""Writing to the audit log. Every service that changes state calls `audit_record` once."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from congso.audit.models import AuditChainHead, AuditEntry

GENESIS_HASH = "0" * 64


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
        "data": data,
    }
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode("utf-8")


def entry_hash_of(*, prev_hash: str, payload: bytes) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + payload).hexdigest()


def _actor_fields(actor: Any) -> tuple[int | None, str]:
    if actor is None or not getattr(actor, "pk", None):
        return None, "system"
    return int(actor.pk), str(getattr(actor, "username", actor))


def _target_fields(target: Any) -> tuple[str, str]:
    if target is None:
        return "", ""
    if isinstance(target, models.Model):
        return target._meta.label_lower, str(target.pk)
    return type(target).__name__, str(target)


def _normalise(data: dict[str, Any] | None) -> Any:
    """Round-trip through JSON so what is hashed equals what the JSONField gives back."""
    return json.loads(json.dumps(data or {}, sort_keys=True, default=str, ensure_ascii=False))


@transaction.atomic
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
    state change takes its audit entry with it.
    """
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
    actor_id, actor_label = _actor_fields(actor)
    target_type, target_id = _target_fields(target)
    if agency_id is None and actor is not None:
        agency_id = getattr(actor, "agency_id", None)
    occurred_at = timezone.now()
    sequence = head.last_sequence + 1
    clean_data = _normalise(data)
    payload = canonical_payload(
        sequence=sequence,
        occurred_at=occurred_at.isoformat(),
        actor_id=actor_id,
        actor_label=actor_label,
        agency_id=agency_id,
        action=str(action),
        target_type=target_type,
        target_id=target_id,
        data=clean_data,
    )
    entry = AuditEntry.objects.create(
        sequence=sequence,
        occurred_at=occurred_at,
        actor_id=actor_id,
        actor_label=actor_label,
        agency_id=agency_id,
        action=str(action),
        target_type=target_type,
        target_id=target_id,
        data=clean_data,
        prev_hash=head.last_hash,
        entry_hash=entry_hash_of(prev_hash=head.last_hash, payload=payload),
    )
    head.last_sequence = sequence
    head.last_hash = entry.entry_hash
    head.save(update_fields=["last_sequence", "last_hash"])
    return entry
