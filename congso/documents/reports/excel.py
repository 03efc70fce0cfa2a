"""Reports as Excel (.xlsx, openpyxl write-only mode: rows stream to disk, memory stays flat)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from congso.documents.reports.tables import TableReport

THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CHARS_PER_WIDTH_UNIT = 3.2


def _cell(
    sheet: object, value: object, *, bold: bool = False, border: bool = True
) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = Font(name="Times New Roman", bold=bold, size=12 if bold else 11)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    if border:
        cell.border = BORDER
    return cell


def report_xlsx(report: TableReport) -> bytes:
    """The report as .xlsx bytes; numbers stay numbers, dates read dd/mm/yyyy."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=report.title[:31])
    for index, width in enumerate(report.widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(
            6, width * CHARS_PER_WIDTH_UNIT
        )
    heading_rows = len(report.organ_lines) + 2 + len(report.notes) + 1 + 1
    heading_rows += 1 if report.numbered_columns else 0
    sheet.freeze_panes = f"A{heading_rows + 1}"
    for line in report.organ_lines:
        sheet.append([_cell(sheet, line.upper(), bold=True, border=False)])
    sheet.append([_cell(sheet, report.title.upper(), bold=True, border=False)])
    sheet.append([_cell(sheet, report.period_line, border=False)])
    for note in report.notes:
        sheet.append([_cell(sheet, note, border=False)])
    sheet.append([])
    sheet.append([_cell(sheet, column, bold=True) for column in report.columns])
    if report.numbered_columns:
        sheet.append([_cell(sheet, f"({i})") for i in range(1, len(report.columns) + 1)])
    for row in report.rows:
        sheet.append([_cell(sheet, value) for value in row])
    if report.totals is not None:
        sheet.append([_cell(sheet, value, bold=True) for value in report.totals])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.xlsx"
        workbook.save(path)
        return path.read_bytes()
