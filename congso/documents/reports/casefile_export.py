"""Case file exports (Phụ lục VI, part I, III.2: "xuất hồ sơ ra .pdf, .xml theo thứ tự thời gian").

- XML: UTF-8, the field names of Phụ lục VI parts I–III as element names (FileCode/OrganId,
  FileCatalog, FileNotation, Title, …, DocTotal, PageTotal; per document DocOrdinal, TypeName,
  CodeNumber, …), dates as yyyy-mm-dd (the standard gives Date(10) without a pattern,
  standards.md §3.6). ElementTree escapes the text; characters XML 1.0 forbids are dropped.
- PDF: a cover with the file's fields and the table of contents (mục lục văn bản trong hồ sơ),
  then each document's own PDF appended in order (pypdf) when one is stored.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET  # noqa: S405 - we only write XML, never parse it
from collections.abc import Sequence
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from congso.documents.models import CaseFile
from congso.documents.reports.tables import day
from congso.documents.selectors.casefiles import CaseFileDocument, CaseFileSummary
from congso.documents.services.files import stored_file_open
from congso.documents.services.rendering import document_font

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return _NOT_XML.sub("", str(value))


def _add(parent: ET.Element, name: str, value: Any) -> ET.Element:
    element = ET.SubElement(parent, name)
    element.text = _text(value)
    return element


def case_file_xml(
    case_file: CaseFile, summary: CaseFileSummary, documents: Sequence[CaseFileDocument]
) -> bytes:
    root = ET.Element("File")
    code = ET.SubElement(root, "FileCode")
    _add(code, "OrganId", summary.organ_id)
    _add(code, "FileCatalog", summary.file_catalog)
    _add(code, "FileNotation", summary.file_notation)
    for name, value in (
        ("Title", case_file.title),
        ("Maintenance", case_file.maintenance),
        ("Rights", case_file.rights),
        ("Creator", str(getattr(case_file.creator, "display_name", case_file.creator))),
        ("Language", case_file.language),
        ("StartDate", case_file.start_on),
        ("EndDate", case_file.end_on),
        ("DocTotal", summary.doc_total),
        ("PageTotal", summary.page_total),
        ("Description", case_file.description),
    ):
        _add(root, name, value)
    listing = ET.SubElement(root, "Documents")
    for document in documents:
        element = ET.SubElement(listing, "Document", direction=document.direction)
        _add(element, "DocOrdinal", document.ordinal)
        for name, value in (
            ("TypeName", document.type_name),
            ("CodeNumber", document.code_number),
            ("CodeNotation", document.code_notation),
            ("IssuedDate", document.issued_on),
            ("OrganName", document.organ_name),
            ("Subject", document.subject),
            ("Language", document.language),
            ("PageAmount", document.page_amount),
            ("Description", document.description),
        ):
            _add(element, name, value)
        if document.direction == "incoming":
            _add(element, "ArrivalDate", document.arrival_on)
            _add(element, "ArrivalNumber", document.arrival_number)
        signer = ET.SubElement(element, "SignerInfo")
        _add(signer, "Position", document.signer_position)
        _add(signer, "FullName", document.signer_full_name)
        _add(element, "Priority", document.priority)
        _add(element, "DueDate", document.due_on)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _style(name: str, font: str, size: float, **kw: Any) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=size * 1.25, **kw)


def _cover(
    case_file: CaseFile, summary: CaseFileSummary, documents: Sequence[CaseFileDocument]
) -> bytes:
    document_font()
    regular, bold = "CongsoSerif", "CongsoSerif-Bold"
    title = _style("title", bold, 14, alignment=TA_CENTER)
    center = _style("center", bold, 11, alignment=TA_CENTER)
    cell = _style("cell", regular, 9.5)
    head = _style("head", bold, 9.5, alignment=TA_CENTER)

    def p(value: Any, style: ParagraphStyle = cell) -> Paragraph:
        return Paragraph(escape(_text(value)), style)

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=15 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=case_file.title,
        invariant=1,
    )
    fields = [
        ("Mã hồ sơ", summary.file_code),
        ("Tiêu đề hồ sơ", case_file.title),
        ("Thời hạn bảo quản", case_file.maintenance),
        ("Chế độ sử dụng", case_file.rights),
        ("Người lập hồ sơ", getattr(case_file.creator, "display_name", case_file.creator)),
        ("Ngôn ngữ", case_file.language),
        ("Thời gian bắt đầu", day(case_file.start_on)),
        ("Thời gian kết thúc", day(case_file.end_on)),
        ("Tổng số văn bản", summary.doc_total),
        ("Tổng số trang", summary.page_total),
        ("Ghi chú", case_file.description),
    ]
    table_style = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )
    meta = LongTable([[p(k), p(v)] for k, v in fields], colWidths=[45 * mm, 130 * mm])
    meta.setStyle(table_style)
    rows = [
        [
            p(h, head)
            for h in (
                "STT",
                "Số, ký hiệu",
                "Ngày",
                "Tên loại và trích yếu nội dung",
                "Tác giả",
                "Số trang",
            )
        ]
    ]
    rows += [
        [
            p(d.ordinal),
            p(d.number_notation),
            p(day(d.issued_on)),
            p(f"{d.type_name}: {d.subject}"),
            p(d.organ_name),
            p(d.page_amount or ""),
        ]
        for d in documents
    ]
    contents = LongTable(
        rows, colWidths=[12 * mm, 28 * mm, 20 * mm, 70 * mm, 33 * mm, 12 * mm], repeatRows=1
    )
    contents.setStyle(table_style)
    flow = [
        p(case_file.agency.name.upper(), center),
        Spacer(1, 6 * mm),
        p("HỒ SƠ CÔNG VIỆC", title),
        Spacer(1, 4 * mm),
        meta,
        Spacer(1, 8 * mm),
        p("MỤC LỤC VĂN BẢN TRONG HỒ SƠ", title),
        Spacer(1, 3 * mm),
        contents,
    ]
    doc.build(flow)
    return buffer.getvalue()


def case_file_pdf(
    case_file: CaseFile, summary: CaseFileSummary, documents: Sequence[CaseFileDocument]
) -> bytes:
    """Cover and table of contents, then every stored PDF of the documents, in order."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PdfReadError

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(_cover(case_file, summary, documents))))
    for document in documents:
        if document.pdf is None:
            continue
        try:
            with stored_file_open(document.pdf) as handle:
                writer.append(PdfReader(io.BytesIO(handle.read())))
        except (OSError, PdfReadError, ValueError):
            continue  # a blob that cannot be read stays listed in the contents, not appended
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()
