"""Building blocks of the printed forms: page, national header, title, body lines, signatures.

A4 portrait, margins 20/15/20/30 mm and a Times-like serif as in Nghị định 30/2020, Phụ lục I;
reportlab with `invariant=1`, so equal data gives equal bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import (
    HRFlowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from congso.dossiers.printing.data import AgencyHeader
from congso.dossiers.printing.fonts import BOLD, BOLD_ITALIC, FAMILY, ITALIC, register_fonts
from congso.dossiers.printing.wording import BLANK, place_date_line

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
MARGINS = {"topMargin": 20 * mm, "bottomMargin": 20 * mm, "leftMargin": 30 * mm}
TEXT_WIDTH = A4[0] - 30 * mm - 15 * mm
NO_PADDING = [
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
]


def style(
    name: str,
    *,
    size: float = 13,
    bold: bool = False,
    italic: bool = False,
    align: int = TA_LEFT,
    **extra: Any,
) -> ParagraphStyle:
    font = {(False, False): FAMILY, (True, False): BOLD, (False, True): ITALIC}.get(
        (bold, italic), BOLD_ITALIC
    )
    extra.setdefault("leading", size * 1.3)
    return ParagraphStyle(name, fontName=font, fontSize=size, alignment=align, **extra)


BODY = style("body", align=TA_JUSTIFY, spaceAfter=3)
CENTER = style("center", align=TA_CENTER)
CENTER_ITALIC = style("center-italic", italic=True, align=TA_CENTER)
CELL = style("cell", size=11, leading=13.5)
CELL_HEAD = style("cell-head", size=11, bold=True, align=TA_CENTER, leading=13.5)
CELL_CENTER = style("cell-center", size=11, align=TA_CENTER, leading=13.5)


def paragraph(markup: str, paragraph_style: ParagraphStyle) -> Paragraph:
    """Every paragraph goes through here: the font must be registered before reportlab parses."""
    register_fonts()
    return Paragraph(markup, paragraph_style)


def text(value: Any, paragraph_style: ParagraphStyle = BODY) -> Paragraph:
    """A paragraph of plain text (escaped; newlines kept)."""
    return paragraph(escape(str(value)).replace("\n", "<br/>"), paragraph_style)


def labelled(label: str, value: Any, paragraph_style: ParagraphStyle = BODY) -> Paragraph:
    """ "Label: value" with the label in regular type and blanks when the value is empty."""
    shown = escape(str(value)) if value not in (None, "") else BLANK * 3
    return paragraph(f"{escape(label)} {shown}", paragraph_style)


def bold_lead(lead: str, rest: str, paragraph_style: ParagraphStyle = BODY) -> Paragraph:
    """A numbered line whose number is bold: "<b>1.</b> Thành phần hồ sơ …"."""
    return paragraph(f"<b>{escape(lead)}</b> {escape(rest)}", paragraph_style)


def _rule(caption: str, paragraph_style: ParagraphStyle, fraction: float) -> HRFlowable:
    width = pdfmetrics.stringWidth(caption, paragraph_style.fontName, paragraph_style.fontSize)
    return HRFlowable(
        width=width * fraction, thickness=0.6, color=colors.black, spaceBefore=3, spaceAfter=3
    )


def national_header(
    agency: AgencyHeader, number: str | None, dated: Any, width: float = TEXT_WIDTH
) -> Table:
    """Left: chủ quản, agency, unit, "Số: …"; right: quốc hiệu, tiêu ngữ and the date line.

    `number=None` leaves the number line out (Mẫu 05, 06); `dated=False` leaves the date out.
    """
    organ = style("organ", size=12, align=TA_CENTER, leading=14)
    organ_bold = style("organ-bold", size=12, bold=True, align=TA_CENTER, leading=14)
    nation = style("nation", size=12, bold=True, align=TA_CENTER, leading=14)
    motto = style("motto", size=13, bold=True, align=TA_CENTER, leading=15)
    left: list[Any] = []
    if agency.parent_name:
        left.append(text(agency.parent_name.upper(), organ))
    left.append(text(agency.name.upper(), organ_bold))
    last = agency.name.upper()
    if agency.unit_name:
        left.append(text(agency.unit_name.upper(), organ_bold))
        last = agency.unit_name.upper()
    left.append(_rule(last[:30], organ_bold, 0.6))
    if number is not None:
        left.append(text(f"Số: {number or BLANK * 3}", organ))
    right: list[Any] = [text(NATION, nation), text(MOTTO, motto), _rule(MOTTO, motto, 1.0)]
    if dated is not False:
        right.append(Spacer(1, 1.5 * mm))
        right.append(text(place_date_line(agency.place, dated), CENTER_ITALIC))
    table = Table([[left, right]], colWidths=[76 * mm, max(width - 76 * mm, 89 * mm)])
    table.setStyle(TableStyle([*NO_PADDING, ("RIGHTPADDING", (0, 0), (0, 0), 3 * mm)]))
    return table


def title(*lines: str) -> list[Any]:
    """The form's name in bold capitals, then optional italic sub-lines."""
    flow: list[Any] = [
        Spacer(1, 6 * mm),
        text(lines[0].upper(), style("title", size=14, bold=True, align=TA_CENTER)),
    ]
    flow += [text(line, CENTER_ITALIC) for line in lines[1:]]
    flow.append(Spacer(1, 4 * mm))
    return flow


def signatures(*blocks: tuple[str, str], hint_text: str = "(Ký và ghi rõ họ tên)") -> KeepTogether:
    """Signature columns side by side: (ROLE, name) → role, the hint, room to sign, name."""
    role = style("sig-role", size=13, bold=True, align=TA_CENTER)
    hint = style("sig-hint", size=12, italic=True, align=TA_CENTER)
    name = style("sig-name", size=13, bold=True, align=TA_CENTER)
    cells = [
        [text(r.upper(), role), text(hint_text, hint), Spacer(1, 20 * mm), text(n, name)]
        if r
        else ""
        for r, n in blocks
    ]
    width = TEXT_WIDTH / len(cells)
    table = Table([cells], colWidths=[width] * len(cells))
    table.setStyle(TableStyle(NO_PADDING))
    return KeepTogether([Spacer(1, 5 * mm), table])


def grid(
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    *,
    heading_rows: int = 1,
    spans: Sequence[Any] = (),
) -> Table:
    """A ruled table; widths are relative and fill the text width."""
    total = sum(widths)
    table = Table(
        [list(row) for row in rows],
        colWidths=[TEXT_WIDTH * w / total for w in widths],
        repeatRows=heading_rows,
    )
    commands: list[Any] = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    commands += [("SPAN", start, end) for start, end in spans]
    table.setStyle(TableStyle(commands))
    return table


def build_pdf(
    flow: list[Any],
    *,
    title_text: str,
    subject: str,
    pagesize: Any = A4,
    on_page: Any = None,
    **margins: Any,
) -> bytes:
    """Lay the flowables out and return the PDF bytes (fonts embedded as subsets)."""
    register_fonts()
    buffer = io.BytesIO()
    options = {**MARGINS, "rightMargin": 15 * mm, **margins}
    doc = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        title=title_text,
        subject=subject,
        author="congso",
        creator="congso",
        invariant=1,
        initialFontName=FAMILY,
        **options,
    )
    if on_page is None:
        doc.build(flow)
    else:
        doc.build(flow, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()
