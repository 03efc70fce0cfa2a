"""A report as a table: what the PDF and Excel renderers share."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date


def day(value: date | None) -> str:
    """Dates in reports read dd/mm/yyyy."""
    return value.strftime("%d/%m/%Y") if value else ""


@dataclass
class TableReport:
    """Title block + numbered columns + rows (an iterable: big registers are streamed)."""

    title: str
    organ_lines: Sequence[str]  # cơ quan chủ quản (optional) then cơ quan lập sổ
    period_line: str
    columns: Sequence[str]
    widths: Sequence[float]  # relative column widths
    rows: Iterable[Sequence[str | int]]
    totals: Sequence[str | int] | None = None
    notes: Sequence[str] = field(default_factory=list)
    file_stem: str = "bao-cao"
    numbered_columns: bool = True  # the "(1) (2) …" row under the headings (Phụ lục IV)
