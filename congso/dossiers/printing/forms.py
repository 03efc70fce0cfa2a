"""Mẫu 01–05 of Thông tư 01/2018/TT-VPCP as PDF bytes (fields: docs/standards.md §5.3).

Each `render_*` is a pure function of its dataclass. Values nobody knows yet print as dotted
blanks to fill by hand, as on the paper forms.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib.enums import TA_CENTER
from reportlab.platypus import PageBreak, Spacer, Table, TableStyle

from congso.dossiers.printing.data import (
    ApologyData,
    Applicant,
    ComponentLine,
    ControlRow,
    ControlSheetData,
    ReceiptData,
    RefusalData,
    SupplementRequestData,
)
from congso.dossiers.printing.layout import (
    CELL,
    CELL_CENTER,
    CELL_HEAD,
    NO_PADDING,
    bold_lead,
    build_pdf,
    grid,
    labelled,
    national_header,
    signatures,
    style,
    text,
    title,
)
from congso.dossiers.printing.wording import (
    BLANK,
    OUTCOMES,
    count_text,
    date_words,
    moment_words,
    working_days,
)

RECEIPT_TITLE = "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
SUPPLEMENT_TITLE = "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"
REFUSAL_TITLE = "Phiếu từ chối tiếp nhận giải quyết hồ sơ"
APOLOGY_TITLE = "Phiếu xin lỗi và hẹn lại ngày trả kết quả"
CONTROL_TITLE = "Phiếu kiểm soát quá trình giải quyết hồ sơ"
RECEIPT_COPIES = (
    "Liên 1: Lưu tại Bộ phận tiếp nhận và trả kết quả "
    "(kèm Phiếu kiểm soát quá trình giải quyết hồ sơ)",
    "Liên 2: Giao cho cá nhân, tổ chức nộp hồ sơ",
)
RECEIPT_NOTE = (
    "Ghi chú: Giấy tiếp nhận hồ sơ và hẹn trả kết quả được lập thành 02 liên; một liên chuyển kèm "
    "theo Phiếu kiểm soát quá trình giải quyết hồ sơ và được lưu tại Bộ phận tiếp nhận và trả kết "
    "quả; một liên giao cho cá nhân, tổ chức nộp hồ sơ. Cá nhân, tổ chức có thể nhận kết quả tại "
    "Bộ phận tiếp nhận và trả kết quả hoặc tại nhà (trụ sở tổ chức) qua dịch vụ bưu chính công ích."
)
NOTE = style("note", size=11.5, italic=True)
COPY_MARK = style("copy-mark", size=11, italic=True, align=TA_CENTER)
CODE = style("code", size=13, bold=True, align=TA_CENTER)


def component_text(line: ComponentLine) -> str:
    """ "Tờ khai (01 bản chính, 01 bản sao)"; counts that are zero are left out."""
    counts = [
        f"{count_text(n)} {label}"
        for n, label in (
            (line.originals, "bản chính"),
            (line.copies, "bản sao"),
            (line.photocopies, "bản photo"),
        )
        if n
    ]
    return f"{line.name} ({', '.join(counts)})" if counts else line.name


def _contact(applicant: Applicant) -> list[Any]:
    return [
        labelled("Địa chỉ:", applicant.address),
        text(
            f"Số điện thoại: {applicant.phone or BLANK * 3}    "
            f"Email: {applicant.email or BLANK * 3}"
        ),
    ]


def _code_line(code: str) -> Any:
    return text(f"Mã hồ sơ: {code}", CODE)


def _receipt_copy(data: ReceiptData, copy_label: str, *, for_applicant: bool) -> list[Any]:
    flow: list[Any] = [
        national_header(data.agency, data.number, data.issued_on or data.received_at)
    ]
    flow += title(RECEIPT_TITLE)
    flow += [_code_line(data.dossier_code), Spacer(1, 3)]
    flow.append(
        labelled(
            f"{data.agency.unit_name or data.agency.name} tiếp nhận hồ sơ của:", data.applicant.name
        )
    )
    flow += _contact(data.applicant)
    flow.append(labelled("Nội dung yêu cầu giải quyết:", data.request))
    flow.append(bold_lead("1.", "Thành phần hồ sơ nộp gồm:"))
    components = data.components or [ComponentLine(name=BLANK * 3)]
    flow += [text(f"    {n}. {component_text(c)}") for n, c in enumerate(components, start=1)]
    flow.append(bold_lead("2.", f"Số lượng hồ sơ: {count_text(data.sets_count)} (bộ)"))
    flow.append(
        bold_lead(
            "3.",
            f"Thời gian giải quyết hồ sơ theo quy định là: {working_days(data.processing_days)}",
        )
    )
    flow.append(bold_lead("4.", f"Thời gian nhận hồ sơ: {moment_words(data.received_at)}"))
    flow.append(
        bold_lead("5.", f"Thời gian trả kết quả giải quyết hồ sơ: {moment_words(data.due_at)}")
    )
    flow.append(bold_lead("6.", f"Đăng ký nhận kết quả tại: {data.result_channel or BLANK * 3}"))
    flow.append(
        text(
            f"Vào Sổ theo dõi hồ sơ, Quyển số: {data.register_book or BLANK} "
            f"Số thứ tự: {data.register_seq or BLANK}"
        )
    )
    if for_applicant and data.lookup_secret:
        flow.append(
            text(
                f"Mã tra cứu: {data.lookup_secret} "
                "(dùng cùng Mã hồ sơ để tra cứu tình trạng hồ sơ trực tuyến)"
            )
        )
    flow.append(
        signatures(
            ("Người nộp hồ sơ", data.applicant.name), ("Người tiếp nhận hồ sơ", data.receiver_name)
        )
    )
    flow += [Spacer(1, 4), text(RECEIPT_NOTE, NOTE), Spacer(1, 4), text(copy_label, COPY_MARK)]
    return flow


def render_receipt(data: ReceiptData) -> bytes:
    """Mẫu 01 in two liên, one page each: the one-stop desk's and the applicant's."""
    flow = _receipt_copy(data, RECEIPT_COPIES[0], for_applicant=False)
    flow.append(PageBreak())
    flow += _receipt_copy(data, RECEIPT_COPIES[1], for_applicant=True)
    return build_pdf(flow, title_text=RECEIPT_TITLE, subject=data.dossier_code)


def _quantity_table(items: Sequence[ComponentLine]) -> Any:
    head = [
        [
            text("TT", CELL_HEAD),
            text("Thành phần hồ sơ", CELL_HEAD),
            text("Số lượng", CELL_HEAD),
            "",
            "",
        ],
        [
            "",
            "",
            text("Bản chính", CELL_HEAD),
            text("Bản chứng thực", CELL_HEAD),
            text("Bản photo", CELL_HEAD),
        ],
    ]
    rows = [
        [
            text(str(n), CELL_CENTER),
            text(f"{item.name}{' — ' + item.note if item.note else ''}", CELL),
            text(str(item.originals or ""), CELL_CENTER),
            text(str(item.copies or ""), CELL_CENTER),
            text(str(item.photocopies or ""), CELL_CENTER),
        ]
        for n, item in enumerate(items, start=1)
    ]
    spans = [((0, 0), (0, 1)), ((1, 0), (1, 1)), ((2, 0), (4, 0))]
    return grid(head + rows, [6, 52, 14, 14, 14], heading_rows=2, spans=spans)


def render_supplement_request(data: SupplementRequestData) -> bytes:
    """Mẫu 02: what the applicant must add, why, and whom to ask."""
    flow: list[Any] = [national_header(data.agency, data.number, data.issued_on)]
    flow += title(SUPPLEMENT_TITLE)
    flow += [_code_line(data.dossier_code), Spacer(1, 3)]
    flow.append(labelled("Tiếp nhận hồ sơ/yêu cầu của Ông/Bà:", data.applicant.name))
    flow.append(labelled("Nội dung yêu cầu giải quyết:", data.request))
    flow += _contact(data.applicant)
    flow.append(text("Yêu cầu Ông/Bà hoàn thiện hồ sơ gồm những nội dung như sau:"))
    flow.append(_quantity_table(data.items))
    flow += [Spacer(1, 4), labelled("Lý do:", data.reason)]
    flow.append(
        text(
            "Trong quá trình hoàn thiện hồ sơ nếu có vướng mắc, Ông/Bà liên hệ với "
            f"{data.contact_unit or BLANK * 3} số điện thoại {data.contact_phone or BLANK * 3} "
            "để được hướng dẫn./."
        )
    )
    flow.append(_right_signature(("Người hướng dẫn", data.guide_name)))
    return build_pdf(flow, title_text=SUPPLEMENT_TITLE, subject=data.dossier_code)


def _right_signature(block: tuple[str, str], hint_text: str = "(Ký và ghi rõ họ tên)") -> Any:
    """One signature on the right half, as on forms signed by a single person."""
    return signatures(("", ""), block, hint_text=hint_text)


def render_refusal(data: RefusalData) -> bytes:
    """Mẫu 03: the dossier is not accepted, with the concrete reason."""
    flow: list[Any] = [national_header(data.agency, data.number, data.issued_on)]
    flow += title(REFUSAL_TITLE)
    flow += [_code_line(data.dossier_code), Spacer(1, 3)]
    flow.append(
        labelled(
            f"{data.agency.unit_name or data.agency.name} tiếp nhận hồ sơ của:", data.applicant.name
        )
    )
    flow += _contact(data.applicant)
    flow.append(labelled("Nội dung yêu cầu giải quyết:", data.request))
    flow.append(
        text(
            f"Căn cứ quy định tại thủ tục hành chính, {data.agency.name} "
            "thông báo không tiếp nhận, "
            "giải quyết hồ sơ này với lý do cụ thể như sau:"
        )
    )
    flow.append(text(data.reason))
    flow.append(text("Xin thông báo để Ông/Bà được biết và thực hiện./."))
    flow.append(_right_signature(("Người tiếp nhận hồ sơ", data.receiver_name)))
    return build_pdf(flow, title_text=REFUSAL_TITLE, subject=data.dossier_code)


def render_apology(data: ApologyData) -> bytes:
    """Mẫu 04: the apology for the delay and the one new return date."""
    who = data.agency.name
    flow: list[Any] = [national_header(data.agency, data.number, data.issued_on)]
    flow += title(APOLOGY_TITLE)
    flow.append(text(f"Kính gửi: {data.applicant.name}", style("to", align=TA_CENTER)))
    flow += _contact(data.applicant)
    flow.append(
        text(
            f"{date_words(data.received_at).capitalize()}, {data.receiving_agency} "
            "tiếp nhận giải quyết "
            f"hồ sơ của Ông/Bà về: {data.request}."
        )
    )
    flow.append(text(f"Mã hồ sơ: {data.dossier_code}."))
    flow.append(text(f"Thời gian hẹn trả kết quả giải quyết hồ sơ: {moment_words(data.due_at)}."))
    flow.append(
        text(
            f"Tuy nhiên đến nay, {who} chưa trả kết quả giải quyết hồ sơ của Ông/Bà. "
            f"Lý do: {data.reason}"
        )
    )
    flow.append(
        text(
            f"Sự chậm trễ này đã gây phiền hà cho Ông/Bà. {who} xin lỗi Ông/Bà "
            "và hẹn lại thời gian "
            f"trả kết quả vào {moment_words(data.new_due_at)}."
        )
    )
    flow.append(text("Mong nhận được sự thông cảm của Ông/Bà./."))
    flow.append(
        _right_signature((data.signer_title, data.signer_name), "(Ký, ghi rõ họ tên và đóng dấu)")
    )
    return build_pdf(flow, title_text=APOLOGY_TITLE, subject=data.dossier_code)


def _hand_over(number: int, row: ControlRow) -> list[Any]:
    moment = text(moment_words(row.at), CELL)
    people = Table(
        [
            [text("Người giao", CELL_HEAD), text("Người nhận", CELL_HEAD)],
            [Spacer(1, 8), Spacer(1, 8)],
            [text(row.sender_name, CELL_CENTER), text(row.receiver_name, CELL_CENTER)],
        ]
    )
    people.setStyle(TableStyle(NO_PADDING))
    return [
        text(f"{number}. Giao: {row.from_name}\n    Nhận: {row.to_name}", CELL),
        [moment, people],
        text(OUTCOMES.get(row.outcome, ""), CELL_CENTER),
        text(row.note, CELL),
    ]


def render_control_sheet(data: ControlSheetData) -> bytes:
    """Mẫu 05: every hand-over with its time, the two people and the step's outcome."""
    flow: list[Any] = [national_header(data.agency, None, False)]
    flow += title(CONTROL_TITLE)
    flow += [_code_line(data.dossier_code)]
    flow.append(
        text(
            "(Kèm theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả số: "
            f"{data.receipt_number or BLANK * 3})",
            style("attached", italic=True, align=TA_CENTER),
        )
    )
    flow.append(Spacer(1, 4))
    flow.append(labelled("Cơ quan (bộ phận) giải quyết hồ sơ:", data.lead_agency))
    flow.append(
        labelled("Cơ quan phối hợp giải quyết hồ sơ:", "; ".join(data.coordinating_agencies))
    )
    if data.due_at is not None:
        flow.append(labelled("Thời gian trả kết quả giải quyết hồ sơ:", moment_words(data.due_at)))
    head = [
        text("TÊN CƠ QUAN", CELL_HEAD),
        text("THỜI GIAN GIAO, NHẬN HỒ SƠ", CELL_HEAD),
        text("KẾT QUẢ GIẢI QUYẾT HỒ SƠ (Trước hạn/Đúng hạn/Quá hạn)", CELL_HEAD),
        text("GHI CHÚ", CELL_HEAD),
    ]
    rows = [_hand_over(n, row) for n, row in enumerate(data.rows, start=1)]
    if not rows:
        rows = [[text("", CELL)] * 4]
    flow += [Spacer(1, 4), grid([head, *rows], [30, 36, 20, 14])]
    return build_pdf(flow, title_text=CONTROL_TITLE, subject=data.dossier_code)


__all__ = [
    "render_apology",
    "render_control_sheet",
    "render_receipt",
    "render_refusal",
    "render_supplement_request",
]
