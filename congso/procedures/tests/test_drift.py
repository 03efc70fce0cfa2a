"""Drift report: catalogue against a national list, as data, table, JSON and Excel."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from congso.core.errors import ValidationFailed
from congso.procedures.drift import (
    drift_to_xlsx,
    parse_days,
    parse_national_list,
    procedure_drift,
)
from congso.procedures.tests.factories import ProcedureFactory, procedure_field

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue() -> None:
    ProcedureFactory(
        national_code="1.001193",
        code="1.001193.000.00.00.H34",
        name="Đăng ký khai sinh",
        processing_days=Decimal("1.0"),
    )
    ProcedureFactory(
        national_code="1.000894",
        code="1.000894.000.00.00.H34",
        name="Đăng ký kết hôn",
        processing_days=Decimal("1.0"),
        field=procedure_field("LV-HOTICH"),
    )
    ProcedureFactory(national_code="9.000099", code="9.000099.000.00.00.H34", name="Chỉ ở tỉnh")


NATIONAL = [
    {"MaTTHC": "1.001193", "TenTTHC": "ĐĂNG KÝ KHAI SINH", "ThoiHanGiaiQuyet": "01 ngày làm việc"},
    {
        "MaTTHC": "1.000894",
        "TenTTHC": "Đăng ký kết hôn",
        "MaLinhVuc": "LV-CHUNGTHUC",
        "ThoiHanGiaiQuyet": 5,
    },
    {"MaTTHC": "2.000815", "TenTTHC": "Chứng thực bản sao từ bản chính"},
]


def test_drift_lists_missing_local_only_and_differing_procedures(catalogue: None) -> None:
    # given a catalogue of three and a national list of three
    # when they are compared
    report = procedure_drift(parse_national_list({"result": NATIONAL}))

    # then case/diacritic-only name changes are not drift; time and field changes are
    assert report.missing_locally == [
        {"national_code": "2.000815", "name": "Chứng thực bản sao từ bản chính", "field_code": ""}
    ]
    assert [p["code"] for p in report.only_local] == ["9.000099.000.00.00.H34"]
    assert {(d.local_code, d.attribute, d.local, d.national) for d in report.differences} == {
        ("1.000894.000.00.00.H34", "processing_days", "1.0", "5.0"),
        ("1.000894.000.00.00.H34", "field", "LV-HOTICH", "LV-CHUNGTHUC"),
    }
    assert not report.is_clean


def test_portal_shape_with_nested_field_is_read() -> None:
    # given a LayThuTuc-shaped entry / when parsed / then the nested field code is used
    (entry,) = parse_national_list(
        [{"MATTHC": "1.001193", "TENTTHC": "X", "LINHVUCTHUCHIEN": [{"MALINHVUC": "G01"}]}]
    )
    assert entry.field_code == "G01"
    assert parse_days("0,5 ngày") == Decimal("0.5")
    assert parse_days("Ngay trong ngày") is None


def test_a_list_without_codes_is_refused() -> None:
    # given / when / then
    with pytest.raises(ValidationFailed) as excinfo:
        parse_national_list([{"TenTTHC": "Không mã"}])
    assert excinfo.value.code == "invalid_national_list"
    with pytest.raises(ValidationFailed):
        parse_national_list({"khac": 1})


def test_excel_report_has_one_row_per_finding(catalogue: None) -> None:
    # given a report with four findings
    report = procedure_drift(parse_national_list(NATIONAL))

    # when it is written to Excel
    book = load_workbook(io.BytesIO(drift_to_xlsx(report)))

    # then the first sheet holds a header and four rows
    rows = list(book["SaiLech"].iter_rows(values_only=True))
    assert rows[0][0] == "Loại"
    assert len(rows) == 1 + 4


def test_command_prints_table_json_and_writes_excel(catalogue: None, tmp_path: Path) -> None:
    # given a national list on disk
    national = tmp_path / "national.json"
    national.write_text(json.dumps(NATIONAL, ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    xlsx = tmp_path / "drift.xlsx"

    # when the command runs with --json and --xlsx
    with pytest.raises(SystemExit) as exited:
        call_command(
            "procedures",
            "drift",
            "--national",
            str(national),
            "--json",
            "--xlsx",
            str(xlsx),
            stdout=out,
        )

    # then it exits 1 (drift found), prints the JSON report and writes the workbook
    assert exited.value.code == 1
    data: dict[str, Any] = json.loads(out.getvalue())
    assert data["national_count"] == 3
    assert len(data["differences"]) == 2
    assert xlsx.stat().st_size > 0

    # and the table form names each kind of finding
    table = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("procedures", "drift", "--national", str(national), stdout=table)
    assert "Thiếu ở địa phương" in table.getvalue()
    assert "Chỉ có ở địa phương" in table.getvalue()
