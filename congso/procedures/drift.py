"""Drift report: the local catalogue against a national procedure list (CSDL quốc gia về TTHC).

The national list is JSON: a list of objects, or an object holding it under `data` / `result`
(the shape of the portal's LayThuTuc answer, standards.md §6.3). Keys match case-insensitively:
`MaTTHC`, `TenTTHC`, `MaLinhVuc` (or `LINHVUCTHUCHIEN[0].MALINHVUC`), `TenLinhVuc`,
`ThoiHanGiaiQuyet` (a number, or text such as "05 ngày làm việc"), `CapThucHien`.
"""

from __future__ import annotations

import io
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from congso.core.errors import ValidationFailed
from congso.procedures.models import Procedure
from congso.procedures.text import fold

_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


@dataclass(slots=True)
class NationalProcedure:
    national_code: str
    name: str
    field_code: str = ""
    field_name: str = ""
    days: Decimal | None = None


@dataclass(slots=True)
class Difference:
    national_code: str
    local_code: str
    attribute: str  # "name", "processing_days" or "field"
    local: str
    national: str


@dataclass(slots=True)
class DriftReport:
    national_count: int
    local_count: int
    missing_locally: list[dict[str, str]] = field(default_factory=list)
    only_local: list[dict[str, Any]] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)

    @property
    def is_clean(self) -> bool:
        return not (self.missing_locally or self.only_local or self.differences)

    def as_dict(self) -> dict[str, Any]:
        return {
            "national_count": self.national_count,
            "local_count": self.local_count,
            "missing_locally": self.missing_locally,
            "only_local": self.only_local,
            "differences": [asdict(d) for d in self.differences],
        }


def _get(item: dict[str, Any], key: str) -> Any:
    wanted = key.lower()
    for k, v in item.items():
        if str(k).lower() == wanted:
            return v
    return None


def parse_days(value: Any) -> Decimal | None:
    """`5`, `"5"`, `"05 ngày làm việc"`, `"0,5 ngày"` → Decimal; anything else → None."""
    if value is None or isinstance(value, bool):
        return None
    match = _NUMBER.search(str(value))
    if match is None:
        return None
    try:
        return Decimal(match.group().replace(",", ".")).quantize(Decimal("0.1"))
    except InvalidOperation:
        return None


def parse_national_list(data: Any) -> list[NationalProcedure]:
    """Read a national list; `ValidationFailed(code="invalid_national_list")` when it is not one."""
    items = data
    if isinstance(data, dict):
        items = _get(data, "data") if _get(data, "data") is not None else _get(data, "result")
    if not isinstance(items, list):
        raise ValidationFailed(
            _("Danh sách quốc gia phải là một mảng JSON các thủ tục (MaTTHC, TenTTHC, …)."),
            code="invalid_national_list",
        )
    result: list[NationalProcedure] = []
    for index, item in enumerate(items):
        code = _get(item, "MaTTHC") if isinstance(item, dict) else None
        if not isinstance(code, str) or not code.strip():
            raise ValidationFailed(
                _("Mục %(index)s của danh sách quốc gia thiếu MaTTHC.") % {"index": index},
                code="invalid_national_list",
            )
        field_code = _get(item, "MaLinhVuc")
        field_name = _get(item, "TenLinhVuc")
        nested = _get(item, "LINHVUCTHUCHIEN")
        if (
            field_code is None
            and isinstance(nested, list)
            and nested
            and isinstance(nested[0], dict)
        ):
            field_code = _get(nested[0], "MaLinhVuc")
            field_name = _get(nested[0], "TenLinhVuc")
        result.append(
            NationalProcedure(
                national_code=code.strip(),
                name=str(_get(item, "TenTTHC") or "").strip(),
                field_code=str(field_code or "").strip(),
                field_name=str(field_name or "").strip(),
                days=parse_days(_get(item, "ThoiHanGiaiQuyet")),
            )
        )
    return result


