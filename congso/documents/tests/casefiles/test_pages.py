"""Case file pages (/van-ban/ho-so/): list, create, build, close, export; refusals on the page."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from congso.accounts.tests.factories import StaffUserFactory
from congso.core.identity import Role
from congso.documents.constants import Direction
from congso.documents.models import CaseFile, DocumentRegister
from congso.documents.services.casefiles import (
    CaseFileData,
    case_file_add_document,
    case_file_create,
)
from congso.documents.tests.factories import IncomingDocumentFactory
from congso.organizations.tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db
LIST = reverse("documents:casefile-list")


@pytest.fixture
def agency():
    return AgencyFactory.create(code_qcvn102="000.00.12.H34")


@pytest.fixture
def clerk(agency):
    return StaffUserFactory.create(agency=agency, roles=[Role.CLERK])


@pytest.fixture
def browser(clerk):
    client = Client()
    client.force_login(clerk)
    return client


@pytest.fixture
def document(agency):
    register = DocumentRegister.objects.create(
        agency=agency, year=2020, direction=Direction.INCOMING
    )

    def make(**fields):
        return IncomingDocumentFactory.create(agency=agency, register=register, **fields)

    return make


def _case_file(user, notation="01.TH", documents=()):
    case_file = case_file_create(
        user=user,
        data=CaseFileData(
            notation=notation, title="Hồ sơ hội nghị", maintenance="10 năm", rights="Công khai"
        ),
    )
    for doc in documents:
        case_file_add_document(
            user=user, case_file_id=case_file.pk, direction="incoming", document_id=doc.pk
        )
    return case_file


def _url(name, case_file, *args):
    return reverse(f"documents:casefile-{name}", args=[case_file.pk, *args])


def _order(case_file):
    return list(case_file.items.order_by("ordinal").values_list("incoming_id", flat=True))


def test_the_list_shows_only_the_agencys_case_files_with_totals(
    browser, clerk, document, django_assert_max_num_queries
):
    # given
    _case_file(clerk, "01.TH", [document(page_amount=2), document(page_amount=5)])
    outsider = StaffUserFactory.create(agency=AgencyFactory.create(), roles=[Role.CLERK])
    _case_file(outsider, "99.KHAC")
    # when
    with django_assert_max_num_queries(12):
        response = browser.get(LIST)
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert "01.TH" in page
    assert "99.KHAC" not in page
    assert [(c.doc_total, c.page_total) for c in response.context["case_files"]] == [(2, 7)]


def test_a_case_file_is_created_through_the_form(browser, clerk):
    # when
    response = browser.post(
        LIST,
        {
            "notation": "02.VP",
            "title": "Hồ sơ   tổ chức hội nghị",
            "year": "2025",
            "maintenance": "Vĩnh viễn",
            "rights": "Hạn chế",
            "language": "",
            "start_on": "15/03/2025",
            "description": "Ghi chú",
        },
    )
    # then
    case_file = CaseFile.objects.get(notation="02.VP")
    assert response.status_code == 302
    assert response["Location"] == _url("detail", case_file)
    assert (case_file.title, case_file.year, case_file.language) == (
        "Hồ sơ tổ chức hội nghị",
        2025,
        "Tiếng Việt",
    )
    assert case_file.start_on == date(2025, 3, 15)
    assert case_file.creator == clerk


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"notation": "01.TH"}, "Số và ký hiệu hồ sơ đã dùng trong năm"),
        ({"year": "1900"}, "Năm hình thành hồ sơ không hợp lệ."),
        ({"title": ""}, "Trường này là bắt buộc"),
    ],
)
def test_bad_create_input_shows_a_vietnamese_message_and_creates_nothing(
    browser, clerk, fields, message
):
    # given
    _case_file(clerk, "01.TH")
    data = {"notation": "03.TH", "title": "T", "maintenance": "10 năm", "rights": "Công khai"}
    # when
    response = browser.post(LIST, {**data, **fields}, HTTP_ACCEPT_LANGUAGE="vi")
    # then
    assert response.status_code == 400
    assert message in response.content.decode()
    assert CaseFile.objects.count() == 1


def test_an_empty_create_form_ties_each_message_to_its_field_and_sums_up(browser, clerk):
    # given the form sent empty
    # when
    response = browser.post(LIST, {}, HTTP_ACCEPT_LANGUAGE="vi")
    # then each required field points at its own message, and the form starts with a summary
    html = response.content.decode()
    assert response.status_code == 400
    assert "Vui lòng kiểm tra lại các ô được đánh dấu bên dưới." in html
    for name in ("notation", "title"):
        assert f'aria-describedby="id_{name}_error"' in html
        assert f'id="id_{name}_error"' in html


def test_the_detail_page_lists_documents_in_order_with_links(browser, clerk, document):
    # given
    first, second = document(subject="Giấy mời họp"), document(subject="Kế hoạch tổ chức")
    case_file = _case_file(clerk, documents=[first, second])
    # when
    response = browser.get(_url("detail", case_file))
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("Giấy mời họp") < page.index("Kế hoạch tổ chức")
    assert reverse("documents:incoming-detail", args=[first.pk]) in page
    assert _url("export", case_file, "pdf") in page


def test_documents_are_added_by_id_and_from_the_recent_list(browser, clerk, document):
    # given
    case_file = _case_file(clerk)
    typed, picked = document(), document()
    # when
    by_id = browser.post(
        _url("add", case_file), {"direction": "incoming", "document_id": str(typed.pk)}
    )
    by_pick = browser.post(_url("add", case_file), {"recent": f"incoming:{picked.pk}"})
    # then
    assert by_id.status_code == by_pick.status_code == 302
    assert _order(case_file) == [typed.pk, picked.pk]


def test_documents_move_and_are_removed(browser, clerk, document):
    # given
    first, second, third = document(), document(), document()
    case_file = _case_file(clerk, documents=[first, second, third])
    last_item = case_file.items.get(incoming=third)
    first_item = case_file.items.get(incoming=first)
    # when
    browser.post(_url("move", case_file), {"item_id": last_item.pk, "huong": "len"})
    browser.post(_url("move", case_file), {"item_id": first_item.pk, "huong": "xuong"})
    moved = _order(case_file)
    response = browser.post(_url("remove", case_file), {"item_id": first_item.pk})
    # then
    assert moved == [third.pk, first.pk, second.pk]
    assert response.status_code == 302
    assert _order(case_file) == [third.pk, second.pk]
    assert list(case_file.items.order_by("ordinal").values_list("ordinal", flat=True)) == [1, 2]


def test_a_case_file_is_closed_and_then_refuses_changes_on_the_page(browser, clerk, document):
    # given
    case_file = _case_file(clerk, documents=[document()])
    # when
    closed = browser.post(_url("close", case_file), {"end_on": ""})
    refused = browser.post(
        _url("add", case_file), {"direction": "incoming", "document_id": str(document().pk)}
    )
    # then
    case_file.refresh_from_db()
    assert closed.status_code == 302
    assert case_file.is_closed
    assert refused.status_code == 409
    assert "Hồ sơ đã kết thúc, không thể thay đổi." in refused.content.decode()
    assert case_file.items.count() == 1


@pytest.mark.parametrize(
    ("action", "data", "status", "message"),
    [
        ("close", {"end_on": ""}, 400, "Hồ sơ chưa có văn bản nào."),
        ("close", {"end_on": "không phải ngày"}, 400, "Thời gian kết thúc không hợp lệ"),
        ("add", {"direction": "incoming", "document_id": "999999"}, 404, ""),
        ("add", {}, 400, "Chọn một văn bản gần đây, hoặc nhập loại và mã văn bản."),
        ("add", {"recent": "incoming:abc"}, 400, ""),
        ("move", {"item_id": "12345", "huong": "len"}, 400, "Không xác định được văn bản"),
        ("remove", {"item_id": "12345"}, 400, "Văn bản không có trong hồ sơ."),
        ("remove", {"item_id": "x"}, 400, "Không xác định được văn bản"),
    ],
)
def test_bad_actions_show_a_vietnamese_message_and_change_nothing(
    browser, clerk, action, data, status, message
):
    # given
    case_file = _case_file(clerk)
    # when
    response = browser.post(_url(action, case_file), data)
    # then
    case_file.refresh_from_db()
    assert response.status_code == status
    assert message in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    assert not case_file.is_closed
    assert case_file.items.count() == 0


@pytest.mark.parametrize(
    ("fmt", "content_type", "start"),
    [("pdf", "application/pdf", b"%PDF"), ("xml", "application/xml", b"<?xml")],
)
def test_exports_are_served_with_type_and_a_safe_file_name(
    browser, clerk, document, fmt, content_type, start
):
    # given
    case_file = _case_file(clerk, documents=[document(page_amount=3)])
    # when
    response = browser.get(_url("export", case_file, fmt))
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response.content.startswith(start)
    assert response["Content-Disposition"] == (
        f"attachment; filename*=UTF-8''ho-so-{case_file.year}-{case_file.pk}.{fmt}"
    )


def test_an_unknown_export_format_is_a_400_with_a_message(browser, clerk):
    case_file = _case_file(clerk)
    response = browser.get(_url("export", case_file, "docx"))
    assert response.status_code == 400
    assert "Định dạng xuất không hỗ trợ." in response.content.decode()


@pytest.mark.parametrize(
    ("method", "name", "args", "data"),
    [
        ("get", "detail", (), None),
        ("get", "export", ("pdf",), None),
        ("post", "add", (), {"direction": "incoming", "document_id": "1"}),
        ("post", "move", (), {"item_id": "1", "huong": "len"}),
        ("post", "remove", (), {"item_id": "1"}),
        ("post", "close", (), {"end_on": ""}),
    ],
)
def test_another_agencys_case_file_is_a_404(browser, method, name, args, data):
    # given
    outsider = StaffUserFactory.create(agency=AgencyFactory.create(), roles=[Role.CLERK])
    case_file = _case_file(outsider)
    # when
    response = getattr(browser, method)(_url(name, case_file, *args), data or {})
    # then
    assert response.status_code == 404
    case_file.refresh_from_db()
    assert not case_file.is_closed


def test_citizens_are_sent_away(client):
    from congso.accounts.tests.factories import CitizenUserFactory

    client.force_login(CitizenUserFactory.create())
    response = client.get(LIST)
    assert response.status_code == 302
    assert not response["Location"].startswith(LIST)
