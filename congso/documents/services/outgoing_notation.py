"""Pure rules for the số, ký hiệu and date line printed on an outgoing document.

No database, no clock: every function takes what it needs, so the rules can be tested by table.
Sources: Nghị định 30/2020/NĐ-CP, Điều 15 and Phụ lục I, phần I, mục II.3–II.4 (standards.md §3.2).
"""

from __future__ import annotations

from datetime import date

PLACEHOLDER = "…"
MAX_NOTATION_LENGTH = 30  # Phụ lục VI, CodeNotation String(30)


def format_number(number: int) -> str:
    """Số in Arabic numerals; numbers below 10 take a leading zero ("05")."""
    if number < 1:
        raise ValueError("a document number starts at 1")
    return f"{number:02d}"


def compose_notation(
    *, type_abbreviation: str, agency_abbreviation: str, unit_abbreviation: str = ""
) -> str:
    """Ký hiệu of a document.

    Typed documents: `{type}-{issuer}` (`QĐ-UBND`, `TTr-SNgV`; type abbreviations such as `QyĐ`
    and `TTr` keep their lower-case letters). Công văn (no type abbreviation):
    `{issuer}-{drafting unit}` (`UBND-VX`). Groups are joined by `-`, without spaces.
    """
    agency = agency_abbreviation.strip()
    if not agency:
        raise ValueError("the issuing agency has no abbreviation")
    kind = type_abbreviation.strip()
    if kind:
        notation = f"{kind}-{agency}"
    else:
        unit = unit_abbreviation.strip()
        if not unit:
            raise ValueError("a công văn needs the drafting unit's abbreviation")
        notation = f"{agency}-{unit}"
    if " " in notation:
        raise ValueError("a notation has no spaces")
    if len(notation) > MAX_NOTATION_LENGTH:
        raise ValueError("the notation is longer than 30 characters")
    return notation


def number_notation(number: int, notation: str) -> str:
    """`05/QĐ-UBND`: the number, a slash, the notation."""
    return f"{format_number(number)}/{notation}"


def number_line(number: int | None, notation: str) -> str:
    """Ô số 3: `Số: 05/QĐ-UBND`, or `Số: …/QĐ-UBND` while the document is a draft."""
    shown = PLACEHOLDER if number is None else format_number(number)
    return f"Số: {shown}/{notation}"


def format_day(day: int) -> str:
    """Days below 10 take a leading zero."""
    return f"{day:02d}"


def format_month(month: int) -> str:
    """Months 1 and 2 take a leading zero ("01", "02"); the other months do not ("3" … "12")."""
    if not 1 <= month <= 12:
        raise ValueError("month out of range")
    return f"{month:02d}" if month <= 2 else str(month)


def date_line(place_name: str, on: date) -> str:
    """Ô số 4: "Kon Tum, ngày 05 tháng 01 năm 2020"; "…, ngày 29 tháng 6 năm 2019"."""
    return f"{place_name}, ngày {format_day(on.day)} tháng {format_month(on.month)} năm {on.year}"


def date_line_placeholder(place_name: str) -> str:
    """The date line of a draft, before the system dates it at issue."""
    return f"{place_name}, ngày {PLACEHOLDER} tháng {PLACEHOLDER} năm {PLACEHOLDER}"


def subject_line(*, is_official_letter: bool, subject: str) -> str:
    """Trích yếu: a công văn prints "V/v …" under its number (ô 5b); others print the subject
    under the type name (ô 5a)."""
    text = subject.strip()
    if is_official_letter and not text.lower().startswith("v/v"):
        return f"V/v {text}"
    return text


def storage_line(unit_abbreviation: str) -> str:
    """Last line of "Nơi nhận" (ô 9b): "Lưu: VT, {drafting unit}."."""
    parts = ["VT"]
    if unit_abbreviation.strip():
        parts.append(unit_abbreviation.strip())
    return "Lưu: " + ", ".join(parts) + "."
