"""Sign-in to the staff and citizen portals: passwords, lockout, TOTP, portals, `next`."""

from __future__ import annotations

import time

import pyotp
import pytest
from django.conf import settings
from django.urls import reverse

from congso.accounts.tests.factories import CitizenUserFactory, StaffUserFactory
from congso.web.views.auth import PENDING_SESSION_KEY, PENDING_TTL_SECONDS

PASSWORD = "MatKhau@2020"  # the factories' password


def _signed_in_user_id(client) -> str | None:
    return client.session.get("_auth_user_id")


def _error_text(response) -> str:
    form = response.context["form"]
    return " ".join(str(error) for error in form.non_field_errors())


@pytest.mark.django_db
def test_staff_login_page_labels_its_fields(client):
    # when
    response = client.get(reverse("web:login"))
    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_username">' in content
    assert '<label for="id_password">' in content
    assert "csrfmiddlewaretoken" in content


@pytest.mark.django_db
def test_staff_signs_in_and_lands_on_the_staff_home(client):
    # given
    staff = StaffUserFactory.create()
    # when
    response = client.post(reverse("web:login"), {"username": staff.username, "password": PASSWORD})
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("web:staff-home")
    assert _signed_in_user_id(client) == str(staff.pk)


@pytest.mark.django_db
def test_wrong_password_is_refused_with_the_service_message(client):
    # given
    staff = StaffUserFactory.create()
    # when
    response = client.post(reverse("web:login"), {"username": staff.username, "password": "sai"})
    # then
    assert response.status_code == 400
    assert _error_text(response)
    assert _error_text(response) in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    assert _signed_in_user_id(client) is None


@pytest.mark.django_db
def test_empty_form_asks_for_both_fields_in_vietnamese(client):
    # when
    response = client.post(reverse("web:login"), {"username": "", "password": ""})
    # then
    content = response.content.decode()
    assert response.status_code == 400
    assert "Vui lòng nhập tên đăng nhập." in content
    assert "Vui lòng nhập mật khẩu." in content


@pytest.mark.django_db
def test_repeated_failures_lock_the_account_and_say_so(client):
    # given: the allowed number of wrong passwords
    staff = StaffUserFactory.create()
    for _attempt in range(settings.CONGSO_LOGIN_MAX_FAILURES):
        client.post(reverse("web:login"), {"username": staff.username, "password": "sai"})
    # when: even the right password now
    response = client.post(reverse("web:login"), {"username": staff.username, "password": PASSWORD})
    # then
    staff.refresh_from_db()
    assert staff.locked_until is not None
    assert response.status_code == 400
    assert "khóa" in _error_text(response).lower()
    assert _error_text(response) in response.content.decode()
    assert _signed_in_user_id(client) is None


@pytest.mark.django_db
def test_totp_account_needs_the_six_digit_code_as_a_second_step(client):
    # given
    secret = pyotp.random_base32()
    staff = StaffUserFactory.create(totp_secret=secret, totp_enabled=True)
    # when: the password step
    first = client.post(reverse("web:login"), {"username": staff.username, "password": PASSWORD})
    # then: not signed in yet, the session holds only the pending user id
    assert first.status_code == 302
    assert _signed_in_user_id(client) is None
    pending = client.session[PENDING_SESSION_KEY]
    assert pending["user_id"] == staff.pk
    assert PASSWORD not in str(dict(client.session.items()))
    second_page = client.get(reverse("web:login"))
    assert '<label for="id_code">' in second_page.content.decode()
    # when: the code step
    response = client.post(reverse("web:login"), {"code": pyotp.TOTP(secret).now()})
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("web:staff-home")
    assert _signed_in_user_id(client) == str(staff.pk)
    assert PENDING_SESSION_KEY not in client.session


@pytest.mark.django_db
def test_wrong_totp_code_keeps_the_user_on_the_code_step(client):
    # given
    secret = pyotp.random_base32()
    staff = StaffUserFactory.create(totp_secret=secret, totp_enabled=True)
    client.post(reverse("web:login"), {"username": staff.username, "password": PASSWORD})
    valid = pyotp.TOTP(secret).now()
    wrong = f"{(int(valid) + 500_000) % 1_000_000:06d}"
    # when
    response = client.post(reverse("web:login"), {"code": wrong})
    # then
    assert response.status_code == 400
    assert response.context["step"] == "code"
    assert response.context["form"].errors["code"]
    assert _signed_in_user_id(client) is None


@pytest.mark.django_db
def test_malformed_totp_code_is_refused_before_reaching_the_service(client):
    # given
    staff = StaffUserFactory.create(totp_secret=pyotp.random_base32(), totp_enabled=True)
    client.post(reverse("web:login"), {"username": staff.username, "password": PASSWORD})
    # when
    response = client.post(reverse("web:login"), {"code": "12ab"})
    # then
    assert response.status_code == 400
    assert "Mã xác thực gồm đúng 6 chữ số." in response.content.decode()


