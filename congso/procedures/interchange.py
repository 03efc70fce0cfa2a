"""The catalogue interchange format (JSON and Excel), documented in docs/procedures.md.

`validate_catalogue(data)` checks a whole document and returns clean `ProcedureData` records, or
raises one `ValidationFailed` listing every problem (path, stable code, Vietnamese message), so an
import either applies everything or nothing. `procedure_to_dict` is the inverse used by export.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from jsonschema import SchemaError
from jsonschema.validators import validator_for

from congso.catalogues.models import ProcedureField
from congso.core.errors import ValidationFailed
from congso.core.identity import Role
from congso.organizations.constants import AgencyKind
from congso.organizations.models import Agency
from congso.procedures.constants import (
    DEFAULT_ACCEPTED_TYPES,
    ApplicantType,
    ProcedureLevel,
)
from congso.procedures.models import Procedure

FORMAT = "congso.procedures/1"
KIND_PREFIX = "kind:"
PROCEDURE_CODE = re.compile(r"^\d\.\d{6}(\.[0-9A-Za-z]+){0,6}$")
NATIONAL_CODE = re.compile(r"^\d\.\d{6}$")
COMPONENT_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,20}$")
MAX_DAYS = Decimal("99999.9")

PROCEDURE_KEYS = (
    "code",
    "national_code",
    "is_demo_code",
    "name",
    "field",
    "level",
    "online_level",
    "processing_days",
    "fee_text",
    "fee_amount",
    "implementing_agency_name",
    "requirements",
    "result_name",
    "legal_basis",
    "applicant_types",
    "is_inter_agency",
    "is_published",
    "form_schema",
    "receiving_agencies",
)
COMPONENT_KEYS = (
    "order",
    "code",
    "name",
    "originals",
    "copies",
    "is_required",
    "accepted_types",
    "template",
)
STEP_KEYS = ("order", "name", "agency", "days", "role")


@dataclass(slots=True)
class Problem:
    path: str
    code: str
    message: str


@dataclass(slots=True)
class ComponentData:
    order: int
    code: str
    name: str
    originals: int
    copies: int
    is_required: bool
    accepted_types: list[str]


@dataclass(slots=True)
class StepData:
    order: int
    name: str
    agency: Agency | None
    days: Decimal
    role: str


@dataclass(slots=True)
class ProcedureData:
    """One validated procedure, ready to be written."""

    values: dict[str, Any]
    receiving_agencies: list[Agency]
    components: list[ComponentData] = field(default_factory=list)
    steps: list[StepData] = field(default_factory=list)

    @property
    def code(self) -> str:
        return str(self.values["code"])


class _Checker:
    """Collects problems while reading one document; lookups are cached (one query per table)."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.fields = {f.code: f for f in ProcedureField.objects.all()}
        agencies = list(Agency.objects.filter(code_qcvn102__isnull=False))
        self.agencies = {a.code_qcvn102: a for a in agencies}
        self.by_kind: dict[str, list[Agency]] = {}
        for agency in agencies:
            if agency.is_active:
                self.by_kind.setdefault(agency.kind, []).append(agency)

    def fail(self, path: str, code: str, message: str) -> None:
        self.problems.append(Problem(path, code, message))

    def once(self, value: Any, seen: set[Any], path: str, code: str, message: str) -> None:
        """Report `value` if it was seen before in the same list."""
        if value in seen:
            self.fail(path, code, message)
        seen.add(value)

    def objects(
        self, value: Any, path: str, not_list: str, not_object: str
    ) -> Iterator[tuple[int, str, dict[str, Any]]]:
        """(index, path, item) for each object of an optional list; reports what is not."""
        if value is None:
            return
        if not isinstance(value, list):
            self.fail(path, "invalid_list", not_list)
            return
        for index, item in enumerate(value):
            where = f"{path}[{index}]"
            if isinstance(item, dict):
                yield index, where, item
            else:
                self.fail(where, "invalid_object", not_object)

    def text(self, item: dict[str, Any], key: str, path: str, *, required: bool, limit: int) -> str:
        value = item.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.fail(f"{path}.{key}", "invalid_text", _("Giá trị phải là chuỗi ký tự."))
            return ""
        value = value.strip()
        if required and not value:
            self.fail(f"{path}.{key}", "required", _("Trường này là bắt buộc."))
        elif len(value) > limit:
            self.fail(
                f"{path}.{key}",
                "too_long",
                _("Dài quá %(limit)s ký tự.") % {"limit": limit},
            )
        return value

    def boolean(self, item: dict[str, Any], key: str, path: str, default: bool) -> bool:
        value = item.get(key, default)
        if not isinstance(value, bool):
            self.fail(f"{path}.{key}", "invalid_boolean", _("Giá trị phải là true hoặc false."))
            return default
        return value

    def integer(
        self, item: dict[str, Any], key: str, path: str, *, default: int, low: int, high: int
    ) -> int:
        value = item.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(
                f"{path}.{key}",
                "invalid_integer",
                _("Phải là số nguyên từ %(low)s đến %(high)s.") % {"low": low, "high": high},
            )
            return default
        return value

    def days(self, item: dict[str, Any], key: str, path: str) -> Decimal:
        raw = item.get(key)
        try:
            if isinstance(raw, bool) or raw is None or isinstance(raw, list | dict):
                raise InvalidOperation
            value = Decimal(str(raw))
        except InvalidOperation:
            value = Decimal("-1")
        if (
            not value.is_finite()
            or value < 0
            or value > MAX_DAYS
            or value != value.quantize(Decimal("0.1"))
        ):
            self.fail(
                f"{path}.{key}",
                "invalid_days",
                _(
                    "Số ngày làm việc phải là số không âm, tối đa một chữ số thập phân "
                    "(ví dụ 3 hoặc 0.5)."
                ),
            )
            return Decimal("0")
        return value.quantize(Decimal("0.1"))

    def agency(self, code: Any, path: str) -> Agency | None:
        agency = self.agencies.get(code) if isinstance(code, str) else None
        if agency is None:
            self.fail(
                path,
                "unknown_agency",
                _("Không có cơ quan mang mã định danh “%(code)s”.") % {"code": code},
            )
        return agency

    def receiving(self, value: Any, path: str) -> list[Agency]:
        if not isinstance(value, list) or not value:
            self.fail(
                path,
                "receiving_agencies_required",
                _("Cần ít nhất một nơi tiếp nhận hồ sơ (mã định danh hoặc “kind:ubnd_xa”)."),
            )
            return []
        found: dict[int, Agency] = {}
        for index, entry in enumerate(value):
            if isinstance(entry, str) and entry.startswith(KIND_PREFIX):
                kind = entry.removeprefix(KIND_PREFIX)
                if kind not in AgencyKind.values or not self.by_kind.get(kind):
                    self.fail(
                        f"{path}[{index}]",
                        "unknown_agency_kind",
                        _("Không có cơ quan nào thuộc loại “%(kind)s”.") % {"kind": kind},
                    )
                    continue
                found.update((a.pk, a) for a in self.by_kind[kind])
            else:
                agency = self.agency(entry, f"{path}[{index}]")
                if agency is not None:
                    found[agency.pk] = agency
        return sorted(found.values(), key=lambda a: a.code_qcvn102 or "")

    def form_schema(self, value: Any, path: str) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail(path, "invalid_form_schema", _("Biểu mẫu phải là một đối tượng JSON Schema."))
            return {}
        if not value:
            return {}
        try:
            validator_for(value).check_schema(value)
        except SchemaError as error:
            self.fail(
                path,
                "invalid_form_schema",
                _("JSON Schema của biểu mẫu không hợp lệ: %(error)s") % {"error": error.message},
            )
            return {}
        if value.get("type") != "object":
            self.fail(
                path,
                "invalid_form_schema",
                _('Biểu mẫu phải có "type": "object" (một tờ khai gồm các trường).'),
            )
        return value


