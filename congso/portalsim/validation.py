"""Validation of what the portal receives: every problem names its field.

The rules follow the OpenCPS field list (standards.md §6.3): fields not marked "ko bb" are required;
dates are `yyyyMMddHHmmss`; `TrangThaiHoSo`/`TrangThai` are the codes 1–10 of §6.4.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from congso.portalsim import codes


class PortalError(Exception):
    """An error answered to the caller as `{"error_code", "message", "field"}`."""

    def __init__(self, error_code: str | int, message: str, field: str = "") -> None:
        super().__init__(message)
        self.error_code = error_code
        self.message = message
        self.field = field

    def as_json(self) -> dict[str, Any]:
        return {"error_code": self.error_code, "message": self.message, "field": self.field}


def invalid(field: str, message: str) -> PortalError:
    return PortalError(codes.INVALID_DATA, f"{field}: {message}", field)


# Fields that must be present and non-empty in a DongBoHoSoMC dossier.
DOSSIER_REQUIRED = (
    "MaHoSo",
    "MaTTHC",
    "TenTTHC",
    "MaLinhVuc",
    "TenLinhVuc",
    "LoaiDoiTuong",
    "TrichYeuHoSo",
    "NgayTiepNhan",
    "TrangThaiHoSo",
    "HinhThuc",
    "DonViXuLy",
)
# Fields that must be present but may be empty (a counter applicant may have no e-mail).
DOSSIER_PRESENT = ("Email", "SoDienThoai", "NgayHenTra")
DOSSIER_DATES = ("NgayTiepNhan", "NgayHenTra", "NgayTra", "NgayKetThucXuLy")
# Statuses that imply an appointment date (received and not refused / withdrawn / stopped).
STATUSES_WITH_DUE_DATE = {2, 4, 5, 6, 9, 10}
STATUSES_WITH_RETURN_DATE = {10}
DOSSIER_LISTS: dict[str, tuple[str, ...]] = {
    "TaiLieuNop": ("TenTepDinhKem", "MaThanhPhanHoSo"),
    "DanhSachLePhi": ("TenPhiLePhi", "Gia"),
    "DanhSachTepDinhKemKhac": ("TenGiayTo",),
    "DanhSachHoSoBoSung": ("HoSoBoSungId", "NoiDungBoSung", "NgayBoSung"),
    "DanhSachGiayToKetQua": ("TenGiayTo",),
}
PROGRESS_REQUIRED = ("MaHoSo", "NguoiXuLy", "ThoiDiemXuLy", "NoiDungXuLy", "TrangThai")
PROGRESS_DATES = ("ThoiDiemXuLy", "NgayBatDau", "NgayKetThucTheoQuyDinh")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"\+?[0-9 .-]{8,20}")


@dataclass(frozen=True)
class Rules:
    """Checks that are configuration because their source is [C]/[?] (standards.md §1.3)."""

    mahoso_pattern: str = codes.DEFAULT_MAHOSO_PATTERN
    check_agency_prefix: bool = True  # MaHoSo's agency part equals madonvi


def parse_date(value: Any, field: str, *, required: bool = True) -> datetime | None:
    if value in (None, ""):
        if required:
            raise invalid(field, "bắt buộc, định dạng yyyyMMddHHmmss.")
        return None
    if not isinstance(value, str) or not re.fullmatch(r"\d{14}", value):
        raise invalid(field, f"sai định dạng ngày yyyyMMddHHmmss: {value!r}.")
    try:
        return datetime.strptime(value, codes.DATE_FORMAT)  # noqa: DTZ007 - portal-local wall time
    except ValueError:
        raise invalid(field, f"ngày giờ không tồn tại: {value!r}.") from None


def parse_status(value: Any, field: str) -> int:
    text = str(value).strip() if value is not None else ""
    if not re.fullmatch(r"\d{1,2}", text) or int(text) not in codes.STATUS_NAMES:
        raise invalid(field, f"mã trạng thái phải từ 1 đến 10, nhận được {value!r}.")
    return int(text)


def check_mahoso(value: Any, field: str, madonvi: str, rules: Rules) -> str:
    if not isinstance(value, str) or not value:
        raise invalid(field, "bắt buộc.")
    match = re.fullmatch(rules.mahoso_pattern, value)
    if match is None:
        raise invalid(field, f"sai định dạng mã hồ sơ (mã cơ quan-yyMMdd-số thứ tự): {value!r}.")
    groups = match.groupdict()
    if "day" in groups:
        try:
            datetime.strptime(groups["day"], "%y%m%d")  # noqa: DTZ007 - a date only
        except ValueError:
            raise invalid(field, f"phần ngày của mã hồ sơ không hợp lệ: {value!r}.") from None
    if rules.check_agency_prefix and "agency" in groups and groups["agency"] != madonvi:
        raise invalid(field, f"mã hồ sơ không thuộc đơn vị {madonvi}: {value!r}.")
    return value


def _require_text(item: dict[str, Any], name: str, prefix: str) -> None:
    value = item.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise invalid(f"{prefix}{name}", "bắt buộc.")
    if not isinstance(value, str | int):
        raise invalid(f"{prefix}{name}", "phải là chuỗi.")


def validate_dossier(item: Any, index: int, madonvi: str, rules: Rules) -> dict[str, Any]:
    """One DongBoHoSoMC element; returns it unchanged when valid."""
    prefix = f"data[{index}]."
    if not isinstance(item, dict):
        raise invalid(f"data[{index}]", "phải là một đối tượng hồ sơ.")
    for name in DOSSIER_REQUIRED:
        _require_text(item, name, prefix)
    for name in DOSSIER_PRESENT:
        if name not in item or not isinstance(item[name], str):
            raise invalid(f"{prefix}{name}", "bắt buộc (chuỗi, có thể rỗng).")
    check_mahoso(item["MaHoSo"], f"{prefix}MaHoSo", madonvi, rules)
    if not re.fullmatch(r"\d\.\d{6}(\.[0-9A-Z.]+)?", str(item["MaTTHC"])):
        raise invalid(f"{prefix}MaTTHC", f"sai định dạng mã thủ tục: {item['MaTTHC']!r}.")
    if str(item["LoaiDoiTuong"]) not in ("1", "2"):
        raise invalid(f"{prefix}LoaiDoiTuong", "phải là 1 (công dân) hoặc 2 (doanh nghiệp).")
    if str(item["HinhThuc"]) not in ("0", "1"):
        raise invalid(f"{prefix}HinhThuc", "phải là 0 hoặc 1.")
    if item["Email"] and not _EMAIL.fullmatch(item["Email"]):
        raise invalid(f"{prefix}Email", f"địa chỉ thư điện tử không hợp lệ: {item['Email']!r}.")
    if item["SoDienThoai"] and not _PHONE.fullmatch(item["SoDienThoai"]):
        raise invalid(
            f"{prefix}SoDienThoai", f"số điện thoại không hợp lệ: {item['SoDienThoai']!r}."
        )
    status = parse_status(item["TrangThaiHoSo"], f"{prefix}TrangThaiHoSo")
    dates = {
        name: parse_date(item.get(name), f"{prefix}{name}", required=False)
        for name in DOSSIER_DATES
    }
    if dates["NgayTiepNhan"] is None:
        raise invalid(f"{prefix}NgayTiepNhan", "bắt buộc, định dạng yyyyMMddHHmmss.")
    if status in STATUSES_WITH_DUE_DATE and dates["NgayHenTra"] is None:
        raise invalid(f"{prefix}NgayHenTra", f"bắt buộc khi trạng thái hồ sơ là {status}.")
    if dates["NgayHenTra"] is not None and dates["NgayHenTra"] < dates["NgayTiepNhan"]:
        raise invalid(f"{prefix}NgayHenTra", "ngày hẹn trả trước ngày tiếp nhận.")
    if status in STATUSES_WITH_RETURN_DATE and dates["NgayTra"] is None:
        raise invalid(f"{prefix}NgayTra", f"bắt buộc khi trạng thái hồ sơ là {status}.")
    for list_name, required in DOSSIER_LISTS.items():
        _validate_list(item.get(list_name), f"{prefix}{list_name}", required)
    return item


def _validate_list(value: Any, field: str, required: tuple[str, ...]) -> None:
    if value in (None, ""):
        return
    if not isinstance(value, list):
        raise invalid(field, "phải là một danh sách.")
    for position, element in enumerate(value):
        if not isinstance(element, dict):
            raise invalid(f"{field}[{position}]", "phải là một đối tượng.")
        for name in required:
            _require_text(element, name, f"{field}[{position}].")


def validate_progress(item: Any, index: int, madonvi: str, rules: Rules) -> dict[str, Any]:
    """One CapNhatTienDoHoSoMC element."""
    prefix = f"data[{index}]."
    if not isinstance(item, dict):
        raise invalid(f"data[{index}]", "phải là một đối tượng tiến độ.")
    for name in PROGRESS_REQUIRED:
        _require_text(item, name, prefix)
    check_mahoso(item["MaHoSo"], f"{prefix}MaHoSo", madonvi, rules)
    parse_status(item["TrangThai"], f"{prefix}TrangThai")
    for name in PROGRESS_DATES:
        parse_date(item.get(name), f"{prefix}{name}", required=name == "ThoiDiemXuLy")
    return item


def parse_is_updating(value: Any) -> bool:
    if value in ("True", "true"):
        return True
    if value in ("False", "false"):
        return False
    raise invalid("isUpdating", f'phải là "True" hoặc "False", nhận được {value!r}.')


def data_list(body: dict[str, Any]) -> list[Any]:
    data = body.get("data")
    if not isinstance(data, list) or not data:
        raise invalid("data", "phải là danh sách có ít nhất một phần tử.")
    return data
