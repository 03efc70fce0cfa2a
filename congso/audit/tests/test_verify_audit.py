"""verify-audit finds the first edited, missing or reordered entry, and exits 1 when it does."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta, timezone
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from congso.audit.models import AuditChainHead, AuditEntry
from congso.audit.services import (
    audit_record,
    canonical_timestamp,
    entry_hash_of,
    entry_payload,
)
from congso.audit.verification import BreakKind, audit_chain_verify

pytestmark = pytest.mark.django_db


def raw(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_an_intact_log_verifies(chain):
    # when
    result = audit_chain_verify()
    # then
    assert result.is_ok
    assert result.checked == 5


@pytest.mark.parametrize("chunk_size", [1, 2, 2000])
def test_reading_in_chunks_gives_the_same_answer(chain, chunk_size):
    assert audit_chain_verify(chunk_size=chunk_size).checked == 5


def test_an_empty_log_verifies():
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue() == "Nhật ký kiểm toán toàn vẹn: 0 mục.\n"


def test_the_command_reports_an_intact_log(chain):
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue() == "Nhật ký kiểm toán toàn vẹn: 5 mục.\n"


def test_an_action_edited_by_sql_is_named(chain):
    # given
    raw("UPDATE audit_auditentry SET action = %s WHERE sequence = %s", ["user.deleted", 3])
    # when
    result = audit_chain_verify()
    # then
    found = result.first_break
    assert found is not None
    assert (found.kind, found.sequence, found.entry_id) == (BreakKind.EDITED, 3, chain[2].pk)
    assert result.checked == 2


def test_edited_data_is_named(chain):
    # given
    AuditEntry.objects.filter(sequence=2).update(data={"vai_trò": ["administrator"]})
    # when
    found = audit_chain_verify().first_break
    # then
    assert found is not None
    assert (found.kind, found.sequence) == (BreakKind.EDITED, 2)


def test_an_edited_timestamp_is_named(chain):
    raw(
        "UPDATE audit_auditentry SET occurred_at = %s WHERE sequence = %s",
        [chain[0].occurred_at.replace(year=2018), 4],
    )
    found = audit_chain_verify().first_break
    assert found is not None
    assert (found.kind, found.sequence) == (BreakKind.EDITED, 4)


def test_a_rewritten_entry_with_a_recomputed_hash_is_named(chain):
    # given entry 2 rewritten by someone who also recomputed its hash
    entry = AuditEntry.objects.get(pk=chain[1].pk)
    entry.action = "user.deleted"
    entry.entry_hash = entry_hash_of(prev_hash=entry.prev_hash, payload=entry_payload(entry))
    entry.save(update_fields=["action", "entry_hash"])
    # when
    found = audit_chain_verify().first_break
    # then: entry 3 still carries entry 2's old hash
    assert found is not None
    assert (found.kind, found.sequence, found.entry_id) == (BreakKind.EDITED, 2, entry.pk)


def test_a_deleted_middle_entry_is_named(chain):
    # given
    raw("DELETE FROM audit_auditentry WHERE sequence = %s", [3])
    # when
    result = audit_chain_verify()
    # then
    found = result.first_break
    assert found is not None
    assert (found.kind, found.sequence, found.entry_id) == (BreakKind.MISSING, 3, None)
    assert "#4" in found.detail


def test_a_deleted_last_entry_is_noticed_through_the_head(chain):
    # given
    raw("DELETE FROM audit_auditentry WHERE sequence = %s", [5])
    # when
    found = audit_chain_verify().first_break
    # then
    assert found is not None
    assert (found.kind, found.sequence) == (BreakKind.MISSING, 5)


def test_swapped_sequence_numbers_are_a_reordering(chain):
    # given entries 2 and 3 exchange their numbers
    raw("UPDATE audit_auditentry SET sequence = %s WHERE sequence = %s", [1000, 2])
    raw("UPDATE audit_auditentry SET sequence = %s WHERE sequence = %s", [2, 3])
    raw("UPDATE audit_auditentry SET sequence = %s WHERE sequence = %s", [3, 1000])
    # when
    found = audit_chain_verify().first_break
    # then: at position 2 sits the entry written after the one now numbered 3
    assert found is not None
    assert (found.kind, found.sequence, found.entry_id) == (BreakKind.REORDERED, 2, chain[2].pk)


def test_a_lost_head_is_noticed(chain):
    AuditChainHead.objects.all().delete()
    found = audit_chain_verify().first_break
    assert found is not None
    assert (found.kind, found.sequence) == (BreakKind.HEAD_MISMATCH, 5)


def test_a_head_moved_over_an_empty_log_is_noticed():
    AuditChainHead.objects.update_or_create(id=1, defaults={"last_hash": "f" * 64})
    found = audit_chain_verify().first_break
    assert found is not None
    assert (found.kind, found.sequence, found.entry_id) == (BreakKind.HEAD_MISMATCH, 0, None)


def test_the_command_names_the_first_bad_entry_and_exits_1(chain):
    # given
    raw("UPDATE audit_auditentry SET action = %s WHERE sequence = %s", ["user.deleted", 3])
    # when
    with pytest.raises(CommandError) as caught:
        call_command("verify_audit")
    # then
    assert caught.value.returncode == 1
    message = str(caught.value)
    assert f"Mục #3 (id={chain[2].pk}, hành động “user.deleted”): nội dung bị sửa" in message
    assert "2 mục trước đó còn nguyên" in message


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        ("DELETE FROM audit_auditentry WHERE sequence = 2", "Mục #2: bị xóa/thiếu"),
        ("DELETE FROM audit_auditentry WHERE sequence = 5", "Mục #5: bị xóa/thiếu"),
    ],
)
def test_the_command_explains_missing_entries(chain, tamper, reason):
    raw(tamper, [])
    with pytest.raises(CommandError, match=reason):
        call_command("verify_audit")


def test_timestamps_are_hashed_in_one_form():
    # given the same moment as SQLite and PostgreSQL hand it back

    utc = datetime(2019, 2, 1, 1, 0, tzinfo=UTC)
    local = utc.astimezone(timezone(timedelta(hours=7)))
    # then
    assert (
        canonical_timestamp(utc) == canonical_timestamp(local) == "2019-02-01T01:00:00.000000+00:00"
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain():
    # given four threads appending at once, each in its own transaction
    def append(n: int) -> None:
        try:
            for i in range(10):
                with transaction.atomic():
                    audit_record(actor=None, action="demo.loaded", data={"thread": n, "i": i})
        finally:
            connection.close()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    result = audit_chain_verify()
    assert result.is_ok
    assert result.checked == 40


def test_the_console_entry_point_exits_0_then_1(tmp_path: Path):
    # given a fresh SQLite database for separate processes
    congso = str(Path(sys.executable).parent / "congso")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(CONGSO_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings.test")
    subprocess.run([congso, "migrate", "-v0", "--skip-checks"], env=env, check=True, timeout=120)
    write = (
        "from congso.audit.services import audit_record\n"
        "for n in range(3): audit_record(actor=None, action='demo.loaded', data={'n': n})\n"
    )
    subprocess.run([congso, "shell", "-c", write], env=env, check=True, timeout=60)
    # when
    clean = subprocess.run(
        [congso, "verify-audit"], env=env, capture_output=True, text=True, timeout=60
    )
    tamper = (
        "from django.db import connection\n"
        "connection.cursor().execute("
        "\"UPDATE audit_auditentry SET action = 'x' WHERE sequence = 2\")"
    )
    subprocess.run([congso, "shell", "-c", tamper], env=env, check=True, timeout=60)
    damaged = subprocess.run(
        [congso, "verify-audit"], env=env, capture_output=True, text=True, timeout=60
    )
    # then
    assert (clean.returncode, clean.stdout) == (0, "Nhật ký kiểm toán toàn vẹn: 3 mục.\n")
    assert damaged.returncode == 1
    assert "Mục #2" in damaged.stderr
    assert "nội dung bị sửa" in damaged.stderr
    assert "Traceback" not in damaged.stderr