def _components(check: _Checker, value: Any, path: str) -> list[ComponentData]:
    result: list[ComponentData] = []
    seen: set[str] = set()
    items = check.objects(
        value,
        path,
        _("Thành phần hồ sơ phải là một danh sách."),
        _("Mỗi thành phần hồ sơ là một đối tượng."),
    )
    for index, where, item in items:
        code = check.text(item, "code", where, required=True, limit=20)
        if code and not COMPONENT_CODE.fullmatch(code):
            check.fail(
                f"{where}.code",
                "invalid_component_code",
                _("Mã thành phần chỉ gồm chữ không dấu, số, “_”, “.”, “-” (ví dụ TP1)."),
            )
        check.once(
            code,
            seen,
            f"{where}.code",
            "duplicate_component_code",
            _("Mã thành phần “%(code)s” bị trùng trong cùng thủ tục.") % {"code": code},
        )
        types = item.get("accepted_types", list(DEFAULT_ACCEPTED_TYPES))
        if (
            not isinstance(types, list)
            or not types
            or not all(isinstance(t, str) and "/" in t for t in types)
        ):
            check.fail(
                f"{where}.accepted_types",
                "invalid_accepted_types",
                _('Định dạng tệp là danh sách kiểu MIME, ví dụ ["application/pdf"].'),
            )
            types = list(DEFAULT_ACCEPTED_TYPES)
        result.append(
            ComponentData(
                order=check.integer(item, "order", where, default=index + 1, low=0, high=999),
                code=code,
                name=check.text(item, "name", where, required=True, limit=500),
                originals=check.integer(item, "originals", where, default=1, low=0, high=99),
                copies=check.integer(item, "copies", where, default=0, low=0, high=99),
                is_required=check.boolean(item, "is_required", where, True),
                accepted_types=types,
            )
        )
    return result


