"""Registering incoming documents (vào sổ văn bản đến) from an upload or a paper scan.

The contract, in order (each step either passes or raises, and nothing is written unless all
pass — the whole service is one transaction):

1. the actor is a clerk (văn thư) of an agency;
2. the metadata of Nghị định 30/2020/NĐ-CP, Phụ lục VI, part II is checked field by field
   (lengths of the standard, dates that can exist, required fields) and every error is reported
   at once;
3. each file is named safely and stored content-addressed (`stored_file_put`: type sniffed from
   the bytes, PDF/DOCX must parse, size limit);
4. possible duplicates are looked up: the same (số, ký hiệu, cơ quan ban hành) triple or the same
   file already registered in the agency (Phụ lục VI, part I, III.1: "cảnh báo trùng");
   unless the clerk confirmed (`allow_duplicate=True`) they stop the registration with
   `PossibleDuplicate` (HTTP 409) listing the matches;
5. the digital signatures of every PDF (main file and attachments) are checked by the
   signatures app (Điều 21 khoản 2: check authenticity and integrity on receipt); the verdict
   is kept on each file, the report in the signatures app — a failed or impossible check is
   shown, it never stops the registration (incoming_signatures.py);
6. the số đến is taken from the agency's book of the year (its own book for secret documents)
   and the fields the system must fill are filled: ArrivalDate, ArrivalNumber, PageAmount,
   OrganId (Phụ lục VI, part I, III.1(g)).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, BinaryIO

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.audit.services import audit_record
from congso.catalogues.models import DocumentType, SecrecyLevel, UrgencyLevel
from congso.core.errors import Conflict, PermissionDenied
from congso.documents.access import can_register_incoming
from congso.documents.constants import (
    EARLIEST_YEAR,
    Direction,
    FileRole,
    IncomingSource,
    IncomingStatus,
)
from congso.documents.models import IncomingDocument, IncomingFile, StoredFile
from congso.documents.selectors.incoming import DuplicateMatch, incoming_duplicates
from congso.documents.services.files import safe_file_name, stored_file_put
from congso.documents.services.incoming_common import IncomingAction, local_today
from congso.documents.services.incoming_signatures import (
    apply_check,
    signature_audit_data,
    signature_checks,
)
from congso.documents.services.numbering import register_take_numbers
from congso.documents.services.search_index import search_entry_schedule
from congso.documents.services.secrets import secret_grants_ensure
from congso.organizations.constants import AgencyKind
from congso.organizations.models import Agency

EARLIEST_ISSUED_ON = date(EARLIEST_YEAR, 1, 1)
# Lengths of Phụ lục VI (standards.md §3.6); the model fields have the same limits.
MAX_LENGTHS = {
    "code_number": 11,
    "code_notation": 30,
    "organ_name": 200,
    "subject": 500,
    "language": 30,
    "description": 500,
    "signer_position": 100,
    "signer_full_name": 50,
    "to_places": 1000,
}
MAX_PAGE_AMOUNT = 999  # PageAmount: Number(3)


class PossibleDuplicate(Conflict):
    """The document looks registered already; the clerk must confirm to register it again."""

    code = "possible_duplicate"


@dataclass(frozen=True)
class Upload:
    """A file as received from the clerk: the name they gave and a readable binary stream."""

    name: str
    stream: BinaryIO


@dataclass(frozen=True)
class IncomingData:
    """The Phụ lục VI part II fields a clerk types (the system fills the others)."""

    document_type: DocumentType  # TypeName
    issued_on: date | None  # IssuedDate
    subject: str  # Subject
    organ_name: str = ""  # OrganName; from `issuer` when empty
    issuer: Agency | None = None  # the issuing agency when it is in this installation
    code_number: str = ""  # CodeNumber
    code_notation: str = ""  # CodeNotation
    urgency: UrgencyLevel | None = None  # Priority (thường when None)
    secrecy: SecrecyLevel | None = None  # Priority (thường when None)
    language: str = ""  # Language (Tiếng Việt when empty)
    page_amount: int | None = None  # PageAmount when no file gives it
    description: str = ""  # Description
    signer_position: str = ""  # SignerInfo/Position
    signer_full_name: str = ""  # SignerInfo/FullName
    to_places: str = ""  # ToPlaces
    due_on: date | None = None  # DueDate


@dataclass(frozen=True)
class Registration:
    document: IncomingDocument
    duplicates: list[DuplicateMatch] = field(default_factory=list)


def _require_clerk(clerk: Any) -> None:
    if not can_register_incoming(clerk):
        raise PermissionDenied(
            _("Chỉ văn thư của cơ quan được vào sổ văn bản đến."), code="clerk_required"
        )


def _text(value: str | None) -> str:
    return " ".join((value or "").split())


def _check_dates(data: IncomingData, today: date, errors: dict[str, list[str]]) -> None:
    if data.issued_on is None:
        errors.setdefault("issued_on", []).append(_("Nhập ngày, tháng, năm văn bản."))
        return
    if data.issued_on > today:
        errors.setdefault("issued_on", []).append(
            _("Ngày văn bản không được sau ngày đến (hôm nay).")
        )
    if data.issued_on < EARLIEST_ISSUED_ON:
        errors.setdefault("issued_on", []).append(_("Ngày văn bản không được trước năm 1945."))
    if data.due_on is not None and data.due_on < data.issued_on:
        errors.setdefault("due_on", []).append(
            _("Thời hạn giải quyết không được trước ngày văn bản.")
        )


def _check_catalogues(data: IncomingData, errors: dict[str, list[str]]) -> None:
    for name, entry in (
        ("document_type", data.document_type),
        ("urgency", data.urgency),
        ("secrecy", data.secrecy),
    ):
        if entry is not None and not entry.is_active:
            errors.setdefault(name, []).append(_("Mục danh mục này đã ngừng sử dụng."))
    if data.document_type is None:
        errors.setdefault("document_type", []).append(_("Chọn tên loại văn bản."))
    issuer = data.issuer
    if issuer is not None and (not issuer.is_active or issuer.kind == AgencyKind.INTERNAL_UNIT):
        errors.setdefault("issuer", []).append(
            _("Cơ quan ban hành phải là cơ quan, tổ chức đang hoạt động.")
        )


def clean_incoming_data(data: IncomingData, *, today: date) -> dict[str, Any]:
    """The cleaned field values, or a ValidationError listing every problem at once."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {
        name: _text(getattr(data, name)) for name in MAX_LENGTHS if name != "to_places"
    }
    values["to_places"] = (data.to_places or "").strip()
    if not values["organ_name"] and data.issuer is not None:
        values["organ_name"] = data.issuer.name[: MAX_LENGTHS["organ_name"]]
    values["language"] = values["language"] or "Tiếng Việt"
    for name, limit in MAX_LENGTHS.items():
        if len(values[name]) > limit:
            errors.setdefault(name, []).append(
                _("Tối đa %(limit)d ký tự (đang có %(count)d).")
                % {"limit": limit, "count": len(values[name])}
            )
    if not values["subject"]:
        errors.setdefault("subject", []).append(_("Nhập trích yếu nội dung."))
    if not values["organ_name"]:
        errors.setdefault("organ_name", []).append(_("Nhập tên cơ quan, tổ chức ban hành."))
    if data.page_amount is not None and not 1 <= data.page_amount <= MAX_PAGE_AMOUNT:
        errors.setdefault("page_amount", []).append(
            _("Số trang phải từ 1 đến %(max)d.") % {"max": MAX_PAGE_AMOUNT}
        )
    _check_dates(data, today, errors)
    _check_catalogues(data, errors)
    if errors:
        raise DjangoValidationError(errors)
    values["issued_on"] = data.issued_on
    return values


