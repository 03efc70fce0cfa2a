"""Writing to the audit log. Every service that changes state calls `audit_record` once.

An append costs three statements whatever the number of entries (lock the head, insert the
entries, move the head), written in SQL here rather than through the ORM's `get_or_create`,
`bulk_create` and `save`: the audit entry is on the path of every state change, and the ORM's
per-field preparation of each inserted row cost more CPU than everything else the append does.
Each value sent is the one its model field would send (`get_db_prep_save`); on PostgreSQL the
rows travel as one jsonb parameter (`_select_from_json`). The stored rows and the hashes are
the ones the ORM writer made (tests/test_audit_record_reference.py keeps it as the yardstick).
Each entry's data and the fixed parts of its hashed bytes are prepared before the head is
locked: a refused value refuses the append before anything is written, and only the sequence
numbers, the timestamp and the hashes are added under the lock.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import DatabaseError, connections, models, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from congso.audit.models import AuditChainHead, AuditEntry
from congso.audit.payload import (
    CANONICAL_ENCODER,
    GENESIS_HASH,
    canonical_payload,
    canonical_timestamp,
    entry_hash_of,
    entry_payload,
    json_value,
    stored_and_hashed,
)

__all__ = [
    "GENESIS_HASH",
    "AuditItem",
    "audit_record",
    "audit_record_many",
    "canonical_payload",
    "canonical_timestamp",
    "entry_hash_of",
    "entry_payload",
]


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


@dataclass(frozen=True, slots=True)
class _Prepared:
    """One entry before it has a place on the chain: its columns but sequence, time and hashes,
    and its hashed bytes but the timestamp and sequence (`head` + time + sequence + `tail`)."""

    actor_id: int | None
    actor_label: str
    agency_id: Any  # as given: the hash covers it so; the column gets the field's conversion
    action: str
    target_type: str
    target_id: str
    data: Any
    db_agency_id: Any
    head: bytes
    tail: bytes


# Columns in the model's field order, so a row with its id in front builds the model
# positionally (`from_db`), as a query result would.
_COLUMNS = (
    "sequence", "occurred_at", "actor_id", "actor_label", "agency_id", "action", "target_type",
    "target_id", "data", "prev_hash", "entry_hash",
)  # fmt: skip
_ATTNAMES = ("id", *_COLUMNS)
_FIELD_BY_NAME = {f.attname: f for f in AuditEntry._meta.concrete_fields}
_FIELDS = [_FIELD_BY_NAME[name] for name in _COLUMNS]
_POSITIONAL = tuple(_FIELD_BY_NAME) == _ATTNAMES
_OCCURRED_AT = _FIELD_BY_NAME["occurred_at"]
_DATA = _FIELD_BY_NAME["data"]
assert isinstance(_DATA, models.JSONField)
_DATA_ENCODER: type[json.JSONEncoder] | None = _DATA.encoder
_AGENCY_ID = _FIELD_BY_NAME["agency_id"]
_SEQUENCE_KIND = _FIELD_BY_NAME["sequence"].get_internal_type()
_ACTOR_KIND = _FIELD_BY_NAME["actor_id"].get_internal_type()
_HEAD_SEQUENCE_KIND = AuditChainHead._meta.get_field("last_sequence").get_internal_type()


@dataclass(frozen=True, slots=True)
class _Statements:
    """The SQL of an append in one connection's dialect (names from the models, values as
    parameters)."""

    lock: str  # the head's sequence and hash, `FOR UPDATE` where `select_for_update()` has it
    insert: str  # rows as VALUES: + `row` × N + `returning`
    row: str
    insert_json: str | None  # PostgreSQL: all rows in one jsonb parameter, + `returning`
    returning: str  # each inserted row's sequence and id
    move: str  # the head to the last entry


_SQL: dict[str, _Statements] = {}


def _statements(connection: BaseDatabaseWrapper) -> _Statements:
    found = _SQL.get(connection.vendor)
    if found is None:
        qn = connection.ops.quote_name
        head, entry = qn(AuditChainHead._meta.db_table), qn(AuditEntry._meta.db_table)
        last_sequence, last_hash, pk = qn("last_sequence"), qn("last_hash"), qn("id")
        lock = f"SELECT {last_sequence}, {last_hash} FROM {head} WHERE {pk} = 1"  # noqa: S608
        if connection.features.has_select_for_update:
            lock += " FOR UPDATE"
        columns = ", ".join(qn(f.column or f.attname) for f in _FIELDS)
        insert = f"INSERT INTO {entry} ({columns}) "
        insert_json = None
        if connection.vendor == "postgresql":
            insert_json = insert + _select_from_json(connection)
        found = _SQL[connection.vendor] = _Statements(
            lock=lock,
            insert=f"{insert}VALUES ",
            row="(" + ", ".join(["%s"] * len(_FIELDS)) + ")",
            insert_json=insert_json,
            returning=f" RETURNING {qn('sequence')}, {pk}",
            move=f"UPDATE {head} SET {last_sequence} = %s, {last_hash} = %s WHERE {pk} = 1",  # noqa: S608
        )
    return found


def _select_from_json(connection: BaseDatabaseWrapper) -> str:
    """PostgreSQL: the rows from one jsonb array of arrays (`_json_row`), in order, and the
    shared timestamp from a parameter of its own.

    A VALUES list takes 11 parameters a row and an UNNEST (what `bulk_create` writes there) an
    array a column: client-side binding then parses the long statement or escapes every array
    element in Python, several times the CPU of the rest of the append. One jsonb parameter
    is one `json.dumps` and one escape. The values arrive the same: text as text, integers
    cast to the column's type, the data as the jsonb it is.
    """
    expressions, index = [], 0
    for f in _FIELDS:
        if f is _OCCURRED_AT:
            expressions.append("%s")
            continue
        if f is _DATA:
            expressions.append(f"e.r->{index}")
        elif isinstance(f, models.IntegerField):
            expressions.append(f"(e.r->>{index})::{f.db_type(connection)}")
        else:
            expressions.append(f"e.r->>{index}")
        index += 1
    return (
        f"SELECT {', '.join(expressions)} "  # noqa: S608
        "FROM jsonb_array_elements(%s) WITH ORDINALITY AS e(r, n) ORDER BY e.n"
    )


def _prepare(item: AuditItem, connection: BaseDatabaseWrapper) -> _Prepared:
    actor_id, actor_label = _actor_fields(item.actor)
    target_type, target_id = _target_fields(item.target)
    agency_id = item.agency_id
    if agency_id is None and item.actor is not None:
        agency_id = getattr(item.actor, "agency_id", None)
    action = str(item.action)
    stored, hashed = stored_and_hashed(item.data)
    # The keys of `canonical_payload` in sorted order: action, actor_id, actor_label,
    # agency_id, data | occurred_at, sequence | target_id, target_type.
    head = (
        f'{{"action":{json_value(action)},"actor_id":{json_value(actor_id)},'
        f'"actor_label":{json_value(actor_label)},"agency_id":{json_value(agency_id)},'
        f'"data":{CANONICAL_ENCODER.encode(hashed)},"occurred_at":'
    ).encode()
    tail = (
        f',"target_id":{json_value(target_id)},"target_type":{json_value(target_type)}}}'
    ).encode()
    db_agency_id = (
        agency_id
        if agency_id is None or type(agency_id) is int
        else _AGENCY_ID.get_db_prep_save(agency_id, connection)
    )
    return _Prepared(
        actor_id, actor_label, agency_id, action, target_type, target_id, stored, db_agency_id,
        head, tail,
    )  # fmt: skip


def _head_lock(cursor: Any, alias: str, lock_sql: str) -> tuple[int, str]:
    cursor.execute(lock_sql)
    row = cursor.fetchone()
    if row is not None:
        return int(row[0]), row[1]
    # No head row yet (a database created without the data migration): make it, once.
    head, _ = AuditChainHead.objects.using(alias).select_for_update().get_or_create(id=1)
    return head.last_sequence, head.last_hash


def audit_record_many(items: Sequence[AuditItem]) -> list[AuditEntry]:
    """Append several entries at the tip of the chain, in order, inside the caller's
    transaction: the head is locked and moved once and the entries are inserted in one
    statement, so a batch of N state changes costs three statements, not 3 × N. The chain is
    the same as N calls of `audit_record` would make (verify_audit checks it)."""
    if not items:
        return []
    alias = router.db_for_write(AuditEntry)
    connection = connections[alias]
    prepared = [_prepare(item, connection) for item in items]
    sql = _statements(connection)
    with transaction.atomic(using=alias, savepoint=False), connection.cursor() as cursor:
        sequence, last_hash = _head_lock(cursor, alias, sql.lock)
        occurred_at = timezone.now()
        stamp = json_value(canonical_timestamp(occurred_at)).encode("ascii")
        chained: list[tuple[int, str, str]] = []  # sequence, prev_hash, entry_hash
        for p in prepared:
            sequence += 1
            payload = p.head + stamp + b',"sequence":' + str(sequence).encode("ascii") + p.tail
            entry_hash = hashlib.sha256(last_hash.encode("ascii") + payload).hexdigest()
            chained.append((sequence, last_hash, entry_hash))
            last_hash = entry_hash
        if connection.features.can_return_rows_from_bulk_insert:
            ids = _insert(cursor, connection, sql, prepared, chained, occurred_at)
            entries = [
                _entry(alias, ids[s], s, occurred_at, p, prev, h)
                for p, (s, prev, h) in zip(prepared, chained, strict=True)
            ]
        else:  # no ids back from a multi-row insert (SQLite < 3.35): the ORM's way
            entries = [
                _entry(alias, None, s, occurred_at, p, prev, h)
                for p, (s, prev, h) in zip(prepared, chained, strict=True)
            ]
            AuditEntry.objects.using(alias).bulk_create(entries)
        moved = [
            connection.ops.adapt_integerfield_value(sequence, _HEAD_SEQUENCE_KIND),
            last_hash,
        ]
        cursor.execute(sql.move, moved)
        if cursor.rowcount != 1:
            raise DatabaseError("The audit chain head was not moved.")
    return entries


def _insert(
    cursor: Any,
    connection: BaseDatabaseWrapper,
    sql: _Statements,
    prepared: list[_Prepared],
    chained: list[tuple[int, str, str]],
    occurred_at: datetime,
) -> dict[int, int]:
    """Insert the entries (as many a statement as the database takes) and return the id of
    each by sequence number. Each value as its model field prepares it for the database."""
    ops = connection.ops
    db_occurred_at = _OCCURRED_AT.get_db_prep_save(occurred_at, connection)
    statements: list[tuple[str, list[Any]]] = []
    if sql.insert_json is not None:
        rows = [_json_row(p, *c) for p, c in zip(prepared, chained, strict=True)]
        table = ops.adapt_json_value(rows, _DATA_ENCODER)
        statements.append((sql.insert_json, [db_occurred_at, table]))
    else:
        adapt, encoder = ops.adapt_integerfield_value, _DATA_ENCODER
        values = [
            (
                adapt(sequence, _SEQUENCE_KIND),
                db_occurred_at,
                adapt(p.actor_id, _ACTOR_KIND),
                p.actor_label,
                p.db_agency_id,
                p.action,
                p.target_type,
                p.target_id,
                ops.adapt_json_value(p.data, encoder),
                prev_hash,
                entry_hash,
            )  # fmt: skip
            for p, (sequence, prev_hash, entry_hash) in zip(prepared, chained, strict=True)
        ]
        size = max(ops.bulk_batch_size(_FIELDS, values), 1) if len(values) > 1 else 1
        for start in range(0, len(values), size):
            chunk = values[start : start + size]
            text = sql.insert + ", ".join([sql.row] * len(chunk))
            statements.append((text, [value for row in chunk for value in row]))
    ids: dict[int, int] = {}
    for text, params in statements:
        cursor.execute(text + sql.returning, params)
        ids.update((int(s), int(pk)) for s, pk in cursor.fetchall())
    return ids


def _json_row(p: _Prepared, sequence: int, prev_hash: str, entry_hash: str) -> list[Any]:
    """An entry's columns but `occurred_at`, for `_select_from_json`."""
    return [
        sequence, p.actor_id, p.actor_label, p.db_agency_id, p.action, p.target_type,
        p.target_id, p.data, prev_hash, entry_hash,
    ]  # fmt: skip


def _entry(
    alias: str,
    pk: int | None,
    sequence: int,
    occurred_at: datetime,
    p: _Prepared,
    prev_hash: str,
    entry_hash: str,
) -> AuditEntry:
    values: tuple[Any, ...] = (
        pk, sequence, occurred_at, p.actor_id, p.actor_label, p.agency_id, p.action,
        p.target_type, p.target_id, p.data, prev_hash, entry_hash,
    )  # fmt: skip
    if pk is not None and _POSITIONAL:
        return AuditEntry.from_db(alias, _ATTNAMES, values)  # positional: the cheap __init__
    fields: dict[str, Any] = dict(zip(_ATTNAMES, values, strict=True))
    entry = AuditEntry(**fields)
    if pk is not None:
        entry._state.adding = False
        entry._state.db = alias
    return entry  # without an id, for bulk_create, which inserts it and marks it saved
