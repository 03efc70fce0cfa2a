"""Printable PDF of a validation report (biên bản kiểm tra chữ ký số), from its JSON form."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from congso.signatures.lib.report import format_vn_time
from congso.signatures.lib.sampledoc import _register_fonts

_COLOURS = {
    "valid": colors.HexColor("#1b7f3b"),
    "indeterminate": colors.HexColor("#b26a00"),
    "failed": colors.HexColor("#b3261e"),
    "unsigned": colors.HexColor("#555555"),
}


def _when(value: str | None) -> str:
    return format_vn_time(datetime.fromisoformat(value)) if value else "—"


def report_pdf(report: dict[str, Any]) -> bytes:
    regular, bold = _register_fonts()
    base = ParagraphStyle("base", fontName=regular, fontSize=11, leading=14)
    head = ParagraphStyle("head", parent=base, fontName=bold, fontSize=14, leading=18, alignment=1)
    sub = ParagraphStyle("sub", parent=base, fontName=bold, fontSize=12, leading=16)
    small = ParagraphStyle("small", parent=base, fontSize=9, leading=11)
    verdict = report.get("verdict", "failed")
    strong = ParagraphStyle("v", parent=sub, textColor=_COLOURS.get(verdict, colors.black))
    story: list[Any] = [
        Paragraph("BIÊN BẢN KIỂM TRA CHỮ KÝ SỐ", head),
        Spacer(1, 4 * mm),
        Paragraph(f"Tệp: {report.get('file_name') or '(không tên)'}", base),
        Paragraph(f"SHA-256: {report.get('file_sha256', '')}", small),
        Paragraph(f"Kiểm tra lúc: {_when(report.get('validated_at'))}", base),
        Spacer(1, 3 * mm),
        Paragraph(f"Kết luận: {report.get('verdict_label', '')}", strong),
        Paragraph(report.get("summary", ""), base),
        Spacer(1, 4 * mm),
    ]
    for index, sig in enumerate(report.get("signatures", []), start=1):
        signer = sig.get("signer") or {}
        story.append(Paragraph(f"{index}. {sig.get('summary', '')}", sub))
        rows = [
            ["Người/cơ quan ký", signer.get("common_name", "—")],
            [
                "Đơn vị",
                ", ".join(x for x in (signer.get("unit"), signer.get("organisation")) if x) or "—",
            ],
            ["Định danh", signer.get("identity") or "—"],
            ["Tổ chức cấp chứng thư", signer.get("issuer", "—")],
            [
                "Hiệu lực chứng thư",
                f"{_when(signer.get('valid_from'))} – {_when(signer.get('valid_to'))}",
            ],
            ["Thời điểm ký (khai báo)", _when(sig.get("signing_time_claimed"))],
            ["Dấu thời gian", _when(sig.get("timestamp_time"))],
        ]
        for check in sig.get("checks", []):
            rows.append(
                [check.get("label", ""), f"[{check.get('verdict')}] {check.get('message')}"]
            )
        table = Table(
            [[Paragraph(a, small), Paragraph(str(b), small)] for a, b in rows],
            colWidths=[45 * mm, 125 * mm],
        )
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f2f2")),
                ]
            )
        )
        story.extend([table, Spacer(1, 4 * mm)])
    for problem in report.get("problems", []):
        story.append(Paragraph(f"Lưu ý: {problem}", base))
    story.append(Spacer(1, 6 * mm))
    story.append(Paragraph(f"Công cụ kiểm tra: {report.get('engine', '')}", small))
    buffer = BytesIO()
    SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=15 * mm, topMargin=15 * mm,
        bottomMargin=15 * mm, title="Biên bản kiểm tra chữ ký số",
    ).build(story)  # fmt: skip
    return buffer.getvalue()