def procedure_drift(national: list[NationalProcedure]) -> DriftReport:
    """Compare every local procedure with the national entry of the same national code.

    Names are compared without case, diacritics and extra spaces; a field is compared only when
    the national entry gives a code; days only when the national time could be read.
    """
    by_code = {n.national_code: n for n in national}
    local = list(
        Procedure.objects.select_related("field")
        .order_by("code")
        .only("code", "national_code", "name", "processing_days", "is_demo_code", "field__code")
    )
    report = DriftReport(national_count=len(by_code), local_count=len(local))
    seen: set[str] = set()
    for procedure in local:
        entry = by_code.get(procedure.national_code)
        if entry is None:
            report.only_local.append(
                {
                    "code": procedure.code,
                    "national_code": procedure.national_code,
                    "name": procedure.name,
                    "is_demo_code": procedure.is_demo_code,
                }
            )
            continue
        seen.add(entry.national_code)
        pairs = [("name", procedure.name, entry.name, fold(procedure.name) != fold(entry.name))]
        if entry.days is not None:
            pairs.append(
                (
                    "processing_days",
                    str(procedure.processing_days),
                    str(entry.days),
                    procedure.processing_days != entry.days,
                )
            )
        if entry.field_code:
            pairs.append(
                (
                    "field",
                    procedure.field.code,
                    entry.field_code,
                    procedure.field.code != entry.field_code,
                )
            )
        report.differences.extend(
            Difference(entry.national_code, procedure.code, attribute, mine, theirs)
            for attribute, mine, theirs, differs in pairs
            if differs
        )
    report.missing_locally = [
        {"national_code": n.national_code, "name": n.name, "field_code": n.field_code}
        for n in sorted(by_code.values(), key=lambda n: n.national_code)
        if n.national_code not in seen
    ]
    return report


ATTRIBUTE_LABELS = {
    "name": "Tên thủ tục",
    "processing_days": "Thời hạn giải quyết (ngày)",
    "field": "Lĩnh vực",
}


def drift_rows(report: DriftReport) -> list[tuple[str, str, str, str, str]]:
    """One row per finding: (kind, national code, local code, what, detail) — Vietnamese labels."""
    rows: list[tuple[str, str, str, str, str]] = []
    for item in report.missing_locally:
        rows.append(
            (_("Thiếu ở địa phương"), item["national_code"], "", _("Tên thủ tục"), item["name"])
        )
    for item in report.only_local:
        rows.append(
            (
                _("Chỉ có ở địa phương"),
                item["national_code"],
                item["code"],
                _("Tên thủ tục"),
                item["name"],
            )
        )
    for d in report.differences:
        rows.append(
            (
                _("Khác nhau"),
                d.national_code,
                d.local_code,
                _(ATTRIBUTE_LABELS[d.attribute]),
                _("địa phương: %(local)s | quốc gia: %(national)s")
                % {"local": d.local, "national": d.national},
            )
        )
    return rows


DRIFT_HEADER = ("Loại", "Mã TTHC quốc gia", "Mã thủ tục địa phương", "Nội dung", "Chi tiết")


def drift_to_xlsx(report: DriftReport) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "SaiLech"
    sheet.append([_(h) for h in DRIFT_HEADER])
    for row in drift_rows(report):
        sheet.append(list(row))
    sheet.freeze_panes = "A2"
    summary = book.create_sheet("TongHop")
    summary.append([_("Chỉ tiêu"), _("Số lượng")])
    summary.append([_("Thủ tục trong danh sách quốc gia"), report.national_count])
    summary.append([_("Thủ tục trong danh mục địa phương"), report.local_count])
    summary.append([_("Thiếu ở địa phương"), len(report.missing_locally)])
    summary.append([_("Chỉ có ở địa phương"), len(report.only_local)])
    summary.append([_("Khác nhau về tên, thời hạn hoặc lĩnh vực"), len(report.differences)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
