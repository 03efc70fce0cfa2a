"""Public pages: the home page, the deadline calculator, the language switch, error pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from congso.accounts.tests.factories import StaffUserFactory


@pytest.mark.django_db
def test_public_home_speaks_vietnamese_to_citizens(client):
    # when
    response = client.get(reverse("web:public-home"))
    # then
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="vi">' in content
    assert "UBND tỉnh Kon Tum — Nền tảng chính quyền điện tử congso" in content
    assert "Đăng nhập công dân" in content
    assert "Đăng nhập cán bộ" in content
    assert "Dịch vụ công trực tuyến (sắp có)" in content
    assert "Tra cứu hồ sơ (sắp có)" in content
    assert 'href="#main"' in content  # skip link


@pytest.mark.django_db
def test_public_home_labels_every_calculator_input(client):
    # when
    content = client.get(reverse("web:public-home")).content.decode()
    # then
    assert '<label for="id_received_on">' in content
    assert '<label for="id_working_days">' in content


@pytest.mark.django_db
@pytest.mark.parametrize("received_on", ["2019-02-01", "01/02/2019"])
def test_calculator_skips_tet_and_weekends(client, received_on):
    # given: Friday 1 February 2019, before the Tết break of 4–8 February
    # when
    response = client.get(
        reverse("web:public-home"), {"received_on": received_on, "working_days": "5"}
    )
    # then
    assert response.status_code == 200
    assert response.context["due_on"].isoformat() == "2019-02-15"
    assert '<time datetime="2019-02-15">' in response.content.decode()
    assert "15/02/2019" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"received_on": "2019-13-45", "working_days": "5"},
            "Ngày nhận không hợp lệ. Nhập theo dạng ngày/tháng/năm, ví dụ 01/02/2019.",
        ),
        (
            {"received_on": "hôm qua", "working_days": "5"},
            "Ngày nhận không hợp lệ. Nhập theo dạng ngày/tháng/năm, ví dụ 01/02/2019.",
        ),
        ({"received_on": "2019-02-01", "working_days": "0"}, "Số ngày làm việc phải từ 1 trở lên."),
        (
            {"received_on": "2019-02-01", "working_days": "năm"},
            "Số ngày làm việc phải là một số nguyên.",
        ),
        ({"received_on": "", "working_days": "5"}, "Vui lòng nhập ngày nhận hồ sơ."),
    ],
)
def test_calculator_explains_bad_input_in_vietnamese(client, params, message):
    # when
    response = client.get(reverse("web:public-home"), params)
    # then: the page still answers, with the message next to the field and no result
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["due_on"] is None


@pytest.mark.django_db
def test_english_switch_shows_english_text(client):
    # when
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("web:public-home")}, follow=True
    )
    # then
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert "Citizen sign-in" in content
    assert "Đăng nhập công dân" not in content


@pytest.mark.django_db
def test_unknown_page_answers_a_vietnamese_404(client):
    # when
    response = client.get("/khong-co-trang-nay/")
    # then
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_server_error_page_renders_without_a_request_context():
    # given: Django renders 500.html with an empty context when something failed
    from django.template import loader

    # when
    html = loader.get_template("500.html").render({})
    # then
    assert "Hệ thống đang gặp sự cố" in html


@pytest.mark.django_db
def test_calculator_passes_on_the_calendar_refusal_of_years_it_does_not_cover(client):
    # when
    response = client.get(
        reverse("web:public-home"), {"received_on": "1990-01-01", "working_days": "5"}
    )
    # then
    assert response.status_code == 200
    assert response.context["calculator"].errors["received_on"]
    assert "Lịch làm việc chỉ tính cho các năm" in response.content.decode()


@pytest.mark.django_db
def test_signed_in_staff_get_a_link_to_their_workspace_instead_of_the_sign_in_buttons(client):
    # given
    client.force_login(StaffUserFactory.create())
    # when
    content = client.get(reverse("web:public-home")).content.decode()
    # then
    assert "Vào màn hình làm việc" in content
    assert 'class="button" href="/cong-dan/dang-nhap/"' not in content


@pytest.mark.django_db
def test_an_english_browser_still_gets_vietnamese_until_the_user_switches(client):
    # when
    response = client.get(reverse("web:public-home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    # then
    assert response.status_code == 200
    assert '<html lang="vi"' in response.content.decode()