def _store(uploads: Sequence[Upload], role: str) -> list[tuple[StoredFile, str, str]]:
    stored = []
    for upload in uploads:
        name = safe_file_name(upload.name)
        stored.append((stored_file_put(stream=upload.stream), name, role))
    return stored


def _default_level(model: type[UrgencyLevel] | type[SecrecyLevel]) -> Any:
    return model.objects.get(code="thuong")


@transaction.atomic
def incoming_document_register(
    *,
    clerk: Any,
    data: IncomingData,
    main_file: Upload | None = None,
    attachments: Sequence[Upload] = (),
    source: str = IncomingSource.UPLOAD,
    allow_duplicate: bool = False,
) -> Registration:
    """Enter a received document in the agency's register of incoming documents.

    Số đến runs per agency and calendar year, shared by paper and electronic documents; secret
    documents have their own book (Nghị định 30/2020/NĐ-CP, Điều 22 khoản 2; Điều 15 khoản 1).
    An electronic upload needs its file; a paper document may be registered before its scan.
    The registering clerk of a secret document gets a read grant (nobody else does).
    """
    _require_clerk(clerk)
    if source not in (IncomingSource.UPLOAD, IncomingSource.PAPER):
        raise DjangoValidationError({"source": [_("Nguồn văn bản không hợp lệ.")]})
    today = local_today()
    values = clean_incoming_data(data, today=today)
    if main_file is None and source == IncomingSource.UPLOAD:
        raise DjangoValidationError({"main_file": [_("Đính kèm tệp văn bản.")]})
    files = _store([main_file] if main_file else [], FileRole.MAIN)
    files += _store(attachments, FileRole.ATTACHMENT)
    duplicates = incoming_duplicates(
        user=clerk,
        code_number=values["code_number"],
        code_notation=values["code_notation"],
        organ_name=values["organ_name"],
        issuer_id=data.issuer.pk if data.issuer else None,
        sha256s=[stored.sha256 for stored, _name, _role in files],
    )
    if duplicates and not allow_duplicate:
        raise PossibleDuplicate(
            _("Văn bản có thể đã được vào sổ. Kiểm tra lại hoặc xác nhận vẫn vào sổ."),
            details={"matches": [match.as_dict() for match in duplicates]},
        )
    secrecy = data.secrecy or _default_level(SecrecyLevel)
    checks = signature_checks(
        actor=clerk,
        files=[(stored, name) for stored, name, _role in files],
        private=secrecy.is_secret,
    )
    main_pages = files[0][0].page_count if files and files[0][2] == FileRole.MAIN else None
    register, number = register_take_numbers(
        agency_id=clerk.agency_id,
        year=today.year,
        direction=Direction.INCOMING,
        is_secret=secrecy.is_secret,
    )
    document = IncomingDocument(
        agency_id=clerk.agency_id,
        register=register,
        arrival_number=number,
        arrived_at=timezone.now(),
        document_type=data.document_type,
        issuer=data.issuer,
        organ_id=(data.issuer.code_qcvn102 or "") if data.issuer else "",
        urgency=data.urgency or _default_level(UrgencyLevel),
        secrecy=secrecy,
        is_secret=secrecy.is_secret,
        page_amount=main_pages or data.page_amount,
        due_on=data.due_on,
        status=IncomingStatus.ACCEPTED,
        source=source,
        registered_by=clerk,
        **values,
    )
    document.full_clean()
    document.save()
    rows = [
        IncomingFile(document=document, stored_file=stored, name=name, role=role, ordinal=i)
        for i, (stored, name, role) in enumerate(files)
    ]
    for row, check in zip(rows, checks, strict=True):
        apply_check(row, check)
    IncomingFile.objects.bulk_create(rows)
    granted = secret_grants_ensure(document=document, users=[clerk], granted_by=clerk)
    audit_record(
        actor=clerk,
        action=IncomingAction.REGISTERED,
        target=document,
        agency_id=document.agency_id,
        data={
            "arrival_number": number,
            "register_id": register.pk,
            "is_secret": document.is_secret,
            "source": source,
            "files": [stored.sha256 for stored, _name, _role in files],
            "duplicates_confirmed": [match.document_id for match in duplicates],
            "secret_grants": granted,
            **signature_audit_data(rows),
        },
    )
    search_entry_schedule(direction=Direction.INCOMING, document_id=document.pk)
    return Registration(document=document, duplicates=duplicates)