def _steps(check: _Checker, value: Any, path: str) -> list[StepData]:
    result: list[StepData] = []
    orders: set[int] = set()
    items = check.objects(
        value,
        path,
        _("Quy trình nội bộ phải là một danh sách."),
        _("Mỗi bước xử lý là một đối tượng."),
    )
    for index, where, item in items:
        order = check.integer(item, "order", where, default=index + 1, low=1, high=999)
        check.once(
            order,
            orders,
            f"{where}.order",
            "duplicate_step_order",
            _("Thứ tự bước %(order)s bị trùng.") % {"order": order},
        )
        role = item.get("role")
        if role not in Role.values:
            check.fail(
                f"{where}.role",
                "invalid_role",
                _("Vai trò phải là một trong: %(roles)s.") % {"roles": ", ".join(Role.values)},
            )
            role = Role.SPECIALIST
        agency_code = item.get("agency")
        result.append(
            StepData(
                order=order,
                name=check.text(item, "name", where, required=True, limit=500),
                agency=None
                if agency_code in (None, "")
                else check.agency(agency_code, f"{where}.agency"),
                days=check.days(item, "days", where),
                role=str(role),
            )
        )
    return sorted(result, key=lambda s: s.order)


def _procedure(check: _Checker, item: Any, path: str) -> ProcedureData | None:
    if not isinstance(item, dict):
        check.fail(path, "invalid_object", _("Mỗi thủ tục là một đối tượng JSON."))
        return None
    before = len(check.problems)
    code = check.text(item, "code", path, required=True, limit=40)
    if code and not PROCEDURE_CODE.fullmatch(code):
        check.fail(
            f"{path}.code",
            "invalid_procedure_code",
            _("Mã thủ tục có dạng 1.001193.000.00.00.H34."),
        )
    national_code = check.text(item, "national_code", path, required=True, limit=20)
    if national_code and not NATIONAL_CODE.fullmatch(national_code):
        check.fail(
            f"{path}.national_code",
            "invalid_national_code",
            _("Mã TTHC quốc gia có dạng 1.001193."),
        )
    elif code and national_code and not code.startswith(national_code):
        check.fail(
            f"{path}.national_code",
            "national_code_mismatch",
            _("Mã thủ tục phải bắt đầu bằng mã TTHC quốc gia."),
        )
    field_code = item.get("field")
    field_obj = check.fields.get(field_code) if isinstance(field_code, str) else None
    if field_obj is None:
        check.fail(
            f"{path}.field",
            "unknown_procedure_field",
            _("Không có lĩnh vực mang mã “%(code)s”.") % {"code": field_code},
        )
    level = item.get("level")
    if level not in ProcedureLevel.values:
        check.fail(
            f"{path}.level",
            "invalid_level",
            _("Cấp thực hiện phải là “tinh”, “huyen” hoặc “xa”."),
        )
    applicant_types = item.get("applicant_types", [ApplicantType.CITIZEN])
    if (
        not isinstance(applicant_types, list)
        or not applicant_types
        or any(t not in ApplicantType.values for t in applicant_types)
        or len(set(applicant_types)) != len(applicant_types)
    ):
        check.fail(
            f"{path}.applicant_types",
            "invalid_applicant_types",
            _("Đối tượng thực hiện là danh sách gồm “citizen” và/hoặc “business”."),
        )
        applicant_types = [ApplicantType.CITIZEN]
    processing_days = check.days(item, "processing_days", path)
    values: dict[str, Any] = {
        "code": code,
        "national_code": national_code,
        "is_demo_code": check.boolean(item, "is_demo_code", path, False),
        "name": check.text(item, "name", path, required=True, limit=500),
        "field": field_obj,
        "level": level,
        "online_level": check.integer(item, "online_level", path, default=2, low=1, high=4),
        "processing_days": processing_days,
        "fee_text": check.text(item, "fee_text", path, required=False, limit=5000),
        "fee_amount": check.integer(item, "fee_amount", path, default=0, low=0, high=10**12),
        "implementing_agency_name": check.text(
            item, "implementing_agency_name", path, required=False, limit=500
        ),
        "requirements": check.text(item, "requirements", path, required=False, limit=20000),
        "result_name": check.text(item, "result_name", path, required=False, limit=500),
        "legal_basis": check.text(item, "legal_basis", path, required=False, limit=20000),
        "applicant_types": list(applicant_types),
        "is_inter_agency": check.boolean(item, "is_inter_agency", path, False),
        "is_published": check.boolean(item, "is_published", path, True),
        "form_schema": check.form_schema(item.get("form_schema"), f"{path}.form_schema"),
    }
    data = ProcedureData(
        values=values,
        receiving_agencies=check.receiving(
            item.get("receiving_agencies"), f"{path}.receiving_agencies"
        ),
        components=_components(check, item.get("components"), f"{path}.components"),
        steps=_steps(check, item.get("steps"), f"{path}.steps"),
    )
    if len(check.problems) > before:
        return None
    _check_process(check, data, path)
    return data


