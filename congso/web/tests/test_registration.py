"""Opening a public account on the portal, and the limit shared with the registration API."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from congso.accounts.models import User
from congso.audit.models import AuditEntry

PASSWORD = "Kontum@2020-dan"


def _form(**changes: str) -> dict[str, str]:
    data = {
        "kind": "citizen",
        "number": "062090004321",
        "full_name": "A Lưu Thị Hằng",
        "email": "hang@example.vn",
        "phone": "0912345678",
        "password": PASSWORD,
        "password_again": PASSWORD,
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_a_citizen_opens_an_account_and_is_signed_in(client):
    # Given the registration page
    assert client.get(reverse("web:register")).status_code == 200
    # When a citizen registers with their CCCD number
    response = client.post(reverse("web:register"), _form())
    # Then the account exists under that number, the person is signed in and lands on their home
    assert response.status_code == 302
    assert response["Location"] == reverse("web:citizen-home")
    user = User.objects.get(username="062090004321")
    assert user.kind == "citizen"
    assert user.full_name == "A Lưu Thị Hằng"
    assert "Xin chào, A Lưu Thị Hằng" in client.get(reverse("web:citizen-home")).content.decode()


@pytest.mark.django_db
def test_a_business_opens_an_account_with_its_tax_code(client):
    # When a business registers with its tax code
    response = client.post(
        reverse("web:register"),
        _form(kind="business", number="6100123456", full_name="Công ty TNHH Sâm Ngọc Linh"),
    )
    # Then its account carries the tax code as user name
    assert response.status_code == 302
    assert User.objects.get(username="6100123456").kind == "business"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"number": "12345"}, "Số căn cước công dân phải gồm đúng 12 chữ số."),
        ({"password_again": "khac-nhau-2020"}, "Hai lần nhập mật khẩu không khớp."),
        ({"full_name": ""}, "Vui lòng nhập họ và tên."),
        ({"email": "khong-phai-email"}, "Địa chỉ thư điện tử không hợp lệ."),
        ({"password": "123", "password_again": "123"}, "Mật khẩu"),
    ],
)
def test_bad_input_is_refused_in_vietnamese_and_creates_nothing(client, changes, message):
    # When the form is sent with a bad value
    response = client.post(reverse("web:register"), _form(**changes))
    # Then the page comes back with the Vietnamese error and no account or audit entry was written
    content = response.content.decode()
    assert response.status_code == 400
    assert "Vui lòng kiểm tra lại các ô được đánh dấu" in content
    assert message in content.split('class="errorlist')[1]
    assert not User.objects.filter(kind__in=["citizen", "business"]).exists()
    assert not AuditEntry.objects.filter(action__startswith="accounts.").exists()


@pytest.mark.django_db
def test_a_number_registers_only_once(client):
    # Given an account for a CCCD number
    client.post(reverse("web:register"), _form())
    client.logout()
    # When the same number registers again
    response = client.post(reverse("web:register"), _form(full_name="Người Khác"))
    # Then it is refused next to the number
    assert response.status_code == 400
    assert "đã được đăng ký" in response.content.decode()
    assert User.objects.filter(citizen_id_number="062090004321").count() == 1


@pytest.mark.django_db
@override_settings(CONGSO_REGISTRATION_MAX_PER_HOUR=2)
def test_page_and_api_share_one_hourly_limit_per_address(client):
    # Given two accounts opened from one address (one by the page, one by the API)
    assert client.post(reverse("web:register"), _form()).status_code == 302
    client.logout()
    api = client.post(
        "/api/v1/accounts/citizens/register/",
        {"citizen_id_number": "062090004322", "full_name": "Rơ Mah Blang", "password": PASSWORD},
        content_type="application/json",
    )
    assert api.status_code == 201, api.content
    # When a third registration comes from the same address, on either channel
    page = client.post(reverse("web:register"), _form(number="062090004323"))
    api = client.post(
        "/api/v1/accounts/citizens/register/",
        {"citizen_id_number": "062090004324", "full_name": "Y Bon", "password": PASSWORD},
        content_type="application/json",
    )
    # Then both are refused with 429 and a stable code, and no account was added
    assert page.status_code == 429
    assert "quá nhiều lượt đăng ký" in page.content.decode()
    assert api.status_code == 429
    assert api.json()["error"]["code"] == "rate_limited"
    assert User.objects.filter(kind="citizen").count() == 2
