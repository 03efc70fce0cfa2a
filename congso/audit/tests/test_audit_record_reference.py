"""The audit writer stores and hashes entries exactly as the original one did.

`_reference_*` below is the writer as it was before the fast path (JSON round trip of the data,
`json.dumps` of the whole payload, ORM `bulk_create`), kept as the yardstick: the same items at
the same moment must give the same rows, byte for byte as the database keeps them, the same
hashes, and a chain that verifies across entries written by either.
"""

from __future__ import annotations

import enum
import hashlib
import json
import math
from collections import OrderedDict, defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from datetime import timezone as dt_timezone
from decimal import Decimal
from typing import Any
from unittest import mock
from uuid import UUID

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from congso.audit.models import AuditChainHead, AuditEntry
from congso.audit.services import AuditItem, audit_record, audit_record_many
from congso.audit.verification import audit_chain_verify

pytestmark = pytest.mark.django_db

MOMENT = datetime(2026, 11, 27, 21, 45, 30, 123456, tzinfo=UTC)


def _staff() -> Any:
    """An acting user (the audit app sees users only through the auth model)."""
    count = get_user_model().objects.count()
    return get_user_model().objects.create_user(username=f"canbo_{count}", password="x")


# --- The original writer, verbatim but for names -------------------------------------------


def _reference_canonical_numbers(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(Decimal(repr(value)))
    if isinstance(value, dict):
        return {key: _reference_canonical_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_reference_canonical_numbers(item) for item in value]
    return value


def _reference_canonical_payload(**fields: Any) -> bytes:
    payload = {**fields, "data": _reference_canonical_numbers(fields["data"])}
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode("utf-8")


def _reference_jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): _reference_jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_reference_jsonable(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def _reference_normalise(data: Any) -> Any:
    text = json.dumps(
        _reference_jsonable(data or {}), sort_keys=True, default=str, ensure_ascii=False
    )
    return json.loads(text)


def _reference_actor_fields(actor: Any) -> tuple[int | None, str]:
    if actor is None or not getattr(actor, "pk", None):
        return None, "system"
    return int(actor.pk), str(getattr(actor, "username", actor))[:255]


def _reference_target_fields(target: Any) -> tuple[str, str]:
    if target is None:
        return "", ""
    if isinstance(target, models.Model):
        return target._meta.label_lower, str(target.pk)[:64]
    return type(target).__name__[:100], str(target)[:64]


def _reference_audit_record_many(items: Sequence[AuditItem]) -> list[AuditEntry]:
    prepared = []
    for item in items:
        actor_id, actor_label = _reference_actor_fields(item.actor)
        target_type, target_id = _reference_target_fields(item.target)
        agency_id = item.agency_id
        if agency_id is None and item.actor is not None:
            agency_id = getattr(item.actor, "agency_id", None)
        prepared.append(
            (actor_id, actor_label, agency_id, str(item.action), target_type, target_id,
             _reference_normalise(item.data))
        )  # fmt: skip
    with transaction.atomic(savepoint=False):
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        occurred_at = timezone.now()
        stamp = occurred_at.astimezone(UTC).isoformat(timespec="microseconds")
        sequence, last_hash = head.last_sequence, head.last_hash
        entries = []
        for actor_id, actor_label, agency_id, action, target_type, target_id, data in prepared:
            sequence += 1
            payload = _reference_canonical_payload(
                sequence=sequence, occurred_at=stamp, actor_id=actor_id, actor_label=actor_label,
                agency_id=agency_id, action=action, target_type=target_type, target_id=target_id,
                data=data,
            )  # fmt: skip
            entry_hash = hashlib.sha256(last_hash.encode("ascii") + payload).hexdigest()
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


# --- Data of every shape services might hand over ------------------------------------------


class Colour(enum.Enum):
    RED = 1


class Kind(models.TextChoices):
    INCOMING = "incoming", "Đến"


class Level(models.IntegerChoices):
    HIGH = 3, "Cao"


SAMPLES: list[Any] = [
    None,
    {},
    [],
    {"member": "000.00.11.H34", "document_id": "9f1c2a7e", "status_code": "01", "relayed_to": "x"},
    {"member": "000.00.11.H34", "size": 123456, "recipients": ["a", "b"], "refers_to": None},
    {"z": 1, "a": 2, "Đ": 3, "đ": 4, "Z": 5, "": 6, 'k"q': 7, "k\\b": 8, "😀": 9, "é": 10},
    {"nested": {"b": [1, 2.5, {"c": None, "a": (1, [2, (3,)])}], "a": True}, "empty": {}},
    {"deep": [[[[{"x": [{"y": {"z": [None, False, "", 0]}}]}]]]]},
    {"ints": [0, -1, 2**31, 2**63 - 1, 2**64, -(2**70), 10**30]},
    {"bools": [True, False], "none": None},
    {"floats": [0.1, 2.5, -3.75, 1.5e-07, 1e-300, 5e-324, 1.7976931348623157e308]},
    {"integral_floats": [1.0, 0.0, -0.0, 1e16, 1.2345678901234568e20, 1e300, -2.0]},
    {"n": 2.0},
    {"not_numbers": [math.nan, math.inf, -math.inf], "alone": math.nan},
    {"decimals": [Decimal("12.50"), Decimal("-0"), Decimal("1E+3"), Decimal("NaN")]},
    {"amount": Decimal("0.000001")},
    {"day": date(2019, 2, 1), "at": datetime(2019, 2, 1, 8, 30, tzinfo=UTC)},
    {"local": datetime(2019, 2, 1, 8, 30, 0, 5, tzinfo=dt_timezone(timedelta(hours=7)))},
    {"naive": datetime(2019, 2, 1, 8, 30), "clock": time(8, 30, 15), "span": timedelta(days=1)},
    {"uuid": UUID("12345678-1234-5678-1234-567812345678"), "uuids": (UUID(int=0),)},
    {"text": "Ủy ban nhân dân tỉnh Kon Tum — “số đến” 12/2019"},
    {"escapes": 'quote " backslash \\ newline \n tab \t bell \x07 del \x7f sep \u2028'},
    {"combining": "Nguye\u0302\u0303n", "emoji": "😀👍🏽", "cjk": "文書", "rtl": "مستند"},
    {1: "integer key", "1": "text key too", None: "none key", False: "bool key", 2.5: "float"},
    {(1, 2): "tuple key", Colour.RED: "enum key", date(2019, 2, 1): "date key"},
    {"kind": Kind.INCOMING, "level": Level.HIGH, "colour": Colour.RED},
    {"kind": Kind.INCOMING, "kinds": [Kind.INCOMING]},
    {"level": Level.HIGH},
    {"safe": mark_safe("<b>an toàn</b>")},
    {"safe": mark_safe("<b>an toàn</b>"), "lazy": gettext_lazy("mục nhật ký")},
    OrderedDict([("z", 1), ("a", OrderedDict([("y", 2), ("b", 3)]))]),
    defaultdict(list, {"b": [1], "a": [2]}),
    {"set": {3, 1, 2}, "frozen": frozenset({"x"}), "bytes": b"\x00\xff"},
    {"object": Colour, "range": range(3)},
    ["a", "list", "at", "the", "top", 1, {"b": 2, "a": 1}],
    ("a", "tuple", "at", "the", "top"),
    {"long": "x" * 5000, "many": list(range(300))},
    {f"key{i:03d}": i for i in range(120)},
]


def _items(actor: Any) -> list[AuditItem]:
    """Every sample with a different mix of actor, target and agency."""
    targets: list[Any] = [None, actor, "tệp văn bản", 42, UUID(int=7), 'q"\\\n\t😀\u2028']
    actors: list[Any] = [None, actor, actor, None]
    agencies: list[int | None] = [None, 7, None]
    actions: list[Any] = ["demo.loaded", Kind.INCOMING, "văn_bản.đến"]
    return [
        AuditItem(
            action=actions[i % len(actions)],
            target=targets[i % len(targets)],
            agency_id=agencies[i % len(agencies)],
            data=data,
            actor=actors[i % len(actors)],
        )
        for i, data in enumerate(SAMPLES)
    ]


def _raw_rows(after: int) -> list[tuple[Any, ...]]:
    """The stored rows as the database keeps them (jsonb as its text on PostgreSQL)."""
    data = "data::text" if connection.vendor == "postgresql" else "data"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sequence, occurred_at, actor_id, actor_label, agency_id, action, "  # noqa: S608
            f"target_type, target_id, {data}, prev_hash, entry_hash FROM audit_auditentry "
            "WHERE sequence > %s ORDER BY sequence",
            [after],
        )
        return cursor.fetchall()


