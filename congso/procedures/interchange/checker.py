"""The problem collector of a catalogue validation: reads typed values out of one document,
reporting every problem with its path and stable code; agency and field lookups cached."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from jsonschema import SchemaError
from jsonschema.validators import validator_for

from congso.catalogues.models import ProcedureField
from congso.core.text import has_nul
from congso.organizations.constants import AgencyKind
from congso.organizations.models import Agency
from congso.procedures.interchange.format import KIND_PREFIX

MAX_DAYS = Decimal("99999.9")


@dataclass(slots=True)
class Problem:
    path: str
    code: str
    message: str


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

    def nul_free(self, value: Any, path: str) -> bool:
        """False (and a problem reported) when the NUL character U+0000 is anywhere in `value`
        (congso.core.text.has_nul): PostgreSQL would fail the write long after this check."""
        if has_nul(value):
            self.fail(path, "invalid_text", _("Không được chứa ký tự NUL (U+0000)."))
            return False
        return True

    def objects(
        self, value: Any, path: str, not_list: str, not_object: str
    ) -> Iterator[tuple[int, str, dict[str, Any]]]:
        """(index, path, item) for each object of a list; reports what is not. A list given as
        null is refused, not read as empty: the import replaces the stored list with it."""
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
        if not self.nul_free(value, f"{path}.{key}"):
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
        if not self.nul_free(value, path):
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
        except RecursionError:
            self.fail(path, "invalid_form_schema", _("JSON Schema của biểu mẫu lồng nhau quá sâu."))
            return {}
        if value.get("type") != "object":
            self.fail(
                path,
                "invalid_form_schema",
                _('Biểu mẫu phải có "type": "object" (một tờ khai gồm các trường).'),
            )
        return value
