"""Dossier → form data: what the desk prints comes from the dossier, its steps and events."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from congso.accounts.tests.factories import StaffUserFactory
from congso.core.identity import Role
from congso.dossiers.constants import DossierStatus, EventKind, ResultChannel, StepOutcome
from congso.dossiers.printing import (
    render_apology,
    render_control_sheet,
    render_receipt,
    render_refusal,
    render_supplement_request,
    render_tracking_book_pdf,
    render_tracking_book_xlsx,
)
from congso.dossiers.printing.builders import (
    apology_data,
    control_sheet_data,
    receipt_data,
    refusal_data,
    supplement_request_data,
    tracking_book_data,
)
from congso.dossiers.tests.factories import (
    DossierComponentFileFactory,
    DossierEventFactory,
    DossierStepFactory,
    ReceivedDossierFactory,
)
from congso.dossiers.tests.printing.conftest import VN, flat, pdf_pages
from congso.organizations.tests.factories import AgencyFactory
from congso.procedures.tests.factories import ProcedureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    province = AgencyFactory(name="UBND tỉnh Kon Tum")
    return AgencyFactory(
        name="Trung tâm Phục vụ hành chính công tỉnh", parent=province, place_name="Kon Tum"
    )


@pytest.fixture
def officer(desk):
    return StaffUserFactory(agency=desk, full_name="Trần Văn Minh", roles=[Role.ONE_STOP_OFFICER])


@pytest.fixture
def dossier(desk, officer):
    procedure = ProcedureFactory(
        name="Cấp giấy phép xây dựng nhà ở riêng lẻ",
        processing_days=Decimal("15.0"),
        receiving_agencies=[desk],
    )
    received = datetime(2020, 3, 5, 9, 30, tzinfo=VN)
    made = ReceivedDossierFactory(
        procedure=procedure,
        code="000.00.36.H34-200305-0007",
        applicant_name="Nguyễn Thị Hương",
        received_at=received,
        legal_due_at=datetime(2020, 3, 26, 17, 0, tzinfo=VN),
        receipt_number="7/2020",
        register_book="2020",
        register_seq=7,
        result_channel=ResultChannel.POST,
    )
    DossierEventFactory(dossier=made, kind=EventKind.RECEIVED, actor=officer, at=received)
    return made


def test_the_receipt_is_built_from_the_received_dossier(dossier):
    # given a received dossier with a file for its first component only
    first = dossier.procedure.components.order_by("order").first()
    DossierComponentFileFactory(dossier=dossier, component_code=first.code)

    # when its Mẫu 01 is built and printed
    data = receipt_data(dossier, lookup_secret="K7Q2MN3P")
    pages = [flat(p) for p in pdf_pages(render_receipt(data))]

    # then the receipt carries the dossier's own facts
    assert data.agency.parent_name == "UBND tỉnh Kon Tum"
    assert [c.name for c in data.components] == [first.name]
    assert data.receiver_name == "Trần Văn Minh"
    assert "Mã hồ sơ: 000.00.36.H34-200305-0007" in pages[0]
    assert "Số: 7/2020" in pages[0]
    assert "15 ngày làm việc" in pages[0]
    assert "09 giờ 30 phút, ngày 05 tháng 3 năm 2020" in pages[0]
    assert "17 giờ 00 phút, ngày 26 tháng 3 năm 2020" in pages[0]
    assert "qua dịch vụ bưu chính công ích" in pages[0]
    assert "Quyển số: 2020 Số thứ tự: 7" in pages[0]
    assert "Mã tra cứu: K7Q2MN3P" in pages[1]


def test_a_paper_dossier_lists_every_component_of_the_procedure(dossier):
    # given a dossier without uploaded files (taken on paper at the counter)
    # when its receipt is built
    data = receipt_data(dossier)

    # then every component of the procedure is listed
    assert [c.name for c in data.components] == list(
        dossier.procedure.components.order_by("order").values_list("name", flat=True)
    )


def test_the_supplement_request_repeats_what_the_officer_asked(dossier, officer):
    # given a request to supplement naming one component by code and one free item
    code = dossier.procedure.components.order_by("order").first().code
    DossierEventFactory(
        dossier=dossier,
        kind=EventKind.SUPPLEMENT_REQUESTED,
        actor=officer,
        at=datetime(2020, 3, 6, 10, 0, tzinfo=VN),
        data={
            "items": [code, {"name": "Bản vẽ mặt bằng", "note": "thiếu chữ ký"}],
            "reason": "Hồ sơ chưa đủ",
        },
    )

    # when Mẫu 02 is built and printed
    data = supplement_request_data(dossier)
    (page,) = [flat(p) for p in pdf_pages(render_supplement_request(data))]

    # then
    assert len(data.items) == 2
    assert "Bản vẽ mặt bằng — thiếu chữ ký" in page
    assert "Lý do: Hồ sơ chưa đủ" in page
    assert "Kon Tum, ngày 06 tháng 3 năm 2020" in page
    assert "Trần Văn Minh" in page


def test_the_refusal_prints_the_stored_reason(dossier, officer):
    # given a refused dossier
    dossier.status = DossierStatus.REFUSED
    dossier.refusal_reason = "Không thuộc thẩm quyền giải quyết"
    dossier.save()
    DossierEventFactory(dossier=dossier, kind=EventKind.REFUSED, actor=officer)

    # when / then
    (page,) = [flat(p) for p in pdf_pages(render_refusal(refusal_data(dossier)))]
    assert "Không thuộc thẩm quyền giải quyết" in page
    assert "Mã hồ sơ: 000.00.36.H34-200305-0007" in page


def test_the_apology_shows_the_old_and_the_new_date(dossier):
    # given an extended dossier
    leader = StaffUserFactory(agency=dossier.handling_agency, full_name="Lê Văn Hòa")
    dossier.extended_due_at = datetime(2020, 4, 2, 17, 0, tzinfo=VN)
    dossier.extension_reason = "Chờ kết quả thẩm định"
    dossier.save()
    DossierEventFactory(
        dossier=dossier,
        kind=EventKind.EXTENDED,
        actor=leader,
        at=datetime(2020, 3, 25, 9, 0, tzinfo=VN),
    )

    # when / then
    (page,) = [flat(p) for p in pdf_pages(render_apology(apology_data(dossier)))]
    assert "17 giờ 00 phút, ngày 26 tháng 3 năm 2020" in page
    assert "trả kết quả vào 17 giờ 00 phút, ngày 02 tháng 4 năm 2020" in page
    assert "Lý do: Chờ kết quả thẩm định" in page
    assert "Lê Văn Hòa" in page


def test_the_control_sheet_has_a_row_per_step(dossier, officer):
    # given two hand-overs, the first finished early, the second to another agency
    construction = AgencyFactory(name="Sở Xây dựng")
    at = datetime(2020, 3, 5, 14, 0, tzinfo=VN)
    DossierStepFactory(
        dossier=dossier,
        agency=dossier.handling_agency,
        sender=officer,
        received_at=at,
        due_at=at + timedelta(days=2),
        finished_at=at + timedelta(hours=3),
        outcome=StepOutcome.EARLY,
    )
    DossierStepFactory(
        dossier=dossier,
        agency=construction,
        received_at=at + timedelta(days=1),
        due_at=at + timedelta(days=5),
    )

    # when
    data = control_sheet_data(dossier)
    (page,) = [flat(p) for p in pdf_pages(render_control_sheet(data))]

    # then
    assert [row.outcome for row in data.rows] == ["early", ""]
    assert data.coordinating_agencies == ["Sở Xây dựng"]
    assert "1. Giao: Bộ phận tiếp nhận và trả kết quả" in page
    assert "Trước hạn" in page
    assert "14 giờ 00 phút, ngày 05 tháng 3 năm 2020" in page


def test_the_tracking_book_lists_the_period_received_at_the_agency(
    dossier, desk, django_assert_max_num_queries
):
    # given a second dossier in March, one in April and one of another agency
    ReceivedDossierFactory(
        procedure=dossier.procedure,
        code="000.00.36.H34-200310-0001",
        received_at=datetime(2020, 3, 10, 8, 0, tzinfo=VN),
    )
    ReceivedDossierFactory(
        procedure=dossier.procedure,
        code="000.00.36.H34-200401-0001",
        received_at=datetime(2020, 4, 1, 8, 0, tzinfo=VN),
    )
    ReceivedDossierFactory(code="OTHER-1", received_at=datetime(2020, 3, 11, 8, 0, tzinfo=VN))

    # when the March book is built (a fixed number of queries, whatever the rows)
    with django_assert_max_num_queries(3):
        book = tracking_book_data(desk, date(2020, 3, 1), date(2020, 3, 31))
        rows = list(book.rows)
    book.rows = rows

    # then only March at this desk, in order of receipt, in both outputs
    assert [r.dossier_code for r in rows] == [
        "000.00.36.H34-200305-0007",
        "000.00.36.H34-200310-0001",
    ]
    assert "000.00.36.H34-200310-0001" in flat(" ".join(pdf_pages(render_tracking_book_pdf(book))))
    sheet = load_workbook(io.BytesIO(render_tracking_book_xlsx(book))).active
    codes = [row[1] for row in sheet.iter_rows(values_only=True)]
    assert "000.00.36.H34-200305-0007" in codes
    assert "000.00.36.H34-200401-0001" not in codes