def _types(value: Any) -> Any:
    """The exact types inside data (an enum member equals its value but is not plain JSON)."""
    if isinstance(value, dict):
        return (dict, [(type(k), _types(v)) for k, v in value.items()])
    if isinstance(value, list):
        return (list, [_types(v) for v in value])
    return type(value)


def _fields(entries: list[AuditEntry]) -> list[tuple[Any, ...]]:
    return [
        (e.sequence, e.occurred_at, e.actor_id, e.actor_label, e.agency_id, e.action,
         e.target_type, e.target_id, e.data, e.prev_hash, e.entry_hash)
        for e in entries
    ]  # fmt: skip


def _both_ways(items: list[AuditItem], write: Any = audit_record_many) -> tuple[Any, ...]:
    """Write `items` with the reference writer, take the rows back off the chain, write them
    again with `write`; return (reference rows, reference entries, rows, entries)."""
    head = AuditChainHead.objects.values_list("last_sequence", "last_hash").get()
    with mock.patch("congso.audit.services.timezone.now", return_value=MOMENT):
        reference = _reference_audit_record_many(items)
        reference_rows = _raw_rows(after=head[0])
        AuditEntry.objects.filter(sequence__gt=head[0]).delete()
        AuditChainHead.objects.filter(id=1).update(last_sequence=head[0], last_hash=head[1])
        entries = write(items)
    return reference_rows, reference, _raw_rows(after=head[0]), entries


