"""Bulk registration of incoming documents (imports from another system, the benchmark).

The contract, in order (one transaction: every row is written, or none):
1. the actor is a clerk (văn thư) of an agency;
2. every row is checked (Phụ lục VI part II lengths, required fields, dates that can exist,
   known catalogue codes) and all problems are reported at once, by row;
3. rows are grouped by book (year of arrival, secret or not) and each book reserves one block of
   consecutive numbers (`register_take_numbers(count=N)`), so the sequence stays gap-free
   (Nghị định 30/2020/NĐ-CP, Điều 22 khoản 2; Điều 15 khoản 1: secret documents in their own book);
4. documents and their search entries (and the FTS5 rows on SQLite) go in with `bulk_create`;
5. the clerk gets a read grant on the secret rows (as with a single registration);
6. ONE audit entry records the batch: count and first/last number of each book.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.audit.services import audit_record
from congso.catalogues.models import DocumentType, SecrecyLevel, UrgencyLevel
from congso.core.errors import PermissionDenied, ValidationFailed
from congso.documents.access import can_register_incoming
from congso.documents.constants import (
    EARLIEST_YEAR,
    Direction,
    IncomingSource,
    IncomingStatus,
)
from congso.documents.models import DocumentRegister, IncomingDocument, SecretAccessGrant
from congso.documents.services.numbering import register_take_numbers
from congso.documents.services.search_index import (
    search_entries_bulk_create,
    search_entry_values_incoming,
)

BULK_REGISTERED = "documents.incoming_bulk_registered"
MAX_ROWS = 20_000
BATCH_SIZE = 1000
EARLIEST_ISSUED_ON = date(EARLIEST_YEAR, 1, 1)
MAX_ERRORS_REPORTED = 50
# Phụ lục VI, part II (standards.md §3.6); the model fields have the same limits.
MAX_LENGTHS = {
    "code_number": 11,
    "code_notation": 30,
    "organ_id": 13,
    "organ_name": 200,
    "subject": 500,
    "language": 30,
    "description": 500,
    "signer_position": 100,
    "signer_full_name": 50,
    "to_places": 1000,
}
MAX_PAGE_AMOUNT = 999


@dataclass(frozen=True)
class BulkIncomingRow:
    """One document to register; catalogue entries by code (as in an import file)."""

    subject: str
    organ_name: str
    issued_on: date | None
    document_type: str = "cong_van"
    code_number: str = ""
    code_notation: str = ""
    arrived_at: datetime | None = None  # now when empty
    urgency: str = "thuong"
    secrecy: str = "thuong"
    organ_id: str = ""
    language: str = "Tiếng Việt"
    page_amount: int | None = None
    description: str = ""
    signer_position: str = ""
    signer_full_name: str = ""
    to_places: str = ""
    due_on: date | None = None
    source: str = IncomingSource.PAPER


@dataclass(frozen=True)
class BookRange:
    register_id: int
    year: int
    is_secret: bool
    first: int
    last: int


@dataclass(frozen=True)
class BulkResult:
    count: int
    books: list[BookRange]
    document_ids: list[int]


@dataclass(frozen=True)
class _Catalogues:
    types: dict[str, DocumentType]
    urgencies: dict[str, UrgencyLevel]
    secrecies: dict[str, SecrecyLevel]

    @classmethod
    def load(cls) -> _Catalogues:
        return cls(
            types={t.code: t for t in DocumentType.objects.filter(is_active=True)},
            urgencies={u.code: u for u in UrgencyLevel.objects.filter(is_active=True)},
            secrecies={s.code: s for s in SecrecyLevel.objects.filter(is_active=True)},
        )


def _row_errors(row: BulkIncomingRow, catalogues: _Catalogues, now: datetime) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name, limit in MAX_LENGTHS.items():
        value = getattr(row, name) or ""
        if len(value) > limit:
            errors[name] = _("Tối đa %(limit)d ký tự.") % {"limit": limit}
    if not (row.subject or "").strip():
        errors["subject"] = _("Nhập trích yếu nội dung.")
    if not (row.organ_name or "").strip():
        errors["organ_name"] = _("Nhập tên cơ quan, tổ chức ban hành.")
    arrived_at = row.arrived_at or now
    if timezone.is_naive(arrived_at) or arrived_at > now:
        errors["arrived_at"] = _("Ngày đến phải có múi giờ và không được sau thời điểm hiện tại.")
        arrived_at = now
    if row.issued_on is None:
        errors["issued_on"] = _("Nhập ngày, tháng, năm văn bản.")
    elif row.issued_on < EARLIEST_ISSUED_ON or row.issued_on > timezone.localdate(arrived_at):
        errors["issued_on"] = _("Ngày văn bản phải từ năm 1945 đến ngày đến.")
    elif row.due_on is not None and row.due_on < row.issued_on:
        errors["due_on"] = _("Thời hạn giải quyết không được trước ngày văn bản.")
    if row.page_amount is not None and not 1 <= row.page_amount <= MAX_PAGE_AMOUNT:
        errors["page_amount"] = _("Số trang phải từ 1 đến %(max)d.") % {"max": MAX_PAGE_AMOUNT}
    for name, known in (
        ("document_type", catalogues.types),
        ("urgency", catalogues.urgencies),
        ("secrecy", catalogues.secrecies),
    ):
        if getattr(row, name) not in known:
            errors[name] = _("Mã danh mục không tồn tại hoặc đã ngừng sử dụng.")
    if row.source not in (IncomingSource.PAPER, IncomingSource.UPLOAD, IncomingSource.EXCHANGE):
        errors["source"] = _("Nguồn văn bản không hợp lệ.")
    return errors


def _validate(rows: Sequence[BulkIncomingRow], catalogues: _Catalogues, now: datetime) -> None:
    if not rows:
        raise ValidationFailed(_("Không có văn bản nào để vào sổ."), code="empty_batch")
    if len(rows) > MAX_ROWS:
        raise ValidationFailed(
            _("Mỗi lần vào sổ tối đa %(max)d văn bản.") % {"max": MAX_ROWS}, code="batch_too_large"
        )
    problems: dict[str, dict[str, str]] = {}
    for index, row in enumerate(rows):
        errors = _row_errors(row, catalogues, now)
        if errors:
            problems[str(index)] = errors
            if len(problems) >= MAX_ERRORS_REPORTED:
                break
    if problems:
        first = min(problems, key=int)
        raise ValidationFailed(
            _(
                "Có %(count)s dòng không hợp lệ (dòng đầu tiên: %(row)s); "
                "không văn bản nào được vào sổ."
            )
            % {"count": len(problems), "row": int(first) + 1},
            code="invalid_rows",
            details={"rows": problems},
        )


def _document(
    row: BulkIncomingRow, *, clerk: Any, catalogues: _Catalogues, now: datetime
) -> IncomingDocument:
    secrecy = catalogues.secrecies[row.secrecy]
    document_type = catalogues.types[row.document_type]
    document = IncomingDocument(
        agency_id=clerk.agency_id,
        arrived_at=row.arrived_at or now,
        document_type=document_type,
        code_number=row.code_number.strip(),
        code_notation=row.code_notation.strip(),
        issued_on=cast(date, row.issued_on),  # checked by _row_errors
        organ_id=row.organ_id.strip(),
        organ_name=" ".join(row.organ_name.split()),
        subject=" ".join(row.subject.split()),
        language=row.language or "Tiếng Việt",
        page_amount=row.page_amount,
        description=row.description.strip(),
        signer_position=row.signer_position.strip(),
        signer_full_name=row.signer_full_name.strip(),
        urgency=catalogues.urgencies[row.urgency],
        secrecy=secrecy,
        is_secret=secrecy.is_secret,
        to_places=row.to_places.strip(),
        due_on=row.due_on,
        status=IncomingStatus.ACCEPTED,
        source=row.source,
        registered_by_id=clerk.pk,
    )
    return document


@transaction.atomic
def incoming_documents_bulk_register(*, clerk: Any, rows: Sequence[BulkIncomingRow]) -> BulkResult:
    """Register many received documents at once, gap-free, with one audit entry for the batch."""
    if not can_register_incoming(clerk):
        raise PermissionDenied(
            _("Chỉ văn thư của cơ quan được vào sổ văn bản đến."), code="clerk_required"
        )
    now = timezone.now()
    catalogues = _Catalogues.load()
    _validate(rows, catalogues, now)
    documents = [_document(row, clerk=clerk, catalogues=catalogues, now=now) for row in rows]
    by_book: dict[tuple[int, bool], list[int]] = defaultdict(list)
    for index, document in enumerate(documents):
        year = timezone.localtime(document.arrived_at).year
        by_book[(year, document.is_secret)].append(index)
    books: list[BookRange] = []
    for year, is_secret in sorted(by_book):  # a fixed order: two batches never deadlock
        positions = by_book[(year, is_secret)]
        register, first = register_take_numbers(
            agency_id=clerk.agency_id,
            year=year,
            direction=Direction.INCOMING,
            is_secret=is_secret,
            count=len(positions),
        )
        for offset, position in enumerate(positions):
            documents[position].register = register
            documents[position].arrival_number = first + offset
        books.append(
            BookRange(
                register_id=register.pk,
                year=year,
                is_secret=is_secret,
                first=first,
                last=first + len(positions) - 1,
            )
        )
    created = IncomingDocument.objects.bulk_create(documents, batch_size=BATCH_SIZE)
    type_names = {t.pk: t.name for t in catalogues.types.values()}
    search_entries_bulk_create(
        direction=Direction.INCOMING,
        values=[
            (
                document.pk,
                search_entry_values_incoming(
                    document, type_name=type_names[document.document_type_id]
                ),
            )
            for document in created
        ],
    )
    SecretAccessGrant.objects.bulk_create(
        [
            SecretAccessGrant(incoming_id=document.pk, user_id=clerk.pk, granted_by_id=clerk.pk)
            for document in created
            if document.is_secret
        ],
        batch_size=BATCH_SIZE,
    )
    audit_record(
        actor=clerk,
        action=BULK_REGISTERED,
        target=DocumentRegister(pk=books[0].register_id),
        agency_id=clerk.agency_id,
        data={
            "count": len(created),
            "first_number": books[0].first,
            "last_number": books[0].last,
            "books": [
                {
                    "register_id": book.register_id,
                    "year": book.year,
                    "is_secret": book.is_secret,
                    "first": book.first,
                    "last": book.last,
                }
                for book in books
            ],
        },
    )
    return BulkResult(
        count=len(created), books=books, document_ids=[document.pk for document in created]
    )
