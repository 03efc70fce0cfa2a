"""Sổ đăng ký văn bản đến / đi and the handling report: content, PDF and Excel output."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from congso.accounts.tests.factories import StaffUserFactory
from congso.core.errors import PermissionDenied, ValidationFailed
from congso.core.identity import Role
from congso.documents.constants import AssignmentRole, AssignmentStatus, Direction, OutgoingStatus
from congso.documents.models import Assignment, DocumentRegister, SecretAccessGrant
from congso.documents.reports.excel import report_xlsx
from congso.documents.reports.pdf import report_pdf
from congso.documents.services.registers_report import (
    handling_lines,
    handling_report,
    incoming_register_report,
    outgoing_register_report,
)
from congso.documents.tests.factories import (
    IncomingDocumentFactory,
    OutgoingDocumentFactory,
    secrecy,
)
from congso.organizations.tests.factories import AgencyFactory, InternalUnitFactory

pytestmark = pytest.mark.django_db

MARCH = (dt.date(2020, 3, 1), dt.date(2020, 3, 31))


def _at(day: int, month: int = 3) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2020, month, day, 9))


@pytest.fixture
def agency():
    parent = AgencyFactory.create(name="UBND tỉnh Kon Tum")
    return AgencyFactory.create(name="Sở Thông tin và Truyền thông", parent=parent)


@pytest.fixture
def clerk(agency):
    return StaffUserFactory.create(agency=agency, roles=[Role.CLERK])


@pytest.fixture
def incoming(agency, clerk):
    books = {
        secret: DocumentRegister.objects.create(
            agency=agency, year=2020, direction=Direction.INCOMING, is_secret=secret
        )
        for secret in (False, True)
    }

    def make(number: int, **fields):
        secret = fields.pop("secret", False)
        if secret:
            fields.update(is_secret=True, secrecy=secrecy("mat"))
        fields.setdefault("arrived_at", _at(10))
        return IncomingDocumentFactory.create(
            agency=agency,
            register=books[secret],
            arrival_number=number,
            registered_by=clerk,
            **fields,
        )

    return make


def test_the_incoming_register_lists_the_period_in_number_order(incoming, clerk):
    # given
    second = incoming(2, subject="Công văn về việc cấp phép tần số", arrived_at=_at(12))
    first = incoming(1, subject="Kế hoạch chuyển đổi số", organ_name="Sở Nội vụ")
    incoming(3, arrived_at=_at(2, month=4))
    incoming(1, secret=True)
    # when
    report = incoming_register_report(user=clerk, start=MARCH[0], end=MARCH[1])
    rows = list(report.rows)
    # then
    assert [row[1] for row in rows] == [1, 2]
    assert rows[0][:6] == [
        "10/03/2020",
        1,
        "Sở Nội vụ",
        first.number_notation,
        "06/01/2020",
        "Công văn: Kế hoạch chuyển đổi số",
    ]
    assert str(rows[1][5]).endswith(second.subject)
    assert len(report.columns) == 10


def test_the_receiver_and_transfer_day_come_from_the_distribution(incoming, clerk, agency):
    # given
    unit = InternalUnitFactory.create(parent=agency, name="Phòng Bưu chính, Viễn thông")
    document = incoming(1)
    Assignment.objects.create(
        document=document, role=AssignmentRole.LEAD, unit=unit, assigned_by=clerk
    )
    # when
    row = next(iter(incoming_register_report(user=clerk, start=MARCH[0], end=MARCH[1]).rows))
    # then
    assert row[6] == "Phòng Bưu chính, Viễn thông"
    assert row[7] == timezone.localdate().strftime("%d/%m/%Y")


def test_the_secret_book_lists_only_granted_documents(incoming, clerk):
    # given
    granted = incoming(1, secret=True, subject="Văn bản mật được cấp quyền")
    incoming(2, secret=True, subject="Văn bản mật khác")
    SecretAccessGrant.objects.create(incoming=granted, user=clerk, granted_by=clerk)
    # when
    rows = list(
        incoming_register_report(user=clerk, start=MARCH[0], end=MARCH[1], secret=True).rows
    )
    # then
    assert [row[1] for row in rows] == [1]


def test_the_register_pdf_has_vietnamese_text_and_an_embedded_font(incoming, clerk):
    # given
    incoming(1, subject="Công văn về việc triển khai Đề án 06 ở Đắk Hà")
    report = incoming_register_report(user=clerk, start=MARCH[0], end=MARCH[1])
    # when
    data = report_pdf(report)
    # then
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in text
    assert "SỞ THÔNG TIN VÀ TRUYỀN THÔNG" in text
    assert "Đắk Hà" in text
    assert "Từ ngày 01/03/2020 đến ngày 31/03/2020" in text
    assert "Trang 1" in text
    assert b"/FontFile2" in data
    page = PdfReader(io.BytesIO(data)).pages[0]
    assert page.mediabox.width > page.mediabox.height  # landscape


def test_a_long_register_spans_pages_with_numbers(incoming, clerk):
    # given
    for number in range(1, 61):
        incoming(number)
    # when
    data = report_pdf(incoming_register_report(user=clerk, start=MARCH[0], end=MARCH[1]))
    # then
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) > 1
    assert f"Trang {len(reader.pages)}" in reader.pages[-1].extract_text()
    assert "Số đến" in reader.pages[1].extract_text()  # headings repeat


def test_the_register_excel_has_the_rows_in_cells(incoming, clerk):
    # given
    incoming(1, subject="Giấy mời họp giao ban", organ_name="Văn phòng UBND tỉnh")
    # when
    data = report_xlsx(incoming_register_report(user=clerk, start=MARCH[0], end=MARCH[1]))
    # then
    sheet = load_workbook(io.BytesIO(data)).active
    values = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    heading = values.index(
        [
            "Ngày đến",
            "Số đến",
            "Tác giả",
            "Số, ký hiệu văn bản",
            "Ngày tháng văn bản",
            "Tên loại và trích yếu nội dung văn bản",
            "Đơn vị hoặc người nhận",
            "Ngày chuyển",
            "Ký nhận",
            "Ghi chú",
        ]
    )
    assert values[0][0] == "UBND TỈNH KON TUM"
    assert values[heading + 1][:3] == ["(1)", "(2)", "(3)"]
    data_row = values[heading + 2]
    assert data_row[:3] == ["10/03/2020", 1, "Văn phòng UBND tỉnh"]
    assert data_row[5] == "Công văn: Giấy mời họp giao ban"


def test_the_outgoing_register_lists_issued_documents(agency, clerk):
    # given
    book = DocumentRegister.objects.create(agency=agency, year=2020, direction=Direction.OUTGOING)
    issued = OutgoingDocumentFactory.create(
        agency=agency,
        register=book,
        code_number=5,
        code_notation="STTTT-VP",
        issued_on=dt.date(2020, 3, 5),
        issued_at=_at(5),
        status=OutgoingStatus.ISSUED,
        signer_full_name="Phan Văn Hùng",
        issued_amount=3,
        storage_note="Lưu: VT, VP.",
        subject="V/v báo cáo ứng dụng CNTT",
    )
    issued.recipients.create(name="UBND huyện Đắk Tô")
    issued.recipients.create(name="Sở Tài chính")
    OutgoingDocumentFactory.create(agency=agency, subject="Dự thảo chưa ban hành")
    # when
    rows = list(outgoing_register_report(user=clerk, start=MARCH[0], end=MARCH[1]).rows)
    # then
    assert rows == [
        [
            "05/STTTT-VP",
            "05/03/2020",
            "Công văn: V/v báo cáo ứng dụng CNTT",
            "Phan Văn Hùng",
            "UBND huyện Đắk Tô; Sở Tài chính",
            "Lưu: VT, VP.",
            3,
            "05/03/2020",
            "",
            "",
        ]
    ]


@pytest.mark.parametrize("role", [Role.SPECIALIST, Role.ONE_STOP_OFFICER])
def test_registers_are_for_clerks_and_leaders(agency, role):
    # given
    user = StaffUserFactory.create(agency=agency, roles=[role])
    # when / then
    with pytest.raises(PermissionDenied):
        incoming_register_report(user=user, start=MARCH[0], end=MARCH[1])


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [
        (None, dt.date(2020, 1, 1), "period_required"),
        (dt.date(2020, 2, 1), dt.date(2020, 1, 1), "period_reversed"),
        (dt.date(2010, 1, 1), dt.date(2020, 1, 1), "period_too_long"),
    ],
)
def test_a_bad_period_is_refused(clerk, start, end, code):
    # when / then
    with pytest.raises(ValidationFailed) as error:
        incoming_register_report(user=clerk, start=start, end=end)
    assert error.value.code == code


# --- handling report ---------------------------------------------------------------------------


@pytest.fixture
def handled(agency, clerk, incoming):
    """Unit A: on time, late, in progress, overdue; unit B: one done without deadline."""
    unit_a = InternalUnitFactory.create(parent=agency, name="Phòng A")
    unit_b = InternalUnitFactory.create(parent=agency, name="Phòng B")
    worker = StaffUserFactory.create(agency=agency, unit=unit_a, full_name="Lê Văn Xử")
    today = timezone.localdate()
    cases = [
        (unit_a, AssignmentStatus.DONE, today - dt.timedelta(days=1), _at(20)),
        (unit_a, AssignmentStatus.DONE, dt.date(2020, 3, 15), _at(20)),
        (unit_a, AssignmentStatus.IN_PROGRESS, today + dt.timedelta(days=3), None),
        (unit_a, AssignmentStatus.PENDING, dt.date(2020, 3, 20), None),
        (unit_b, AssignmentStatus.DONE, None, _at(21)),
    ]
    for number, (unit, status, due_on, completed_at) in enumerate(cases, start=1):
        top = Assignment.objects.create(
            document=incoming(number),
            role=AssignmentRole.LEAD,
            unit=unit,
            assigned_by=clerk,
            status=status,
            due_on=due_on,
            completed_at=completed_at,
        )
        if unit == unit_a:
            Assignment.objects.create(
                document=top.document,
                parent=top,
                role=AssignmentRole.LEAD,
                assignee=worker,
                assigned_by=clerk,
                status=status,
                due_on=due_on,
                completed_at=completed_at,
            )
    reassigned = incoming(9)
    Assignment.objects.create(
        document=reassigned,
        role=AssignmentRole.LEAD,
        unit=unit_b,
        assigned_by=clerk,
        status=AssignmentStatus.REASSIGNED,
    )
    return unit_a, unit_b, worker


def test_handling_counts_per_unit(clerk, handled):
    # given
    unit_a, unit_b, _worker = handled
    # when
    _period, lines = handling_lines(user=clerk, start=MARCH[0], end=MARCH[1])
    # then
    counts = {line.name: line.cells()[1:] for line in lines}
    assert counts == {"Phòng A": [4, 1, 1, 1, 1], "Phòng B": [1, 1, 0, 0, 0]}


def test_handling_counts_per_person(clerk, handled):
    # when
    _period, lines = handling_lines(user=clerk, start=MARCH[0], end=MARCH[1], group_by="person")
    # then
    assert [(line.name, line.cells()[1:]) for line in lines] == [("Lê Văn Xử", [4, 1, 1, 1, 1])]


def test_a_unit_head_sees_the_report_of_their_unit_only(agency, handled):
    # given
    unit_a, unit_b, _worker = handled
    head = StaffUserFactory.create(agency=agency, unit=unit_a, roles=[Role.LEADER])
    specialist = StaffUserFactory.create(agency=agency, unit=unit_a, roles=[Role.SPECIALIST])
    # when
    _period, lines = handling_lines(user=head, start=MARCH[0], end=MARCH[1], unit_id=unit_a.pk)
    # then
    assert [line.name for line in lines] == ["Phòng A"]
    with pytest.raises(PermissionDenied):
        handling_lines(user=specialist, start=MARCH[0], end=MARCH[1], unit_id=unit_a.pk)


def test_a_unit_of_another_agency_is_refused(clerk):
    # given
    foreign_unit = InternalUnitFactory.create()
    # when / then
    with pytest.raises(ValidationFailed):
        handling_lines(user=clerk, start=MARCH[0], end=MARCH[1], unit_id=foreign_unit.pk)


def test_the_handling_report_renders_with_totals(clerk, handled):
    # when
    report = handling_report(user=clerk, start=MARCH[0], end=MARCH[1])
    pdf = report_pdf(report)
    sheet = load_workbook(io.BytesIO(report_xlsx(report))).active
    # then
    assert report.totals == ["", "Tổng cộng", 5, 2, 1, 1, 1]
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "BÁO CÁO TÌNH HÌNH GIẢI QUYẾT VĂN BẢN ĐẾN" in text
    assert "Phòng A" in text
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[-1]) == [None, "Tổng cộng", 5, 2, 1, 1, 1]
