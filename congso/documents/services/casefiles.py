"""Case files (hồ sơ công việc): open, add documents in order, reorder, remove, close.

Fields are those of Nghị định 30/2020/NĐ-CP, Phụ lục VI, part III (standards.md §3.6); the system
fills OrganId (the agency's code), FileCatalog (the year), DocOrdinal, DocTotal and PageTotal
(Phụ lục VI, part I, III.1(g)), and keeps documents in the order the file was built, renumbering
them when the order changes ("tự động sắp xếp văn bản trong hồ sơ", part I, III.2). A closed
file takes no more changes. Only documents the user may read can be added (access gates), and
only to a file of the user's own agency.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.audit.services import audit_record
from congso.core.errors import Conflict, PermissionDenied, ValidationFailed
from congso.documents.access import (
    access_case_file_by_id,
    access_incoming_by_id,
    access_outgoing_by_id,
    can_edit_case_file,
)
from congso.documents.constants import EARLIEST_YEAR, Direction
from congso.documents.models import CaseFile, CaseFileItem

MAX_DOCUMENTS = 999  # DocOrdinal: Number(3)
CREATED = "documents.case_file_created"
DOCUMENT_ADDED = "documents.case_file_document_added"
DOCUMENT_REMOVED = "documents.case_file_document_removed"
REORDERED = "documents.case_file_reordered"
CLOSED = "documents.case_file_closed"


class CaseFileClosed(Conflict):
    code = "case_file_closed"


@dataclass(frozen=True)
class CaseFileData:
    """What the person opening a file types (Phụ lục VI part III, 1.3 and 2–8, 11)."""

    notation: str  # FileNotation, String 20
    title: str  # Title, String 500
    maintenance: str  # Maintenance, String 30 ("Vĩnh viễn", "10 năm", ...)
    rights: str  # Rights, String 30 ("Công khai", "Hạn chế", ...)
    year: int | None = None  # FileCatalog; this year when empty
    language: str = "Tiếng Việt"
    start_on: date | None = None
    description: str = ""


def _require_staff(user: Any) -> None:
    if getattr(user, "kind", "") != "staff" or getattr(user, "agency_id", None) is None:
        raise PermissionDenied(_("Chỉ cán bộ của cơ quan được lập hồ sơ."), code="staff_required")


def _editable(user: Any, case_file_id: int, *, lock: bool = True) -> CaseFile:
    case_file = access_case_file_by_id(user=user, case_file_id=case_file_id)
    if not can_edit_case_file(user, case_file):
        raise PermissionDenied(
            _("Chỉ người lập hồ sơ, văn thư hoặc lãnh đạo được sửa hồ sơ."),
            code="case_file_edit_forbidden",
        )
    if lock:
        CaseFile.objects.select_for_update().filter(pk=case_file.pk).first()
    if case_file.is_closed:
        raise CaseFileClosed(_("Hồ sơ đã kết thúc, không thể thay đổi."))
    return case_file


@transaction.atomic
def case_file_create(*, user: Any, data: CaseFileData) -> CaseFile:
    """Open a case file in the user's agency; its code (số và ký hiệu) is unique per year."""
    _require_staff(user)
    today = timezone.localdate()
    year = data.year or today.year
    if not EARLIEST_YEAR <= year <= today.year + 1:
        raise ValidationFailed(
            _("Năm hình thành hồ sơ không hợp lệ."), code="bad_year", field="year"
        )
    case_file = CaseFile(
        agency_id=user.agency_id,
        year=year,
        notation=(data.notation or "").strip(),
        title=" ".join((data.title or "").split()),
        maintenance=(data.maintenance or "").strip(),
        rights=(data.rights or "").strip(),
        creator=user,
        language=(data.language or "Tiếng Việt").strip(),
        start_on=data.start_on or today,
        description=(data.description or "").strip(),
    )
    case_file.full_clean(exclude=["agency", "creator"], validate_constraints=False)
    if CaseFile.objects.filter(
        agency_id=user.agency_id, year=year, notation__iexact=case_file.notation
    ).exists():
        raise ValidationFailed(
            _("Số và ký hiệu hồ sơ đã dùng trong năm %(year)s.") % {"year": year},
            code="case_file_notation_taken",
            field="notation",
        )
    try:
        with transaction.atomic():
            case_file.save()
    except IntegrityError as error:  # a concurrent twin won the race
        raise ValidationFailed(
            _("Số và ký hiệu hồ sơ đã dùng trong năm %(year)s.") % {"year": year},
            code="case_file_notation_taken",
            field="notation",
        ) from error
    audit_record(
        actor=user,
        action=CREATED,
        target=case_file,
        agency_id=case_file.agency_id,
        data={"year": year, "notation": case_file.notation},
    )
    return case_file


@transaction.atomic
def case_file_add_document(
    *, user: Any, case_file_id: int, direction: str, document_id: int
) -> CaseFileItem:
    """Put a document the user may read at the end of an open case file (next DocOrdinal)."""
    case_file = _editable(user, case_file_id)
    if direction == Direction.INCOMING:
        document: Any = access_incoming_by_id(user=user, document_id=document_id)
        link = {"incoming": document}
    elif direction == Direction.OUTGOING:
        document = access_outgoing_by_id(user=user, document_id=document_id)
        link = {"outgoing": document}
    else:
        raise ValidationFailed(_("Loại văn bản không hợp lệ."), code="bad_direction")
    if case_file.items.filter(**link).exists():
        raise ValidationFailed(
            _("Văn bản đã có trong hồ sơ."), code="already_in_case_file", field="document_id"
        )
    last = case_file.items.aggregate(last=Max("ordinal"))["last"] or 0
    if last >= MAX_DOCUMENTS:
        raise ValidationFailed(
            _("Hồ sơ đã đủ %(max)d văn bản.") % {"max": MAX_DOCUMENTS}, code="case_file_full"
        )
    item = CaseFileItem.objects.create(case_file=case_file, ordinal=last + 1, **link)
    case_file.save(update_fields=["updated_at"])
    audit_record(
        actor=user,
        action=DOCUMENT_ADDED,
        target=case_file,
        agency_id=case_file.agency_id,
        data={"direction": direction, "document_id": document.pk, "ordinal": item.ordinal},
    )
    return item