def _check_process(check: _Checker, data: ProcedureData, path: str) -> None:
    """The steps share the legal time; a liên thông procedure involves several agencies."""
    total = sum((s.days for s in data.steps), Decimal("0"))
    if total > data.values["processing_days"]:
        check.fail(
            f"{path}.steps",
            "steps_exceed_processing_days",
            _("Tổng thời gian các bước (%(total)s ngày) vượt thời hạn giải quyết (%(days)s ngày).")
            % {"total": total, "days": data.values["processing_days"]},
        )
    agencies = {s.agency.pk if s.agency else None for s in data.steps}
    if data.values["is_inter_agency"] and len(agencies) < 2:
        check.fail(
            f"{path}.steps",
            "inter_agency_needs_agencies",
            _("Thủ tục liên thông phải có các bước do ít nhất hai cơ quan thực hiện."),
        )


def _items(data: Any) -> Iterator[Any]:
    if isinstance(data, dict):
        items = data.get("procedures")
    else:
        items = data
    if not isinstance(items, list):
        raise ValidationFailed(
            _("Tệp nhập phải là danh sách thủ tục, hoặc đối tượng có khóa “procedures”."),
            code="invalid_import_format",
        )
    yield from items


def validate_catalogue(data: Any, *, max_problems: int = 200) -> list[ProcedureData]:
    """Check a whole import document; raise one `ValidationFailed` listing every problem."""
    check = _Checker()
    result: list[ProcedureData] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(_items(data)):
        path = f"procedures[{index}]"
        procedure = _procedure(check, item, path)
        if procedure is None:
            continue
        if procedure.code in seen:
            check.fail(
                f"{path}.code",
                "duplicate_procedure_code",
                _("Mã thủ tục “%(code)s” xuất hiện hai lần (procedures[%(first)s]).")
                % {"code": procedure.code, "first": seen[procedure.code]},
            )
            continue
        seen[procedure.code] = index
        result.append(procedure)
    if check.problems:
        problems = check.problems[:max_problems]
        raise ValidationFailed(
            _(
                "Tệp nhập có %(count)s lỗi; không thủ tục nào được nhập. "
                "Lỗi đầu tiên: %(path)s — %(message)s"
            )
            % {
                "count": len(check.problems),
                "path": problems[0].path,
                "message": problems[0].message,
            },
            code="procedure_import_invalid",
            details={
                "errors": [
                    {"path": p.path, "code": p.code, "message": p.message} for p in problems
                ],
                "error_count": len(check.problems),
            },
        )
    return result


