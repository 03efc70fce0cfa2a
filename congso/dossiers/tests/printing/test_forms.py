"""Mẫu 01–05 (TT 01/2018/TT-VPCP) as PDF: the Vietnamese text, codes and dates are there."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal

from congso.dossiers.printing import (
    ApologyData,
    ComponentLine,
    ControlRow,
    ControlSheetData,
    RefusalData,
    SupplementRequestData,
    render_apology,
    render_control_sheet,
    render_receipt,
    render_refusal,
    render_supplement_request,
)
from congso.dossiers.tests.printing.conftest import VN, flat, pdf_pages

NATIONAL_HEADER = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


def test_the_receipt_prints_two_copies_with_every_field_of_mau_01(receipt):
    # given a receipt for a dossier received at 09:30 on 5 March 2020
    # when it is rendered
    pages = [flat(page) for page in pdf_pages(render_receipt(receipt))]

    # then there are two liên, each a full form
    assert len(pages) == 2
    for page in pages:
        for line in NATIONAL_HEADER:
            assert line in page
        assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH" in page
        assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in page
        assert "Mã hồ sơ: 000.00.36.H34-200305-0007" in page
        assert "Số: 07" in page
        assert "tiếp nhận hồ sơ của: Nguyễn Thị Hương" in page
        assert "Số điện thoại: 0905123456" in page
        assert "Nội dung yêu cầu giải quyết: Cấp giấy phép xây dựng nhà ở riêng lẻ" in page
        assert "Bản vẽ thiết kế xây dựng (02 bản chính, 01 bản sao)" in page
        assert "2. Số lượng hồ sơ: 01 (bộ)" in page
        assert "3. Thời gian giải quyết hồ sơ theo quy định là: 15 ngày làm việc" in page
        assert "4. Thời gian nhận hồ sơ: 09 giờ 30 phút, ngày 05 tháng 3 năm 2020" in page
        assert (
            "5. Thời gian trả kết quả giải quyết hồ sơ: 09 giờ 30 phút, ngày 26 tháng 3 năm 2020"
            in page
        )
        assert "6. Đăng ký nhận kết quả tại: Bộ phận tiếp nhận và trả kết quả" in page
        assert "Quyển số: 01 Số thứ tự: 7" in page
        assert "NGƯỜI NỘP HỒ SƠ" in page
        assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in page
        assert "Kon Tum, ngày 05 tháng 3 năm 2020" in page
    assert "Liên 1: Lưu tại Bộ phận tiếp nhận và trả kết quả" in pages[0]
    assert "Liên 2: Giao cho cá nhân, tổ chức nộp hồ sơ" in pages[1]
    # and the lookup secret is only on the applicant's copy
    assert "K7Q2" not in pages[0]
    assert "Mã tra cứu: K7Q2" in pages[1]


def test_the_receipt_shows_times_in_vietnam_time_and_fractional_days(receipt):
    # given times stored in UTC and a half-day procedure
    changed = dataclasses.replace(
        receipt,
        received_at=datetime(2020, 1, 3, 8, 5, tzinfo=UTC),
        due_at=datetime(2020, 1, 3, 9, 0, tzinfo=UTC),
        processing_days=Decimal("0.5"),
        lookup_secret="",
    )

    # when it is rendered
    pages = [flat(page) for page in pdf_pages(render_receipt(changed))]

    # then UTC+7 is printed, the month gets its leading zero and the days a decimal comma
    assert "Thời gian nhận hồ sơ: 15 giờ 05 phút, ngày 03 tháng 01 năm 2020" in pages[0]
    assert "16 giờ 00 phút, ngày 03 tháng 01 năm 2020" in pages[0]
    assert "0,5 ngày làm việc" in pages[0]
    assert "Mã tra cứu" not in pages[1]


def test_equal_receipts_give_equal_bytes(receipt):
    # given / when the same receipt is rendered twice
    # then the bytes are equal (reportlab invariant mode)
    assert render_receipt(receipt) == render_receipt(receipt)


def test_the_supplement_request_lists_what_is_missing_and_why(agency, applicant):
    # given a request to supplement one component
    data = SupplementRequestData(
        agency=agency,
        dossier_code="000.00.36.H34-200305-0008",
        applicant=applicant,
        request="Cấp giấy phép xây dựng nhà ở riêng lẻ",
        items=[ComponentLine("Bản vẽ mặt bằng móng", originals=1, copies=2, note="thiếu chữ ký")],
        reason="Bản vẽ chưa có chữ ký của chủ đầu tư",
        number="12",
        contact_unit="Bộ phận tiếp nhận và trả kết quả",
        contact_phone="0260 3862 123",
        guide_name="Trần Văn Minh",
        issued_on=date(2020, 3, 6),
    )

    # when it is rendered
    (page,) = [flat(p) for p in pdf_pages(render_supplement_request(data))]

    # then the Mẫu 02 fields are printed
    assert all(line in page for line in NATIONAL_HEADER)
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in page
    assert "Mã hồ sơ: 000.00.36.H34-200305-0008" in page
    assert "Tiếp nhận hồ sơ/yêu cầu của Ông/Bà: Nguyễn Thị Hương" in page
    assert "Yêu cầu Ông/Bà hoàn thiện hồ sơ gồm những nội dung như sau:" in page
    assert "Bản chính" in page
    assert "Bản chứng thực" in page
    assert "Bản photo" in page
    assert "Bản vẽ mặt bằng móng — thiếu chữ ký" in page
    assert "Lý do: Bản vẽ chưa có chữ ký của chủ đầu tư" in page
    assert "số điện thoại 0260 3862 123" in page
    assert "NGƯỜI HƯỚNG DẪN" in page
    assert "Kon Tum, ngày 06 tháng 3 năm 2020" in page


def test_the_refusal_states_the_concrete_reason(agency, applicant):
    # given a refusal
    data = RefusalData(
        agency=agency,
        dossier_code="000.00.36.H34-200305-0009",
        applicant=applicant,
        request="Cấp giấy phép xây dựng nhà ở riêng lẻ",
        reason="Công trình thuộc thẩm quyền cấp phép của UBND thành phố Kon Tum.",
        receiver_name="Trần Văn Minh",
    )

    # when it is rendered
    (page,) = [flat(p) for p in pdf_pages(render_refusal(data))]

    # then the Mẫu 03 wording and the reason are printed; the unknown date is left blank
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in page
    assert "Mã hồ sơ: 000.00.36.H34-200305-0009" in page
    assert "thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:" in page
    assert "thuộc thẩm quyền cấp phép của UBND thành phố Kon Tum" in page
    assert "Kon Tum, ngày … tháng … năm …" in page
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in page


def test_the_apology_gives_the_old_and_the_new_return_date(agency, applicant):
    # given a late dossier whose return date moves from 26/3 to 02/4
    data = ApologyData(
        agency=agency,
        dossier_code="000.00.36.H34-200305-0007",
        applicant=applicant,
        request="Cấp giấy phép xây dựng nhà ở riêng lẻ",
        receiving_agency="Trung tâm Phục vụ hành chính công tỉnh Kon Tum",
        received_at=datetime(2020, 3, 5, 9, 30, tzinfo=VN),
        due_at=datetime(2020, 3, 26, 9, 30, tzinfo=VN),
        new_due_at=datetime(2020, 4, 2, 15, 0, tzinfo=VN),
        reason="Chờ ý kiến thẩm định của Sở Xây dựng.",
        signer_title="Giám đốc",
        signer_name="Lê Văn Hòa",
        issued_on=date(2020, 3, 25),
    )

    # when it is rendered
    (page,) = [flat(p) for p in pdf_pages(render_apology(data))]

    # then the Mẫu 04 letter has the dossier, both dates, the reason and the apology
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in page
    assert "Kính gửi: Nguyễn Thị Hương" in page
    assert (
        "Ngày 05 tháng 3 năm 2020, Trung tâm Phục vụ hành chính công tỉnh Kon Tum tiếp nhận" in page
    )
    assert "Mã hồ sơ: 000.00.36.H34-200305-0007" in page
    assert "09 giờ 30 phút, ngày 26 tháng 3 năm 2020" in page
    assert "Lý do: Chờ ý kiến thẩm định của Sở Xây dựng." in page
    assert "xin lỗi Ông/Bà" in page
    assert "trả kết quả vào 15 giờ 00 phút, ngày 02 tháng 4 năm 2020" in page
    assert "GIÁM ĐỐC" in page
    assert "Lê Văn Hòa" in page


def test_the_control_sheet_has_one_row_per_hand_over_with_its_outcome(agency):
    # given two hand-overs, the first early, the second late
    data = ControlSheetData(
        agency=agency,
        dossier_code="000.00.36.H34-200305-0007",
        receipt_number="07",
        lead_agency="Sở Xây dựng",
        coordinating_agencies=["Sở Tài nguyên và Môi trường"],
        rows=[
            ControlRow(
                "Bộ phận tiếp nhận và trả kết quả",
                "Sở Xây dựng",
                datetime(2020, 3, 5, 14, 0, tzinfo=VN),
                sender_name="Trần Văn Minh",
                receiver_name="Phạm Thị Lan",
                outcome="early",
            ),
            ControlRow(
                "Sở Xây dựng",
                "Sở Tài nguyên và Môi trường",
                datetime(2020, 3, 20, 8, 15, tzinfo=VN),
                outcome="late",
                note="Chậm 1 ngày",
            ),
        ],
    )

    # when it is rendered
    (page,) = [flat(p) for p in pdf_pages(render_control_sheet(data))]

    # then the Mẫu 05 table carries each hand-over
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in page
    assert "(Kèm theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả số: 07)" in page
    assert "Cơ quan phối hợp giải quyết hồ sơ: Sở Tài nguyên và Môi trường" in page
    for heading in ("TÊN CƠ QUAN", "THỜI GIAN GIAO, NHẬN HỒ SƠ", "GHI CHÚ"):
        assert heading in page
    assert "1. Giao: Bộ phận tiếp nhận và trả kết quả" in page
    assert "2. Giao: Sở Xây dựng" in page
    assert "14 giờ 00 phút, ngày 05 tháng 3 năm 2020" in page
    assert "08 giờ 15 phút, ngày 20 tháng 3 năm 2020" in page
    assert "Trước hạn" in page
    assert "Quá hạn" in page
    assert "Chậm 1 ngày" in page
    assert "Người giao" in page
    assert "Phạm Thị Lan" in page
