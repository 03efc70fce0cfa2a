"""Checking several files at once (`file_signatures_check_many`): each file gets exactly the
check it gets alone, and their reports are stored in one short transaction."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import pytest

from congso.accounts.tests.factories import StaffUserFactory
from congso.audit.models import AuditEntry
from congso.core.identity import Role
from congso.signatures import services
from congso.signatures.constants import SignaturesAuditAction
from congso.signatures.lib.report import Verdict
from congso.signatures.models import ValidationRecord
from congso.signatures.services import FileToCheck, SignatureCheck
from congso.signatures.tests import pdfattacks

pytestmark = pytest.mark.django_db

UNSIGNED = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"
DAMAGED = b"%PDF-1.7\n1 0 obj << /ByteRange [0 1 2 3] >> endobj\n%%EOF\n"
ONLY_MARKER = UNSIGNED + b"\n% /ByteRange [0 10 20 30]\n"


@pytest.fixture(autouse=True)
def _signatures_settings(settings: Any, test_pki: Any, tmp_path: Any) -> None:
    settings.CONGSO_SIGNATURES_TEST_PKI_DIR = str(test_pki.directory)
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _unreadable() -> bytes:
    raise OSError("the disk went away")


def _given(data: bytes | None) -> Callable[[], bytes]:
    return (lambda: data) if data is not None else _unreadable


def _one_by_one(actor: Any, files: list[tuple[bytes | None, str]]) -> list[Any]:
    outcomes: list[Any] = []
    for data, name in files:
        try:
            outcomes.append(
                services.file_signatures_check(actor=actor, data=_given(data)(), file_name=name)
            )
        except Exception as exc:
            outcomes.append(exc)
    return outcomes


def _facts(outcome: SignatureCheck | Exception) -> tuple[Any, ...]:
    """What a check says, without the ids and times that differ from one run to the next."""
    if isinstance(outcome, Exception):
        return ("error", type(outcome), str(outcome))
    record = outcome.record
    stored: tuple[Any, ...] = ()
    if record is not None:
        assert record.pk is not None
        fresh = ValidationRecord.objects.get(pk=record.pk)
        report = dict(fresh.report)
        report.pop("validated_at", None)
        stored = (
            fresh.file_name, fresh.file_sha256, fresh.file_size, fresh.verdict, fresh.summary,
            len(report.get("signatures", [])), fresh.requested_by_id, fresh.agency_id,
            fresh.document_ref, fresh.file.read(),
        )  # fmt: skip
        entry = AuditEntry.objects.get(
            action=SignaturesAuditAction.FILE_VALIDATED, target_id=str(record.pk)
        )
        stored += (entry.actor_id, entry.agency_id, entry.target_type, entry.data)
    return (outcome.verdict, outcome.summary, stored)


def test_each_file_gets_the_check_it_gets_alone(signed_twice: bytes) -> None:
    # given a clerk and a mix of files: signed, tampered, unsigned, damaged, a bare marker, and
    # one that cannot be read
    clerk = StaffUserFactory.create(roles=[Role.CLERK])
    files: list[tuple[bytes | None, str]] = [
        (signed_twice, "qd.pdf"),
        (pdfattacks.change_signed_byte(signed_twice), "sua.pdf"),
        (UNSIGNED, "thuong.pdf"),
        (DAMAGED, "hong.pdf"),
        (ONLY_MARKER, "dau.pdf"),
        (None, "mat.pdf"),
    ]
    # when they are checked one by one, and then all at once
    alone = _one_by_one(clerk, files)
    together = services.file_signatures_check_many(
        actor=clerk, files=[FileToCheck(read=_given(d), file_name=n) for d, n in files]
    )
    # then every file has the same verdict, summary, stored report and audit entry both ways
    assert [_facts(o) for o in together] == [_facts(o) for o in alone]
    assert together[0].verdict == Verdict.VALID  # type: ignore[union-attr]
    assert together[1].verdict == Verdict.FAILED  # type: ignore[union-attr]
    assert isinstance(together[5], OSError)


def test_the_reports_are_stored_in_one_short_transaction(
    signed_twice: bytes, django_assert_num_queries: Any
) -> None:
    # given six signed files, validated ahead (what the query count must not include)
    files = [FileToCheck(read=lambda: signed_twice, file_name=f"{i}.pdf") for i in range(6)]
    services.file_signatures_check_many(actor=None, files=files[:1])
    # when they are checked together
    # savepoint, a row each, one audit append (lock the head, insert, move it), release
    with django_assert_num_queries(1 + 6 + 3 + 1):
        checks = services.file_signatures_check_many(actor=None, files=files)
    # then each has its own stored report and audit entry
    pks = {c.record.pk for c in checks if isinstance(c, SignatureCheck) and c.record is not None}
    assert len(pks) == 6
    assert AuditEntry.objects.filter(
        action=SignaturesAuditAction.FILE_VALIDATED, target_id__in=[str(pk) for pk in pks]
    ).count() == 6  # fmt: skip


def test_a_store_that_fails_together_stores_each_report_alone(
    signed_twice: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given an audit append of many entries that fails
    def broken(items: Any) -> Any:
        raise RuntimeError("the chain head is gone")

    monkeypatch.setattr(services, "audit_record_many", broken)
    files = [FileToCheck(read=lambda: signed_twice, file_name=f"{i}.pdf") for i in range(3)]
    # when three signed files are checked together
    checks = services.file_signatures_check_many(actor=None, files=files)
    # then no verdict is lost: each report is stored and audited on its own
    assert all(isinstance(c, SignatureCheck) and c.verdict == Verdict.VALID for c in checks)
    pks = [c.record.pk for c in checks if isinstance(c, SignatureCheck) and c.record]
    assert ValidationRecord.objects.filter(pk__in=pks).count() == 3
    assert AuditEntry.objects.filter(target_id__in=[str(pk) for pk in pks]).count() == 3


def test_a_report_that_cannot_be_stored_at_all_is_that_files_error_only(
    signed_twice: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a store that fails together, and alone for the second file only
    monkeypatch.setattr(services, "audit_record_many", lambda items: 1 / 0)
    real = services.audit_record
    seen: list[int] = []

    def audit(**kwargs: Any) -> Any:
        seen.append(1)
        if len(seen) == 2:
            raise RuntimeError("refused")
        return real(**kwargs)

    monkeypatch.setattr(services, "audit_record", audit)
    files = [FileToCheck(read=lambda: signed_twice, file_name=f"{i}.pdf") for i in range(3)]
    # when three signed files are checked together
    checks = services.file_signatures_check_many(actor=None, files=files)
    # then the second carries its error and nothing of it is kept; the others are stored
    assert isinstance(checks[1], RuntimeError)
    kept = [c for c in (checks[0], checks[2]) if isinstance(c, SignatureCheck)]
    assert [c.verdict for c in kept] == [Verdict.VALID, Verdict.VALID]
    assert ValidationRecord.objects.count() == 2


def test_a_large_file_is_checked_from_disk_as_its_bytes_are(
    signed_twice: bytes, tmp_path: Any, monkeypatch: Any
) -> None:
    # given files on disk and a memory bound below their size
    monkeypatch.setattr(services, "CHECK_IN_MEMORY_BYTES", 10)
    clerk = StaffUserFactory.create(roles=[Role.CLERK])
    files = [
        (signed_twice, "qd.pdf"),
        (pdfattacks.change_signed_byte(signed_twice), "sua.pdf"),
        (UNSIGNED, "thuong.pdf"),
        (DAMAGED, "hong.pdf"),
    ]
    paths = []
    for data, name in files:
        path = tmp_path / name
        path.write_bytes(data)
        paths.append(path)
    # when they are checked from their paths (check_source gives the paths: too large)
    sources = [services.check_source(path) for path in paths]
    from_disk = services.file_signatures_check_many(
        actor=clerk,
        files=[
            FileToCheck(read=partial(services.check_source, p), file_name=n)
            for p, (_d, n) in zip(paths, files, strict=True)
        ],
    )
    # then each gets the check its bytes get (verdict, summary, report, copy of the file)
    in_memory = _one_by_one(clerk, list(files))
    assert all(source == path for source, path in zip(sources, paths, strict=True))
    assert [_facts(o) for o in from_disk] == [_facts(o) for o in in_memory]
    assert from_disk[0].verdict == Verdict.VALID  # type: ignore[union-attr]


def test_a_small_file_is_read_into_memory_for_its_check(tmp_path: Any) -> None:
    path = tmp_path / "nho.pdf"
    path.write_bytes(UNSIGNED)
    assert services.check_source(path) == UNSIGNED
