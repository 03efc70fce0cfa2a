"""The notice that handling of a dossier stops (thông báo dừng giải quyết hồ sơ), as PDF bytes.

TT 01/2018/TT-VPCP has no form for it: in 2019–2020 the body handling the dossier writes the
applicant a letter (national header, "Kính gửi", the dossier, the reason, the signature of the
head). Thông tư 03/2025/TT-VPCP later made it Mẫu 05 "Thông báo dừng giải quyết hồ sơ"
(standards.md §5.1). Same layout helpers and wording as Mẫu 01–05 (`forms.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from congso.dossiers.printing.data import AgencyHeader, Applicant
from congso.dossiers.printing.forms import _contact
from congso.dossiers.printing.layout import (
    NO_PADDING,
    TEXT_WIDTH,
    build_pdf,
    labelled,
    national_header,
    style,
    text,
    title,
)
from congso.dossiers.printing.wording import BLANK, date_words, moment_words

STOP_TITLE = "Thông báo"
STOP_SUBTITLE = "Về việc dừng giải quyết hồ sơ thủ tục hành chính"
SIGN_HINT = "(Ký, ghi rõ họ tên và đóng dấu)"
RECIPIENTS = ("- Như trên;", "- Bộ phận tiếp nhận và trả kết quả;", "- Lưu: VT.")


@dataclass(frozen=True)
class StopNoticeData:
    """What the notice says; `agency` is the body that stops the handling."""

    agency: AgencyHeader
    dossier_code: str
    applicant: Applicant
    request: str
    receiving_agency: str
    received_at: datetime | None
    reason: str
    due_at: datetime | None = None
    receipt_number: str = ""
    number: str = ""
    desk_unit: str = "Bộ phận tiếp nhận và trả kết quả"
    signer_title: str = "THỦ TRƯỞNG CƠ QUAN"
    signer_name: str = ""
    issued_on: date | None = None


def _closing(signer_title: str, signer_name: str) -> KeepTogether:
    """ "Nơi nhận" on the left, the head's signature on the right, as on a letter (NĐ 30/2020)."""
    head = style("recipients-head", size=12, bold=True, italic=True)
    line = style("recipients", size=11)
    left = [text("Nơi nhận:", head), *(text(item, line) for item in RECIPIENTS)]
    right = [
        text(signer_title.upper(), style("sig-role", size=13, bold=True, align=TA_CENTER)),
        text(SIGN_HINT, style("sig-hint", size=12, italic=True, align=TA_CENTER)),
        Spacer(1, 20 * mm),
        text(signer_name, style("sig-name", size=13, bold=True, align=TA_CENTER)),
    ]
    table = Table([[left, right]], colWidths=[TEXT_WIDTH * 0.45, TEXT_WIDTH * 0.55])
    table.setStyle(TableStyle([*NO_PADDING, ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return KeepTogether([Spacer(1, 5 * mm), table])


def render_stop_notice(data: StopNoticeData) -> bytes:
    """The letter telling the applicant that handling stops, and why."""
    who = data.agency.name
    flow: list[Any] = [national_header(data.agency, data.number, data.issued_on)]
    flow += title(STOP_TITLE, STOP_SUBTITLE)
    flow.append(text(f"Kính gửi: {data.applicant.name}", style("to", align=TA_CENTER)))
    flow += _contact(data.applicant)
    received = date_words(data.received_at) if data.received_at else date_words(None)
    flow.append(
        text(
            f"{received.capitalize()}, {data.receiving_agency} tiếp nhận hồ sơ của Ông/Bà "
            f"về: {data.request}."
        )
    )
    receipt = data.receipt_number or BLANK * 3
    flow.append(
        text(
            f"Mã hồ sơ: {data.dossier_code}; Giấy tiếp nhận hồ sơ và hẹn trả kết quả số: {receipt}."
        )
    )
    if data.due_at is not None:
        flow.append(
            text(f"Thời gian hẹn trả kết quả giải quyết hồ sơ: {moment_words(data.due_at)}.")
        )
    flow.append(
        text(
            f"Trong quá trình giải quyết, {who} thông báo dừng giải quyết hồ sơ nêu trên "
            "với lý do cụ thể như sau:"
        )
    )
    flow.append(labelled("Lý do:", data.reason))
    flow.append(
        text(
            f"Ông/Bà liên hệ {data.desk_unit} của {data.receiving_agency} để nhận lại hồ sơ "
            "đã nộp (nếu có) và được hướng dẫn."
        )
    )
    flow.append(text("Xin thông báo để Ông/Bà được biết./."))
    flow.append(_closing(data.signer_title, data.signer_name))
    return build_pdf(
        flow, title_text=f"{STOP_TITLE} {STOP_SUBTITLE.lower()}", subject=data.dossier_code
    )
