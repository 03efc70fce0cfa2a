"""audit_record appends hash-chained entries that survive a round trip through either database."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.db import transaction

from congso.audit.models import AuditChainHead, AuditEntry
from congso.audit.services import GENESIS_HASH, audit_record
from congso.audit.verification import audit_chain_verify

pytestmark = pytest.mark.django_db


def test_entries_are_numbered_and_chained(chain):
    # then
    entries = list(AuditEntry.objects.order_by("sequence"))
    assert [e.sequence for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == GENESIS_HASH
    assert all(b.prev_hash == a.entry_hash for a, b in zip(entries, entries[1:], strict=False))
    head = AuditChainHead.objects.get()
    assert (head.last_sequence, head.last_hash) == (5, entries[-1].entry_hash)


def test_actor_and_target_are_recorded(user):
    # when
    entry = audit_record(actor=user, action="user.updated", target=user, agency_id=7)
    anonymous = audit_record(actor=None, action="demo.loaded")
    # then
    assert (entry.actor_id, entry.actor_label, entry.agency_id) == (user.pk, user.username, 7)
    assert (entry.target_type, entry.target_id) == ("accounts.user", str(user.pk))
    assert (anonymous.actor_id, anonymous.actor_label, anonymous.target_type) == (
        None,
        "system",
        "",
    )


def test_a_whole_second_timestamp_still_verifies():
    # given a clock on an exact second: isoformat() would drop the ".000000"
    moment = datetime(2019, 2, 1, 1, 0, 0, tzinfo=UTC)
    with mock.patch("congso.audit.services.timezone.now", return_value=moment):
        audit_record(actor=None, action="demo.loaded")
    # when
    result = audit_chain_verify()
    # then
    assert AuditEntry.objects.get().occurred_at == moment
    assert result.is_ok
    assert result.checked == 1


def test_awkward_data_is_stored_as_hashed_and_verifies():
    # given values that JSON, jsonb or SQLite might give back in another form
    data: dict[Any, Any] = {
        "float_integral": 1.0,
        "large_float": 1e16,
        "larger_float": 1.2345678901234568e20,
        "small_float": 1.5e-07,
        "fraction": 0.1,
        "not_a_number": math.nan,
        "day": date(2019, 2, 1),
        "amount": Decimal("12.50"),
        "text": "Ủy ban nhân dân tỉnh Kon Tum — “số đến” 12/2019",
        "nested": {"b": [1, 2.5, {"c": None}], "a": True},
        7: "integer key",
    }
    # when
    entry = audit_record(actor=None, action="demo.loaded", data=data)
    # then
    stored = AuditEntry.objects.get(pk=entry.pk).data
    assert stored["day"] == "2019-02-01"
    assert stored["amount"] == "12.50"
    assert stored["not_a_number"] == "nan"
    assert stored["7"] == "integer key"
    assert audit_chain_verify().is_ok


def test_a_rolled_back_transaction_takes_its_entry_with_it(chain):
    # given
    head_before = AuditChainHead.objects.values_list("last_sequence", "last_hash").get()

    def failing_state_change() -> None:
        with transaction.atomic():
            audit_record(actor=None, action="demo.loaded")
            raise RuntimeError("the state change failed")

    # when
    with pytest.raises(RuntimeError):
        failing_state_change()
    # then
    assert AuditEntry.objects.count() == 5
    assert AuditChainHead.objects.values_list("last_sequence", "last_hash").get() == head_before
    assert audit_record(actor=None, action="demo.loaded").sequence == 6
    assert audit_chain_verify().is_ok


def test_a_batch_extends_the_chain_like_single_records(user):
    # given an entry already on the chain
    from congso.audit.services import AuditItem, audit_record_many

    audit_record(actor=None, action="demo.loaded")
    # when three entries are appended as one batch, then one more alone
    batch = audit_record_many(
        [
            AuditItem(action="x.one", target=user, agency_id=3, data={"n": 1}),
            AuditItem(action="x.two", actor=user, data={"n": 2.0}),
            AuditItem(action="x.three"),
        ]
    )
    audit_record(actor=None, action="demo.after")
    # then the chain runs through them in order and verifies
    entries = list(AuditEntry.objects.order_by("sequence"))
    assert [e.action for e in entries] == ["demo.loaded", "x.one", "x.two", "x.three", "demo.after"]
    assert [e.sequence for e in batch] == [2, 3, 4]
    assert (batch[1].actor_id, batch[0].agency_id, batch[0].target_id) == (
        user.pk, 3, str(user.pk)
    )  # fmt: skip
    assert all(b.prev_hash == a.entry_hash for a, b in zip(entries, entries[1:], strict=False))
    assert audit_chain_verify().is_ok
    assert audit_record_many([]) == []
