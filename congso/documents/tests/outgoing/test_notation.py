"""Số, ký hiệu and date-line rules (Nghị định 30/2020/NĐ-CP, Phụ lục I, mục II.3–II.4)."""

from __future__ import annotations

from datetime import date

import pytest

from congso.documents.services import outgoing_notation as notation


@pytest.mark.parametrize(
    ("number", "printed"), [(1, "01"), (5, "05"), (9, "09"), (10, "10"), (12, "12"), (575, "575")]
)
def test_numbers_below_ten_take_a_leading_zero(number: int, printed: str) -> None:
    assert notation.format_number(number) == printed


def test_number_zero_is_refused() -> None:
    with pytest.raises(ValueError, match="starts at 1"):
        notation.format_number(0)


@pytest.mark.parametrize(
    ("type_abbr", "agency", "unit", "number", "expected"),
    [
        ("QĐ", "UBND", "", 5, "05/QĐ-UBND"),
        ("QĐ", "UBND", "VX", 575, "575/QĐ-UBND"),  # typed: the unit plays no part
        ("", "UBND", "VX", 12, "12/UBND-VX"),  # công văn: issuer-unit
        ("", "BNV", "VP", 5, "05/BNV-VP"),
        ("QyĐ", "UBND", "", 3, "03/QyĐ-UBND"),  # lower-case letters kept
        ("TTr", "SNgV", "", 4, "04/TTr-SNgV"),
        ("CTr", "STTTT", "CNTT", 21, "21/CTr-STTTT"),
    ],
)
def test_number_notation_follows_article_15(
    type_abbr: str, agency: str, unit: str, number: int, expected: str
) -> None:
    composed = notation.compose_notation(
        type_abbreviation=type_abbr, agency_abbreviation=agency, unit_abbreviation=unit
    )
    assert notation.number_notation(number, composed) == expected


@pytest.mark.parametrize(
    ("type_abbr", "agency", "unit", "message"),
    [
        ("", "UBND", "", "drafting unit"),
        ("QĐ", "", "", "no abbreviation"),
        ("QĐ", "UBND TỈNH", "", "no spaces"),
        ("QĐ", "X" * 40, "", "longer than 30"),
    ],
)
def test_incomplete_or_malformed_notation_is_refused(
    type_abbr: str, agency: str, unit: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        notation.compose_notation(
            type_abbreviation=type_abbr, agency_abbreviation=agency, unit_abbreviation=unit
        )


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2020, 1, 5), "Kon Tum, ngày 05 tháng 01 năm 2020"),
        (date(2020, 2, 28), "Kon Tum, ngày 28 tháng 02 năm 2020"),
        (date(2020, 3, 5), "Kon Tum, ngày 05 tháng 3 năm 2020"),
        (date(2019, 6, 29), "Kon Tum, ngày 29 tháng 6 năm 2019"),
        (date(2020, 10, 1), "Kon Tum, ngày 01 tháng 10 năm 2020"),
        (date(2020, 12, 31), "Kon Tum, ngày 31 tháng 12 năm 2020"),
    ],
)
def test_date_line_pads_days_below_ten_and_months_one_and_two(on: date, expected: str) -> None:
    assert notation.date_line("Kon Tum", on) == expected


@pytest.mark.parametrize(
    ("month", "printed"), [(m, f"{m:02d}" if m <= 2 else str(m)) for m in range(1, 13)]
)
def test_every_month_is_printed_per_the_rule(month: int, printed: str) -> None:
    assert notation.format_month(month) == printed


def test_drafts_print_placeholders_for_number_and_date() -> None:
    assert notation.number_line(None, "QĐ-UBND") == "Số: …/QĐ-UBND"
    assert notation.number_line(7, "QĐ-UBND") == "Số: 07/QĐ-UBND"
    assert notation.date_line_placeholder("Kon Tum") == "Kon Tum, ngày … tháng … năm …"


@pytest.mark.parametrize(
    ("letter", "subject", "expected"),
    [
        (True, "báo cáo quý I", "V/v báo cáo quý I"),
        (True, "V/v báo cáo quý I", "V/v báo cáo quý I"),
        (False, "Ban hành Quy chế", "Ban hành Quy chế"),
    ],
)
def test_official_letters_print_their_subject_as_v_v(
    letter: bool, subject: str, expected: str
) -> None:
    assert notation.subject_line(is_official_letter=letter, subject=subject) == expected


@pytest.mark.parametrize(("unit", "expected"), [("VX", "Lưu: VT, VX."), ("", "Lưu: VT.")])
def test_storage_line_names_the_clerk_and_the_drafting_unit(unit: str, expected: str) -> None:
    assert notation.storage_line(unit) == expected
