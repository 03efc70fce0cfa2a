"""incoming_documents_bulk_register: gap-free blocks, all-or-nothing, one audit entry."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from django.utils import timezone

from congso.accounts.tests.factories import StaffUserFactory
from congso.audit.models import AuditEntry
from congso.core.errors import PermissionDenied, ValidationFailed
from congso.core.identity import Role
from congso.documents.constants import Direction
from congso.documents.models import (
    DocumentRegister,
    IncomingDocument,
    SearchEntry,
    SecretAccessGrant,
)
from congso.documents.selectors.search import document_search
from congso.documents.services.bulk import (
    BULK_REGISTERED,
    BulkIncomingRow,
    incoming_documents_bulk_register,
)

pytestmark = pytest.mark.django_db


def _row(number: int, **changes) -> BulkIncomingRow:
    row = BulkIncomingRow(
        subject=f"Công văn về việc triển khai nhiệm vụ số {number}",
        organ_name="UBND tỉnh Kon Tum",
        issued_on=dt.date(2020, 3, 2),
        code_number=f"{number:02d}",
        code_notation="UBND-VX",
        arrived_at=timezone.make_aware(dt.datetime(2020, 3, 3, 9)),
    )
    return replace(row, **changes)


def test_a_batch_takes_one_block_of_consecutive_numbers(clerk):
    # given: the book already gave 41 numbers
    DocumentRegister.objects.create(
        agency=clerk.agency, year=2020, direction=Direction.INCOMING, last_number=41
    )
    # when
    result = incoming_documents_bulk_register(clerk=clerk, rows=[_row(n) for n in range(1, 6)])
    # then
    numbers = list(
        IncomingDocument.objects.filter(pk__in=result.document_ids)
        .order_by("arrival_number")
        .values_list("arrival_number", flat=True)
    )
    assert numbers == [42, 43, 44, 45, 46]
    assert DocumentRegister.objects.get(agency=clerk.agency, year=2020).last_number == 46
    assert (result.books[0].first, result.books[0].last) == (42, 46)


def test_consecutive_batches_leave_no_gap(clerk):
    # when
    for start in (1, 4, 9):
        incoming_documents_bulk_register(clerk=clerk, rows=[_row(start + i) for i in range(3)])
    # then
    numbers = sorted(
        number
        for number in IncomingDocument.objects.filter(agency=clerk.agency).values_list(
            "arrival_number", flat=True
        )
        if number is not None
    )
    assert numbers == list(range(1, 10))


def test_one_audit_entry_records_the_batch(clerk):
    # when
    incoming_documents_bulk_register(clerk=clerk, rows=[_row(n) for n in range(1, 4)])
    # then
    entry = AuditEntry.objects.get(action=BULK_REGISTERED)
    assert entry.data["count"] == 3
    assert (entry.data["first_number"], entry.data["last_number"]) == (1, 3)
    assert AuditEntry.objects.count() == 1


def test_registered_documents_are_searchable_at_once(clerk):
    # when
    incoming_documents_bulk_register(clerk=clerk, rows=[_row(7)])
    # then
    assert SearchEntry.objects.count() == 1
    result = document_search(user=clerk, query="07/UBND-VX")
    assert [hit.match for hit in result.hits] == ["notation"]
    assert len(document_search(user=clerk, query="trien khai nhiem vu").hits) == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"subject": ""}, "subject"),
        ({"subject": "x" * 501}, "subject"),
        ({"organ_name": " "}, "organ_name"),
        ({"issued_on": None}, "issued_on"),
        ({"issued_on": dt.date(1900, 1, 1)}, "issued_on"),
        ({"issued_on": dt.date(2020, 3, 4)}, "issued_on"),
        ({"document_type": "khong_co"}, "document_type"),
        ({"secrecy": "bi_mat"}, "secrecy"),
        ({"page_amount": 0}, "page_amount"),
        ({"due_on": dt.date(2020, 1, 1)}, "due_on"),
        ({"arrived_at": dt.datetime(2020, 3, 3, 9)}, "arrived_at"),
        ({"code_notation": "X" * 31}, "code_notation"),
    ],
)
def test_a_bad_row_rolls_back_the_whole_batch(clerk, change, field):
    # given: four good rows and one bad one in the middle
    rows = [_row(1), _row(2), _row(3, **change), _row(4), _row(5)]
    # when
    with pytest.raises(ValidationFailed) as error:
        incoming_documents_bulk_register(clerk=clerk, rows=rows)
    # then
    assert error.value.code == "invalid_rows"
    assert field in error.value.details["rows"]["2"]
    assert "dòng đầu tiên: 3" in error.value.message
    assert IncomingDocument.objects.count() == 0
    assert SearchEntry.objects.count() == 0
    assert AuditEntry.objects.count() == 0
    assert not DocumentRegister.objects.filter(last_number__gt=0).exists()


def test_a_database_failure_mid_batch_returns_the_numbers(clerk, monkeypatch):
    # given: the search index write fails after the documents were inserted
    from congso.documents.services import bulk

    def explode(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(bulk, "search_entries_bulk_create", explode)
    # when
    with pytest.raises(RuntimeError):
        incoming_documents_bulk_register(clerk=clerk, rows=[_row(1), _row(2)])
    monkeypatch.undo()
    result = incoming_documents_bulk_register(clerk=clerk, rows=[_row(3)])
    # then
    assert IncomingDocument.objects.count() == 1
    assert result.books[0].first == 1


def test_secret_rows_use_their_own_book_and_only_the_clerk_may_read_them(clerk):
    # given
    colleague = StaffUserFactory.create(agency=clerk.agency, roles=[Role.CLERK])
    rows = [_row(1), _row(2, secrecy="mat", subject="Văn bản mật về quốc phòng"), _row(3)]
    # when
    result = incoming_documents_bulk_register(clerk=clerk, rows=rows)
    # then
    secret = IncomingDocument.objects.get(is_secret=True)
    assert secret.arrival_number == 1
    assert secret.register is not None
    assert secret.register.is_secret is True
    assert sorted(b.last for b in result.books) == [1, 2]
    assert SecretAccessGrant.objects.filter(incoming=secret, user=clerk).exists()
    assert len(document_search(user=clerk, query="quoc phong").hits) == 1
    assert document_search(user=colleague, query="quoc phong").hits == []


def test_rows_of_two_years_go_to_two_books(clerk):
    # given
    old = _row(1, arrived_at=timezone.make_aware(dt.datetime(2019, 12, 31, 9)))
    old = replace(old, issued_on=dt.date(2019, 12, 30))
    # when
    result = incoming_documents_bulk_register(clerk=clerk, rows=[old, _row(2), _row(3)])
    # then
    assert sorted((b.year, b.first, b.last) for b in result.books) == [(2019, 1, 1), (2020, 1, 2)]


@pytest.mark.parametrize("roles", [[Role.SPECIALIST], [Role.LEADER], []])
def test_only_a_clerk_may_register(agency, roles):
    # given
    user = StaffUserFactory.create(agency=agency, roles=roles)
    # when / then
    with pytest.raises(PermissionDenied):
        incoming_documents_bulk_register(clerk=user, rows=[_row(1)])
    assert IncomingDocument.objects.count() == 0


def test_an_empty_batch_is_refused(clerk):
    # when / then
    with pytest.raises(ValidationFailed) as error:
        incoming_documents_bulk_register(clerk=clerk, rows=[])
    assert error.value.code == "empty_batch"


def test_a_batch_runs_a_bounded_number_of_queries(clerk, django_assert_max_num_queries):
    # when / then: statements per batch of rows, not per row (SQLite's limit of 999 bound
    # parameters cuts 300 rows into ~10 INSERTs per table; PostgreSQL needs one)
    with django_assert_max_num_queries(40):
        result = incoming_documents_bulk_register(
            clerk=clerk, rows=[_row(n) for n in range(1, 301)]
        )
    assert result.count == 300
