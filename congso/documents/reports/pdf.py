"""Reports as PDF: landscape A4, Vietnamese text with an embedded TrueType font, page numbers.

The font is the one outgoing documents use (`services.rendering.document_font`: Liberation Serif
2.x, else DejaVu Serif), so registers and documents look alike and every Vietnamese letter is
covered; reportlab embeds it as a /FontFile2 subset.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from congso.documents.reports.tables import TableReport
from congso.documents.services.rendering import document_font

FONT = "CongsoSerif"
BOLD = "CongsoSerif-Bold"
ITALIC = "CongsoSerif-Italic"
ROWS_PER_TABLE = 400  # reportlab splits a long table in O(rows²); chunks keep it linear
PAGE = landscape(A4)
MARGIN = 12 * mm


def _style(
    name: str, *, font: str = FONT, size: float = 10, align: int = TA_LEFT
) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=size * 1.25, alignment=align)


def _p(text: Any, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _page_number(canvas: Any, doc: Any) -> None:
    canvas.saveState()
    canvas.setFont(FONT, 9)
    canvas.drawCentredString(PAGE[0] / 2, 7 * mm, f"Trang {doc.page}")
    canvas.restoreState()


def _header(report: TableReport) -> list[Any]:
    organ = _style("organ", font=BOLD, size=11, align=TA_CENTER)
    title = _style("title", font=BOLD, size=14, align=TA_CENTER)
    period = _style("period", font=ITALIC, size=11, align=TA_CENTER)
    flow: list[Any] = [_p(line.upper(), organ) for line in report.organ_lines]
    flow += [Spacer(1, 4 * mm), _p(report.title.upper(), title), _p(report.period_line, period)]
    flow += [_p(note, period) for note in report.notes]
    flow.append(Spacer(1, 4 * mm))
    return flow


def _chunks(rows: Iterator[Sequence[Any]], size: int) -> Iterator[list[Sequence[Any]]]:
    chunk: list[Sequence[Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _table(data: list[list[Any]], widths: list[float], heading_rows: int) -> LongTable:
    table = LongTable(data, colWidths=widths, repeatRows=heading_rows)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if heading_rows:
        style.append(("BACKGROUND", (0, 0), (-1, heading_rows - 1), colors.whitesmoke))
    table.setStyle(TableStyle(style))
    return table


def report_pdf(report: TableReport) -> bytes:
    """The report as PDF bytes (reportlab, font embedded, invariant output for equal input)."""
    document_font()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=14 * mm,
        title=report.title,
        author=report.organ_lines[-1] if report.organ_lines else "",
        invariant=1,
    )
    usable = PAGE[0] - 2 * MARGIN
    total = sum(report.widths)
    widths = [usable * w / total for w in report.widths]
    head = _style("head", font=BOLD, size=9.5, align=TA_CENTER)
    cell = _style("cell", size=9.5)
    number = _style("number", font=ITALIC, size=9, align=TA_CENTER)
    headings: list[list[Any]] = [[_p(c, head) for c in report.columns]]
    if report.numbered_columns:
        headings.append([_p(f"({i})", number) for i in range(1, len(report.columns) + 1)])
    flow = _header(report)
    empty = True
    for chunk in _chunks(iter(report.rows), ROWS_PER_TABLE):
        empty = False
        data = headings + [[_p(value, cell) for value in row] for row in chunk]
        flow.append(_table(data, widths, len(headings)))
    if empty:
        flow.append(
            _table(headings + [[_p("", cell)] * len(report.columns)], widths, len(headings))
        )
        flow.append(_p("Không có văn bản nào trong kỳ.", cell))
    if report.totals is not None:
        flow.append(_table([[_p(value, head) for value in report.totals]], widths, 0))
    doc.build(flow, onFirstPage=_page_number, onLaterPages=_page_number)
    return buffer.getvalue()
