"""Mẫu 06 — Sổ theo dõi hồ sơ for a period, as PDF (landscape A4) and as Excel (.xlsx).

The columns follow docs/standards.md §5.3; that list is marked [C] (recalled, not read in the
circular), so it lives in one place, `COLUMNS`, for both outputs.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Spacer, TableStyle

from congso.dossiers.printing.data import TrackingBookData, TrackingRow
from congso.dossiers.printing.fonts import FAMILY
from congso.dossiers.printing.layout import CENTER_ITALIC, build_pdf, national_header, style, text
from congso.dossiers.printing.wording import BLANK, local, place_date_line, short_moment

BOOK_TITLE = "Sổ theo dõi hồ sơ"
DATES_GROUP = "Ngày, tháng, năm"
# (heading, relative width, belongs to the "Ngày, tháng, năm" group)
COLUMNS: Sequence[tuple[str, float, bool]] = (
    ("TT", 3, False),
    ("Mã hồ sơ", 15, False),
    ("Tên thủ tục hành chính", 14, False),
    ("Số lượng hồ sơ (bộ)", 4.5, False),
    ("Tên cá nhân, tổ chức", 10, False),
    ("Địa chỉ, số điện thoại", 10, False),
    ("Cơ quan chủ trì giải quyết", 9, False),
    ("Nhận hồ sơ", 6.5, True),
    ("Hẹn trả kết quả", 6.5, True),
    ("Chuyển hồ sơ đến cơ quan giải quyết", 6.5, True),
    ("Nhận kết quả từ cơ quan giải quyết", 6.5, True),
    ("Trả kết quả cho cá nhân, tổ chức", 6.5, True),
    ("Ghi chú", 7, False),
)
FIRST_DATE = next(i for i, column in enumerate(COLUMNS) if column[2])
LAST_DATE = max(i for i, column in enumerate(COLUMNS) if column[2])
ROWS_PER_TABLE = 300  # reportlab splits a long table in O(rows²): chunks keep it linear
PAGE = landscape(A4)
MARGIN = 12 * mm


def _values(row: TrackingRow) -> list[Any]:
    return [
        row.seq,
        row.dossier_code,
        row.procedure_name,
        row.sets_count,
        row.applicant_name,
        row.address_phone,
        row.lead_agency,
        row.received_at,
        row.due_at,
        row.forwarded_at,
        row.result_received_at,
        row.returned_at,
        row.note,
    ]


def period_line(data: TrackingBookData) -> str:
    start, end = data.period_start, data.period_end
    return f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"


def _chunks(rows: Iterator[TrackingRow]) -> Iterator[list[TrackingRow]]:
    chunk: list[TrackingRow] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == ROWS_PER_TABLE:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _page_number(canvas: Any, doc: Any) -> None:
    canvas.saveState()
    canvas.setFont(FAMILY, 9)
    canvas.drawCentredString(PAGE[0] / 2, 7 * mm, f"Trang {doc.page}")
    canvas.restoreState()


def render_tracking_book_pdf(data: TrackingBookData) -> bytes:
    """The book as PDF: heading rows repeat on every page, pages are numbered."""
    head = style("book-head", size=9, bold=True, align=TA_CENTER, leading=11)
    cell = style("book-cell", size=9, leading=11)
    number = style("book-number", size=8.5, italic=True, align=TA_CENTER, leading=10)
    group_row: list[Any] = []
    column_row: list[Any] = []
    for index, (heading, _width, in_group) in enumerate(COLUMNS):
        if in_group:
            group_row.append(text(DATES_GROUP, head) if index == FIRST_DATE else "")
            column_row.append(text(heading, head))
        else:
            group_row.append(text(heading, head))
            column_row.append("")
    numbers = [text(f"({i})", number) for i in range(1, len(COLUMNS) + 1)]
    spans = [("SPAN", (FIRST_DATE, 0), (LAST_DATE, 0))]
    spans += [("SPAN", (i, 0), (i, 1)) for i, column in enumerate(COLUMNS) if not column[2]]
    usable = PAGE[0] - 2 * MARGIN
    total = sum(column[1] for column in COLUMNS)
    widths = [usable * column[1] / total for column in COLUMNS]

    def table(rows: list[list[Any]]) -> LongTable:
        built = LongTable([group_row, column_row, numbers, *rows], colWidths=widths, repeatRows=3)
        built.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, "black"),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 2),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                    *spans,
                ]
            )
        )
        return built

    def cells(row: TrackingRow) -> list[Any]:
        shown: list[Any] = [short_moment(v) if isinstance(v, datetime) else v for v in _values(row)]
        return [text("" if value is None else value, cell) for value in shown]

    usable_header = 76 * mm + (usable - 76 * mm) / 2
    flow: list[Any] = [national_header(data.agency, None, False, usable_header), Spacer(1, 4 * mm)]
    flow.append(text(BOOK_TITLE.upper(), style("book-title", size=15, bold=True, align=TA_CENTER)))
    flow.append(text(f"Quyển số: {data.book_number or BLANK}", CENTER_ITALIC))
    flow.append(text(period_line(data), CENTER_ITALIC))
    flow.append(Spacer(1, 4 * mm))
    empty = True
    for chunk in _chunks(iter(data.rows)):
        empty = False
        flow.append(table([cells(row) for row in chunk]))
    if empty:
        flow.append(table([[text("", cell)] * len(COLUMNS)]))
        flow.append(text("Không có hồ sơ nào trong kỳ.", cell))
    return build_pdf(
        flow,
        title_text=BOOK_TITLE,
        subject=period_line(data),
        pagesize=PAGE,
        topMargin=MARGIN,
        bottomMargin=14 * mm,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        on_page=_page_number,
    )


THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTERED = Alignment(wrap_text=True, vertical="center", horizontal="center")
DATE_FORMAT = "dd/mm/yyyy hh:mm"
TITLE_ROWS = 6  # organ lines, motto, title, book number, period, blank


def render_tracking_book_xlsx(data: TrackingBookData) -> bytes:
    """The book as .xlsx: real dates (dd/mm/yyyy hh:mm), numbers as numbers, frozen headings."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = BOOK_TITLE
    last_letter = get_column_letter(len(COLUMNS))
    agency = data.agency
    organ = " — ".join(part.upper() for part in (agency.parent_name, agency.name) if part)
    lines = [
        (organ, True),
        (
            f"{agency.unit_name.upper()}"
            if agency.unit_name
            else place_date_line(agency.place, None),
            False,
        ),
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM — Độc lập - Tự do - Hạnh phúc", True),
        (BOOK_TITLE.upper(), True),
        (f"Quyển số: {data.book_number or BLANK}. {period_line(data)}", False),
    ]
    for row_index, (value, bold) in enumerate(lines, start=1):
        sheet.cell(row=row_index, column=1, value=value).font = Font(
            name="Times New Roman", bold=bold, size=12
        )
        sheet.merge_cells(f"A{row_index}:{last_letter}{row_index}")
        sheet.cell(row=row_index, column=1).alignment = Alignment(horizontal="center")
    group, headings, numbers = TITLE_ROWS + 1, TITLE_ROWS + 2, TITLE_ROWS + 3
    bold = Font(name="Times New Roman", bold=True, size=11)
    for index, (heading, width, in_group) in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(6.0, width * 2.2)
        for row_index in (group, headings):
            sheet.cell(row=row_index, column=index).border = BORDER
        if in_group:
            sheet.cell(row=headings, column=index, value=heading)
        else:
            sheet.cell(row=group, column=index, value=heading)
            sheet.merge_cells(f"{letter}{group}:{letter}{headings}")
        for row_index in (group, headings):
            sheet.cell(row=row_index, column=index).font = bold
            sheet.cell(row=row_index, column=index).alignment = CENTERED
        number_cell = sheet.cell(row=numbers, column=index, value=f"({index})")
        number_cell.alignment = CENTERED
        number_cell.border = BORDER
    sheet.cell(row=group, column=FIRST_DATE + 1, value=DATES_GROUP)
    sheet.merge_cells(
        start_row=group, start_column=FIRST_DATE + 1, end_row=group, end_column=LAST_DATE + 1
    )
    sheet.freeze_panes = f"A{numbers + 1}"
    plain = Font(name="Times New Roman", size=11)
    for row in data.rows:
        values = [local(v) if isinstance(v, datetime) else v for v in _values(row)]
        sheet.append(values)
        for index, shown in enumerate(values, start=1):
            cell = sheet.cell(row=sheet.max_row, column=index)
            cell.font = plain
            cell.border = BORDER
            cell.alignment = WRAP
            if isinstance(shown, datetime):
                cell.number_format = DATE_FORMAT
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