def test_every_kind_of_data_is_stored_and_hashed_as_the_reference_writer_did():
    # given data of every shape, with and without actor, target and agency, on a chain
    actor = _staff()
    audit_record(actor=None, action="demo.loaded", data={"rows": 3})
    items = _items(actor)
    # when the reference writer and the new one write the same items at the same moment
    reference_rows, reference, rows, entries = _both_ways(items)
    # then the stored rows, the hashes and the returned entries are the same
    assert len(rows) == len(SAMPLES)
    assert rows == reference_rows
    assert _fields(entries) == _fields(reference)
    assert [_types(e.data) for e in entries] == [_types(e.data) for e in reference]
    assert audit_chain_verify().is_ok


def test_a_batch_larger_than_one_statement_holds_is_stored_as_the_reference_did():
    # given more entries than SQLite takes in one INSERT (90 rows of 11 parameters)
    actor = _staff()
    items = _items(actor) * 6
    # when
    reference_rows, reference, rows, entries = _both_ways(items)
    # then
    assert len(rows) == len(items)
    assert rows == reference_rows
    assert _fields(entries) == _fields(reference)
    assert audit_chain_verify().is_ok


@pytest.mark.parametrize("data", SAMPLES, ids=range(len(SAMPLES)))
def test_one_entry_is_stored_and_hashed_as_the_reference_did(data):
    # given
    actor = _staff()

    def record_one(items: list[AuditItem]) -> list[AuditEntry]:
        (item,) = items
        kwargs = {"agency_id": item.agency_id, "data": item.data, "target": item.target}
        return [audit_record(actor=item.actor, action=item.action, **kwargs)]

    items = [AuditItem(action="demo.one", actor=actor, target=actor, data=data)]
    # when
    reference_rows, reference, rows, entries = _both_ways(items, write=record_one)
    # then
    assert rows == reference_rows
    assert _fields(entries) == _fields(reference)
    assert _types(entries[0].data) == _types(reference[0].data)


def test_returned_entries_are_saved_rows_with_their_ids():
    # given
    actor = _staff()
    # when
    entries = audit_record_many(_items(actor)[:5])
    # then
    stored = {e.pk: e for e in AuditEntry.objects.filter(pk__in=[e.pk for e in entries])}
    assert [stored[e.pk].sequence for e in entries] == [e.sequence for e in entries]
    assert [e.pk for e in entries] == sorted(e.pk for e in entries)
    assert all(not e._state.adding and e._state.db == "default" for e in entries)
    assert [stored[e.pk].entry_hash for e in entries] == [e.entry_hash for e in entries]


def test_a_chain_written_partly_by_the_reference_writer_verifies():
    # given entries of the reference writer, then of the new one, then of the reference again
    actor = _staff()
    items = _items(actor)
    _reference_audit_record_many(items[:10])
    audit_record_many(items[10:20])
    audit_record(actor=actor, action="demo.between", data={"n": 1.0})
    _reference_audit_record_many(items[20:])
    # when
    result = audit_chain_verify()
    # then
    assert result.is_ok
    assert result.checked == len(items) + 1


def test_without_ids_from_a_multi_row_insert_the_rows_are_the_same():
    # given a database that cannot return ids from a multi-row insert (SQLite before 3.35)
    actor = _staff()
    features = type(connection.features)
    no_returning = mock.patch.object(
        features, "can_return_rows_from_bulk_insert", new_callable=mock.PropertyMock
    )
    # when
    with no_returning as returning:
        returning.return_value = False
        reference_rows, reference, rows, entries = _both_ways(_items(actor))
    # then
    assert rows == reference_rows
    assert _fields(entries) == _fields(reference)
    assert audit_chain_verify().is_ok


def test_an_append_costs_three_statements(django_assert_num_queries):
    # given
    actor = _staff()
    items = _items(actor)[:20]
    # when / then: lock the head, insert the entries, move the head
    with django_assert_num_queries(3):
        audit_record(actor=actor, action="demo.one", data={"n": 1})
    with django_assert_num_queries(3):
        audit_record_many(items)


def test_without_a_head_row_the_first_append_makes_it():
    # given a database without the chain head row (made by a data migration)
    AuditChainHead.objects.all().delete()
    # when
    entry = audit_record(actor=None, action="demo.loaded", data={"rows": 1})
    # then
    assert entry.sequence == 1
    assert AuditChainHead.objects.values_list("last_sequence", "last_hash").get() == (
        1,
        entry.entry_hash,
    )
    assert audit_chain_verify().is_ok


def test_data_that_cannot_be_hashed_is_refused_before_anything_is_written():
    # given text with a lone surrogate: it has no UTF-8 form to hash
    head = AuditChainHead.objects.values_list("last_sequence", "last_hash").get()
    # when
    with pytest.raises(UnicodeEncodeError):
        audit_record(actor=None, action="demo.loaded", data={"text": "\ud800"})
    # then
    assert AuditEntry.objects.count() == 0
    assert AuditChainHead.objects.values_list("last_sequence", "last_hash").get() == head