def _renumber(case_file: CaseFile, ordered_ids: Sequence[int]) -> None:
    """Give items 1..n in the given order; two passes keep (file, ordinal) unique throughout."""
    CaseFileItem.objects.filter(case_file=case_file).update(
        ordinal=F("ordinal") + MAX_DOCUMENTS + 1
    )
    for ordinal, item_id in enumerate(ordered_ids, start=1):
        CaseFileItem.objects.filter(pk=item_id).update(ordinal=ordinal)


@transaction.atomic
def case_file_reorder(*, user: Any, case_file_id: int, item_ids: Sequence[int]) -> None:
    """Set the order of the documents: `item_ids` must name every item of the file once."""
    case_file = _editable(user, case_file_id)
    current = list(case_file.items.order_by("ordinal").values_list("pk", flat=True))
    if sorted(current) != sorted(item_ids) or len(set(item_ids)) != len(item_ids):
        raise ValidationFailed(
            _("Danh sách sắp xếp phải gồm đúng mỗi văn bản của hồ sơ một lần."),
            code="bad_order",
            field="item_ids",
        )
    _renumber(case_file, item_ids)
    case_file.save(update_fields=["updated_at"])
    audit_record(
        actor=user,
        action=REORDERED,
        target=case_file,
        agency_id=case_file.agency_id,
        data={"before": current, "after": list(item_ids)},
    )


@transaction.atomic
def case_file_remove_document(*, user: Any, case_file_id: int, item_id: int) -> None:
    """Take a document out of an open file; the ones after it move up."""
    case_file = _editable(user, case_file_id)
    item = case_file.items.filter(pk=item_id).first()
    if item is None:
        raise ValidationFailed(_("Văn bản không có trong hồ sơ."), code="not_in_case_file")
    item.delete()
    _renumber(case_file, list(case_file.items.order_by("ordinal").values_list("pk", flat=True)))
    case_file.save(update_fields=["updated_at"])
    audit_record(
        actor=user,
        action=DOCUMENT_REMOVED,
        target=case_file,
        agency_id=case_file.agency_id,
        data={"item_id": item_id, "incoming_id": item.incoming_id, "outgoing_id": item.outgoing_id},
    )


@transaction.atomic
def case_file_close(*, user: Any, case_file_id: int, end_on: date | None = None) -> CaseFile:
    """End the file (kết thúc hồ sơ): it must hold a document; EndDate defaults to today."""
    case_file = _editable(user, case_file_id)
    if not case_file.items.exists():
        raise ValidationFailed(_("Hồ sơ chưa có văn bản nào."), code="case_file_empty")
    end_on = end_on or timezone.localdate()
    if case_file.start_on and end_on < case_file.start_on:
        raise ValidationFailed(
            _("Thời gian kết thúc không được trước thời gian bắt đầu."),
            code="bad_end_date",
            field="end_on",
        )
    case_file.is_closed = True
    case_file.end_on = end_on
    case_file.save(update_fields=["is_closed", "end_on", "updated_at"])
    audit_record(
        actor=user,
        action=CLOSED,
        target=case_file,
        agency_id=case_file.agency_id,
        data={"end_on": end_on.isoformat()},
    )
    return case_file


@dataclass(frozen=True)
class CaseFileExport:
    content: bytes
    media_type: str
    file_name: str


EXPORT_FORMATS = {"pdf": "application/pdf", "xml": "application/xml"}
EXPORTED = "documents.case_file_exported"


@transaction.atomic
def case_file_export(*, user: Any, case_file_id: int, fmt: str) -> CaseFileExport:
    """The file as PDF (cover, contents, the documents' PDFs) or XML (Phụ lục VI fields).

    Only for a reader of every document in it (the access gate hides the file otherwise); the
    export is audited (Phụ lục VI, part I, III: keep the access history).
    """
    from congso.documents.reports.casefile_export import case_file_pdf, case_file_xml
    from congso.documents.selectors.casefiles import case_file_documents, case_file_summary

    if fmt not in EXPORT_FORMATS:
        raise ValidationFailed(_("Định dạng xuất không hỗ trợ."), code="bad_format", field="format")
    case_file = access_case_file_by_id(user=user, case_file_id=case_file_id)
    documents = case_file_documents(case_file)
    summary = case_file_summary(case_file, documents)
    render = case_file_pdf if fmt == "pdf" else case_file_xml
    content = render(case_file, summary, documents)
    audit_record(
        actor=user,
        action=EXPORTED,
        target=case_file,
        agency_id=case_file.agency_id,
        data={"format": fmt, "documents": summary.doc_total},
    )
    stem = f"ho-so-{case_file.year}-{case_file.pk}"
    return CaseFileExport(content, EXPORT_FORMATS[fmt], f"{stem}.{fmt}")
