"""congso dossiers → legacy DVCQG payloads (standards.md §6.3). Portal field names live here only.

Values marked [C] in standards.md are settings or documented choices (docs/portalsync.md).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from congso.dossiers.constants import DEFAULT_PORTAL_CODES
from congso.dossiers.models import Dossier, DossierEvent, PortalStatusMapping

PORTAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")  # standards.md §6.3: yyyyMMddHHmmss in Asia/Ho_Chi_Minh


def portal_date(moment: datetime | None) -> str:
    return moment.astimezone(PORTAL_TZ).strftime("%Y%m%d%H%M%S") if moment else ""


def portal_code_for(status: str) -> int | None:
    """The portal's TrangThaiHoSo for a local status, from the editable mapping table (the
    defaults when the status has no row, as dossiers does)."""
    code = (
        PortalStatusMapping.objects.filter(status=status)
        .values_list("portal_code", flat=True)
        .first()
    )
    return code if code is not None else DEFAULT_PORTAL_CODES.get(status)


def madonvi_for(dossier: Dossier) -> str:
    """MaDinhDanhDV: the receiving agency's QCVN 102 code (the prefix of its dossier codes)."""
    return dossier.receiving_agency.code_qcvn102 or settings.PORTALSYNC_DEFAULT_MADONVI


def procedure_code(dossier: Dossier) -> str:
    procedure = dossier.procedure
    if settings.PORTALSYNC_PROCEDURE_CODE_FIELD == "code":
        return str(procedure.code)
    return str(procedure.national_code or procedure.code)


def _applicant_kind(dossier: Dossier) -> str:
    applicant = dossier.applicant
    return "2" if applicant is not None and applicant.kind == "business" else "1"


def dossier_payload(dossier: Dossier, portal_status: int) -> dict[str, Any]:
    """One DongBoHoSoMC element: the dossier as it stands now."""
    procedure = dossier.procedure
    field = procedure.field
    due = dossier.extended_due_at or dossier.due_at
    fees = []
    if procedure.fee_amount:
        fees.append(
            {
                "TenPhiLePhi": (procedure.fee_text or "Lệ phí")[:250],
                "MaPhiLePhi": "",
                "HinhThucThu": "",
                "Gia": procedure.fee_amount,
                "LoaiPhiLePhi": "",
            }
        )
    return {
        "MaHoSo": dossier.code,
        "MaTTHC": procedure_code(dossier),
        "TenTTHC": procedure.name,
        "MaLinhVuc": field.code,
        "TenLinhVuc": field.name,
        "SoBienNhan": dossier.receipt_number,
        "KenhThucHien": str(dossier.channel),
        "ChuHoSo": dossier.applicant_name,
        "LoaiDoiTuong": _applicant_kind(dossier),
        "MaDoiTuong": dossier.applicant_id_number,
        "ThongTinKhac": "",
        "Email": dossier.applicant_email,
        "Fax": "",
        "SoDienThoai": dossier.applicant_phone,
        "TrichYeuHoSo": dossier.summary or procedure.name,
        "NgayTiepNhan": portal_date(dossier.received_at or dossier.submitted_at),
        "NgayHenTra": portal_date(due),
        "TrangThaiHoSo": str(portal_status),
        "NgayTra": portal_date(dossier.returned_at),
        "ThongTinTra": dossier.get_result_channel_display() if dossier.returned_at else "",
        # HinhThuc: OCPS sends 1 for delivery by post (semantics [C], standards.md §6.3).
        "HinhThuc": "1" if dossier.result_channel == "post" else "0",
        "NgayKetThucXuLy": portal_date(dossier.finished_at),
        "DonViXuLy": dossier.handling_agency.name,
        "GhiChu": "",
        "TaiLieuNop": [
            {
                "TepDinhKemId": str(file.pk),
                "TenTepDinhKem": file.name,
                "IsDeleted": "False",
                "MaThanhPhanHoSo": file.component_code,
                "DuongDanTaiTepTin": "",
            }
            for file in dossier.files.all()
        ],
        "DanhSachLePhi": fees,
    }


def progress_payload(dossier: Dossier, event: DossierEvent, portal_status: int) -> dict[str, Any]:
    """One CapNhatTienDoHoSoMC element for a history event."""
    actor = event.actor
    position = getattr(actor, "position", None) if actor is not None else None
    return {
        "MaHoSo": dossier.code,
        "NguoiXuLy": (actor.display_name if actor is not None else "") or "Hệ thống một cửa",
        "ChucDanh": position.name if position is not None else "",
        "ThoiDiemXuLy": portal_date(event.at),
        "PhongBanXuLy": dossier.handling_agency.name,
        "NoiDungXuLy": _event_label(event),
        "TrangThai": str(portal_status),
        "NgayBatDau": portal_date(dossier.received_at),
        "NgayKetThucTheoQuyDinh": portal_date(dossier.extended_due_at or dossier.due_at),
    }


def _event_label(event: DossierEvent) -> str:
    from congso.dossiers.constants import EventKind

    try:
        label = str(EventKind(event.kind).label)
    except ValueError:
        label = event.kind
    note = str((event.data or {}).get("note") or (event.data or {}).get("reason") or "")
    return f"{label}: {note}"[:500] if note else label
