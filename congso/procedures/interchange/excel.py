"""The Excel form of the interchange format: three sheets to and from the JSON form."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from congso.core.errors import ValidationFailed
from congso.procedures.interchange.format import (
    COMPONENT_KEYS,
    FORMAT,
    PROCEDURE_KEYS,
    STEP_KEYS,
)

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
