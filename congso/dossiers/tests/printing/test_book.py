"""Mẫu 06 — Sổ theo dõi hồ sơ as PDF and Excel."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

from openpyxl import load_workbook

from congso.dossiers.printing import (
    TrackingBookData,
    TrackingRow,
    render_tracking_book_pdf,
    render_tracking_book_xlsx,
)
from congso.dossiers.printing.book import COLUMNS
from congso.dossiers.tests.printing.conftest import VN, flat, pdf_pages


def _row(seq: int, **changes) -> TrackingRow:
    values: dict[str, Any] = {
        "seq": seq,
        "dossier_code": f"000.00.36.H34-200305-{seq:04d}",
        "procedure_name": "Cấp giấy phép xây dựng nhà ở riêng lẻ",
        "applicant_name": "Nguyễn Thị Hương",
        "address_phone": "12 Lê Lợi; 0905123456",
        "lead_agency": "Sở Xây dựng",
        "received_at": datetime(2020, 3, 5, 9, 30, tzinfo=VN),
        "due_at": datetime(2020, 3, 26, 9, 30, tzinfo=VN),
    }
    values.update(changes)
    return TrackingRow(**values)


def _book(agency, rows) -> TrackingBookData:
    return TrackingBookData(
        agency=agency,
        period_start=date(2020, 3, 1),
        period_end=date(2020, 3, 31),
        rows=rows,
        book_number="01",
    )


def test_the_book_pdf_has_the_headings_and_every_dossier(agency):
    # given 450 dossiers (more than one table chunk), the first one returned
    rows = [_row(1, returned_at=datetime(2020, 3, 20, 10, 0, tzinfo=VN), note="Trước hạn")]
    rows += [_row(n) for n in range(2, 451)]

    # when the book is rendered
    pages = [flat(page) for page in pdf_pages(render_tracking_book_pdf(_book(agency, iter(rows))))]
    everything = " ".join(pages)

    # then the title block and the column headings are there, on every page the headings repeat
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in pages[0]
    assert "SỔ THEO DÕI HỒ SƠ" in pages[0]
    assert "Quyển số: 01" in pages[0]
    assert "Từ ngày 01/03/2020 đến ngày 31/03/2020" in pages[0]
    assert len(pages) > 2
    assert all("Hẹn trả kết quả" in page and "Mã hồ sơ" in page for page in pages)
    # and every dossier code is printed, with the dates in local time
    for n in (1, 2, 300, 301, 450):
        assert f"000.00.36.H34-200305-{n:04d}" in everything
    assert "20/03/2020 10:00" in pages[0]
    assert "Trang 1" in pages[0]


def test_an_empty_period_says_so(agency):
    # given / when a period without dossiers is rendered
    (page,) = [flat(p) for p in pdf_pages(render_tracking_book_pdf(_book(agency, [])))]

    # then
    assert "Không có hồ sơ nào trong kỳ." in page


def test_the_book_excel_keeps_dates_as_dates(agency):
    # given two dossiers, the second handed over and returned
    rows = [
        _row(1),
        _row(
            2,
            sets_count=2,
            forwarded_at=datetime(2020, 3, 5, 14, 0, tzinfo=VN),
            result_received_at=datetime(2020, 3, 19, 16, 30, tzinfo=VN),
            returned_at=datetime(2020, 3, 20, 8, 0, tzinfo=VN),
            note="Trước hạn",
        ),
    ]

    # when the book is exported to Excel
    workbook = load_workbook(io.BytesIO(render_tracking_book_xlsx(_book(agency, rows))))
    sheet = workbook.active

    # then the title block, the grouped headings and the rows are there
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[3][0] == "SỔ THEO DÕI HỒ SƠ"
    assert "Từ ngày 01/03/2020 đến ngày 31/03/2020" in values[4][0]
    heading_row = next(i for i, row in enumerate(values) if row[0] == "TT")
    headings = [
        values[heading_row][i] if not in_group else values[heading_row + 1][i]
        for i, (_name, _w, in_group) in enumerate(COLUMNS)
    ]
    assert headings == [name for name, _w, _g in COLUMNS]
    assert "Ngày, tháng, năm" in values[heading_row]
    assert values[heading_row + 2][:3] == ["(1)", "(2)", "(3)"]
    first, second = values[heading_row + 3], values[heading_row + 4]
    assert first[:4] == [1, "000.00.36.H34-200305-0001", "Cấp giấy phép xây dựng nhà ở riêng lẻ", 1]
    assert first[7] == datetime(2020, 3, 5, 9, 30)
    assert first[9] is None
    assert second[3] == 2
    assert second[9:12] == [
        datetime(2020, 3, 5, 14, 0),
        datetime(2020, 3, 19, 16, 30),
        datetime(2020, 3, 20, 8, 0),
    ]
    assert second[12] == "Trước hạn"
    assert sheet.cell(row=heading_row + 4, column=8).number_format == "dd/mm/yyyy hh:mm"