# --- export ------------------------------------------------------------------------------------


def _receiving_codes(procedure: Procedure, kinds: dict[str, set[int]]) -> list[str]:
    """Agency codes, with every active agency of one kind written as `kind:<kind>`."""
    agencies = list(procedure.receiving_agencies.all())
    ids = {a.pk for a in agencies}
    out: list[str] = []
    for kind, members in sorted(kinds.items()):
        if members and members <= ids:
            out.append(f"{KIND_PREFIX}{kind}")
            ids -= members
    out.extend(sorted(a.code_qcvn102 for a in agencies if a.pk in ids and a.code_qcvn102))
    return out


def active_agencies_by_kind() -> dict[str, set[int]]:
    kinds: dict[str, set[int]] = {}
    for pk, kind in Agency.objects.filter(
        is_active=True,
        code_qcvn102__isnull=False,
        kind__in=[AgencyKind.COMMUNE_COMMITTEE, AgencyKind.DISTRICT_COMMITTEE],
    ).values_list("pk", "kind"):
        kinds.setdefault(kind, set()).add(pk)
    return kinds


def procedure_to_dict(procedure: Procedure, kinds: dict[str, set[int]]) -> dict[str, Any]:
    """One procedure in the interchange format (expects the export prefetches)."""
    return {
        "code": procedure.code,
        "national_code": procedure.national_code,
        "is_demo_code": procedure.is_demo_code,
        "name": procedure.name,
        "field": procedure.field.code,
        "level": procedure.level,
        "online_level": procedure.online_level,
        "processing_days": str(procedure.processing_days),
        "fee_text": procedure.fee_text,
        "fee_amount": procedure.fee_amount,
        "implementing_agency_name": procedure.implementing_agency_name,
        "requirements": procedure.requirements,
        "result_name": procedure.result_name,
        "legal_basis": procedure.legal_basis,
        "applicant_types": list(procedure.applicant_types),
        "is_inter_agency": procedure.is_inter_agency,
        "is_published": procedure.is_published,
        "form_schema": procedure.form_schema,
        "receiving_agencies": _receiving_codes(procedure, kinds),
        "components": [
            {
                "order": c.order,
                "code": c.code,
                "name": c.name,
                "originals": c.originals,
                "copies": c.copies,
                "is_required": c.is_required,
                "accepted_types": list(c.accepted_types),
                "template": c.template.name if c.template else "",
            }
            for c in procedure.components.all()
        ],
        "steps": [
            {
                "order": s.order,
                "name": s.name,
                "agency": s.agency.code_qcvn102 if s.agency else None,
                "days": str(s.days),
                "role": s.role,
            }
            for s in procedure.steps.all()
        ],
    }


