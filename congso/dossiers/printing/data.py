"""What each printed form needs, as plain dataclasses: the renderers know nothing of Django.

`congso.dossiers.printing.builders` fills them from a dossier; tests fill them by hand.
All datetimes may be aware (shown in Vietnam's time) or naive local times.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class AgencyHeader:
    """The top-left block: cơ quan chủ quản (optional), the agency, its one-stop unit."""

    name: str  # "Trung tâm Phục vụ hành chính công tỉnh"
    parent_name: str = ""  # "UBND tỉnh Kon Tum"
    unit_name: str = ""  # "Bộ phận tiếp nhận và trả kết quả"
    place: str = ""  # the place in the date line: "Kon Tum"


@dataclass(frozen=True)
class Applicant:
    name: str
    address: str = ""
    phone: str = ""
    email: str = ""
    id_number: str = ""


@dataclass(frozen=True)
class ComponentLine:
    """One thành phần hồ sơ: how many originals, (certified) copies and photocopies."""

    name: str
    originals: int = 0
    copies: int = 0
    photocopies: int = 0
    note: str = ""


@dataclass(frozen=True)
class ReceiptData:
    """Mẫu 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả (printed as two liên)."""

    agency: AgencyHeader
    dossier_code: str
    applicant: Applicant
    request: str  # nội dung yêu cầu giải quyết (usually the procedure's name)
    components: Sequence[ComponentLine]
    processing_days: Decimal
    received_at: datetime
    due_at: datetime
    number: str = ""
    sets_count: int = 1
    result_channel: str = ""  # "Bộ phận tiếp nhận và trả kết quả", see wording.RESULT_CHANNELS
    register_book: str = ""
    register_seq: str = ""
    receiver_name: str = ""
    lookup_secret: str = ""  # printed on the applicant's liên only, when known (at issue time)
    issued_on: date | None = None


@dataclass(frozen=True)
class SupplementRequestData:
    """Mẫu 02 — Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ."""

    agency: AgencyHeader
    dossier_code: str
    applicant: Applicant
    request: str
    items: Sequence[ComponentLine]
    reason: str
    number: str = ""
    contact_unit: str = ""
    contact_phone: str = ""
    guide_name: str = ""
    issued_on: date | None = None


@dataclass(frozen=True)
class RefusalData:
    """Mẫu 03 — Phiếu từ chối tiếp nhận giải quyết hồ sơ."""

    agency: AgencyHeader
    dossier_code: str
    applicant: Applicant
    request: str
    reason: str
    number: str = ""
    receiver_name: str = ""
    issued_on: date | None = None


@dataclass(frozen=True)
class ApologyData:
    """Mẫu 04 — Phiếu xin lỗi và hẹn lại ngày trả kết quả (issued at most once)."""

    agency: AgencyHeader  # the body responsible for the delay
    dossier_code: str
    applicant: Applicant
    request: str
    receiving_agency: str
    received_at: datetime
    due_at: datetime
    new_due_at: datetime
    reason: str
    number: str = ""
    signer_title: str = "THỦ TRƯỞNG CƠ QUAN"
    signer_name: str = ""
    issued_on: date | None = None


@dataclass(frozen=True)
class ControlRow:
    """One hand-over of Mẫu 05: "n. Giao: … / Nhận: …" at a time, with the step's outcome."""

    from_name: str
    to_name: str
    at: datetime | None
    sender_name: str = ""
    receiver_name: str = ""
    outcome: str = ""  # "early" | "on_time" | "late" | "" while open
    note: str = ""


@dataclass(frozen=True)
class ControlSheetData:
    """Mẫu 05 — Phiếu kiểm soát quá trình giải quyết hồ sơ."""

    agency: AgencyHeader
    dossier_code: str
    rows: Sequence[ControlRow]
    receipt_number: str = ""
    lead_agency: str = ""
    coordinating_agencies: Sequence[str] = field(default_factory=tuple)
    due_at: datetime | None = None


@dataclass(frozen=True)
class TrackingRow:
    """One line of Mẫu 06."""

    seq: int
    dossier_code: str
    procedure_name: str
    applicant_name: str
    address_phone: str
    lead_agency: str
    received_at: datetime | None
    due_at: datetime | None
    sets_count: int = 1
    forwarded_at: datetime | None = None
    result_received_at: datetime | None = None
    returned_at: datetime | None = None
    note: str = ""


@dataclass
class TrackingBookData:
    """Mẫu 06 — Sổ theo dõi hồ sơ for one period (rows may be a stream)."""

    agency: AgencyHeader
    period_start: date
    period_end: date
    rows: Iterable[TrackingRow]
    book_number: str = ""