@pytest.mark.django_db
def test_code_step_expires_and_asks_for_the_password_again(client):
    # given: a password accepted longer ago than the code step allows
    staff = StaffUserFactory.create(totp_secret=pyotp.random_base32(), totp_enabled=True)
    client.post(reverse("web:login"), {"username": staff.username, "password": PASSWORD})
    session = client.session
    session[PENDING_SESSION_KEY] = {
        **session[PENDING_SESSION_KEY],
        "started_at": time.time() - PENDING_TTL_SECONDS - 1,
    }
    session.save()
    # when
    response = client.get(reverse("web:login"))
    # then
    assert response.context["step"] == "password"
    assert PENDING_SESSION_KEY not in client.session


@pytest.mark.django_db
def test_repeated_wrong_codes_lock_the_account_and_restart_the_sign_in(client):
    # given
    secret = pyotp.random_base32()
    staff = StaffUserFactory.create(totp_secret=secret, totp_enabled=True)
    client.post(reverse("web:login"), {"username": staff.username, "password": PASSWORD})
    wrong = f"{(int(pyotp.TOTP(secret).now()) + 500_000) % 1_000_000:06d}"
    # when
    for _attempt in range(settings.CONGSO_LOGIN_MAX_FAILURES):
        response = client.post(reverse("web:login"), {"code": wrong})
    # then: back to the password step, with the lock explained
    assert response.status_code == 302
    assert PENDING_SESSION_KEY not in client.session
    page = client.get(response["Location"])
    assert page.context["step"] == "password"
    assert "khóa" in page.content.decode()
    assert _signed_in_user_id(client) is None


@pytest.mark.django_db
def test_going_back_from_the_code_step_forgets_the_pending_login(client):
    # given
    staff = StaffUserFactory.create(totp_secret=pyotp.random_base32(), totp_enabled=True)
    client.post(reverse("web:login"), {"username": staff.username, "password": PASSWORD})
    # when
    client.post(reverse("web:login"), {"action": "cancel"})
    # then
    assert PENDING_SESSION_KEY not in client.session
    assert '<label for="id_password">' in client.get(reverse("web:login")).content.decode()


@pytest.mark.django_db
def test_citizen_on_the_staff_login_is_told_to_use_the_citizen_portal(client):
    # given
    citizen = CitizenUserFactory.create()
    # when
    response = client.post(
        reverse("web:login"), {"username": citizen.username, "password": PASSWORD}
    )
    # then
    assert response.status_code == 400
    assert _error_text(response) in response.content.decode()
    assert _error_text(response)
    assert _signed_in_user_id(client) is None


@pytest.mark.django_db
def test_citizen_signs_in_on_the_citizen_portal(client):
    # given
    citizen = CitizenUserFactory.create()
    # when
    response = client.post(
        reverse("web:public-login"), {"username": citizen.username, "password": PASSWORD}
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("web:citizen-home")
    assert _signed_in_user_id(client) == str(citizen.pk)


@pytest.mark.django_db
def test_staff_on_the_citizen_portal_is_refused(client):
    # given
    staff = StaffUserFactory.create()
    # when
    response = client.post(
        reverse("web:public-login"), {"username": staff.username, "password": PASSWORD}
    )
    # then
    assert response.status_code == 400
    assert _signed_in_user_id(client) is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example",
        "https://evil.example/lam-viec/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
    ],
)
def test_next_pointing_off_site_is_ignored(client, next_url):
    # given
    staff = StaffUserFactory.create()
    # when
    response = client.post(
        f"{reverse('web:login')}?next={next_url}",
        {"username": staff.username, "password": PASSWORD, "next": next_url},
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("web:staff-home")


@pytest.mark.django_db
def test_next_on_this_site_is_honoured(client):
    # given
    staff = StaffUserFactory.create()
    # when
    response = client.post(
        reverse("web:login"),
        {"username": staff.username, "password": PASSWORD, "next": reverse("web:agency-tree")},
    )
    # then
    assert response["Location"] == reverse("web:agency-tree")


@pytest.mark.django_db
def test_login_page_keeps_a_safe_next_in_the_form(client):
    # when
    response = client.get(reverse("web:login"), {"next": "/to-chuc/"})
    # then
    assert '<input type="hidden" name="next" value="/to-chuc/">' in response.content.decode()


@pytest.mark.django_db
def test_logout_needs_post_and_signs_out(client):
    # given
    staff = StaffUserFactory.create()
    client.force_login(staff)
    # when
    refused = client.get(reverse("web:logout"))
    response = client.post(reverse("web:logout"))
    # then
    assert refused.status_code == 405
    assert response.status_code == 302
    assert response["Location"] == reverse("web:public-home")
    assert _signed_in_user_id(client) is None