# --- Excel -------------------------------------------------------------------------------------

SHEET_PROCEDURES = "ThuTuc"
SHEET_COMPONENTS = "ThanhPhanHoSo"
SHEET_STEPS = "QuyTrinh"
_LIST_KEYS = {"applicant_types", "receiving_agencies", "accepted_types"}
_JSON_KEYS = {"form_schema"}
_NUMBER_AS_TEXT = {"processing_days", "days"}


def _cell(key: str, value: Any) -> Any:
    if key in _LIST_KEYS:
        return "; ".join(value)
    if key in _JSON_KEYS:
        return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""
    if value is None:
        return ""
    return value


def _uncell(key: str, value: Any) -> Any:
    if key in _LIST_KEYS:
        return [part.strip() for part in str(value or "").split(";") if part.strip()]
    if key in _JSON_KEYS:
        if value in (None, ""):
            return {}
        try:
            return json.loads(str(value))
        except ValueError:
            return str(value)  # reported by validation as invalid_form_schema
    if key in _NUMBER_AS_TEXT:
        return "" if value is None else str(value)
    return value


def catalogue_to_xlsx(procedures: Iterable[dict[str, Any]]) -> bytes:
    """Three sheets: procedures, components, steps (the last two keyed by `procedure_code`)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_PROCEDURES
    sheet.append(list(PROCEDURE_KEYS))
    components = book.create_sheet(SHEET_COMPONENTS)
    components.append(["procedure_code", *COMPONENT_KEYS])
    steps = book.create_sheet(SHEET_STEPS)
    steps.append(["procedure_code", *STEP_KEYS])
    for item in procedures:
        sheet.append([_cell(key, item[key]) for key in PROCEDURE_KEYS])
        for component in item["components"]:
            components.append([item["code"], *(_cell(k, component[k]) for k in COMPONENT_KEYS)])
        for step in item["steps"]:
            steps.append([item["code"], *(_cell(k, step[k]) for k in STEP_KEYS)])
    for ws in book.worksheets:
        ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rows(book: Any, name: str) -> list[dict[str, Any]]:
    if name not in book.sheetnames:
        raise ValidationFailed(
            _("Tệp Excel thiếu trang tính “%(sheet)s”.") % {"sheet": name},
            code="invalid_import_format",
        )
    rows = book[name].iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
    return [
        {
            key: _uncell(key, value)
            for key, value in zip(header, row, strict=False)
            if key and value is not None  # an empty cell takes the default
        }
        for row in rows
        if any(value not in (None, "") for value in row)
    ]


def catalogue_from_xlsx(content: bytes) -> dict[str, Any]:
    """Read an Excel workbook written by `catalogue_to_xlsx` back into the JSON form."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a non-workbook
        raise ValidationFailed(
            _("Không đọc được tệp Excel (.xlsx)."), code="invalid_import_format"
        ) from error
    procedures = _rows(book, SHEET_PROCEDURES)
    by_code = {str(p.get("code", "")): p for p in procedures}
    for p in procedures:
        p["components"] = []
        p["steps"] = []
    for key, sheet in (("components", SHEET_COMPONENTS), ("steps", SHEET_STEPS)):
        for row in _rows(book, sheet):
            owner = by_code.get(str(row.pop("procedure_code", "")))
            if owner is None:
                raise ValidationFailed(
                    _("Trang “%(sheet)s” có dòng thuộc thủ tục không có trong trang “%(main)s”.")
                    % {"sheet": sheet, "main": SHEET_PROCEDURES},
                    code="invalid_import_format",
                )
            owner[key].append(row)
    return {"format": FORMAT, "procedures": procedures}
