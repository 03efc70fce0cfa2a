"""Validation of an import document: `validate_catalogue`, every problem reported at once."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from congso.core.errors import ValidationFailed
from congso.core.identity import Role
from congso.procedures.constants import (
    DEFAULT_ACCEPTED_TYPES,
    ApplicantType,
    ProcedureLevel,
)
from congso.procedures.interchange.checker import _Checker
from congso.procedures.interchange.records import ComponentData, ProcedureData, StepData

PROCEDURE_CODE = re.compile(r"^\d\.\d{6}(\.[0-9A-Za-z]+){0,6}$")
NATIONAL_CODE = re.compile(r"^\d\.\d{6}$")
COMPONENT_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,20}$")


def _components(check: _Checker, value: Any, path: str) -> list[ComponentData]:
    result: list[ComponentData] = []
    seen: set[str] = set()
    items = check.objects(
        value,
        path,
        _("Thành phần hồ sơ phải là một danh sách ([] khi thủ tục không có thành phần nào)."),
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
        if not check.nul_free(types, f"{where}.accepted_types"):
            types = list(DEFAULT_ACCEPTED_TYPES)
        elif (
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
        _("Quy trình nội bộ phải là một danh sách ([] khi thủ tục không có bước nào)."),
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
        components=_components(check, item.get("components", []), f"{path}.components"),
        steps=_steps(check, item.get("steps", []), f"{path}.steps"),
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
