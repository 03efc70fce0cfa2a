"""Failed sign-ins are limited per client address too (any accounts): past the limit, the
address waits (429) and no password is checked, on the login page and over HTTP Basic."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.urls import reverse

from congso.accounts.tests.conftest import PASSWORD
from congso.accounts.tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db


def _basic(username: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


@pytest.fixture
def limit(settings: Any) -> int:
    settings.CONGSO_LOGIN_MAX_FAILURES_PER_ADDRESS = 3
    settings.CONGSO_LOGIN_MAX_FAILURES = 100  # the per-account lockout stays out of the way
    return 3


def test_basic_auth_from_an_address_with_too_many_failures_waits_without_a_check(
    client: Any, limit: int
) -> None:
    # given an address that failed with made-up names as often as allowed
    user = StaffUserFactory.create()
    for n in range(limit):
        assert client.get("/api/v1/accounts/me/", **_basic(f"khongco{n}", "sai")).status_code in (
            401,
            403,
        )
    # when it tries again, even with the right password
    response = client.get("/api/v1/accounts/me/", **_basic(user.username, PASSWORD))
    # then it is told to wait, in the API's format
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    # and another address is not affected
    other = client.get(
        "/api/v1/accounts/me/", REMOTE_ADDR="10.0.0.9", **_basic(user.username, PASSWORD)
    )
    assert other.status_code == 200


def test_the_login_page_counts_failures_per_address_and_says_so(client: Any, limit: int) -> None:
    # given an address that failed on the staff login page as often as allowed
    user = StaffUserFactory.create()
    url = reverse("web:login")
    for n in range(limit):
        client.post(url, {"username": f"khongco{n}", "password": "sai"})
    # when the right password comes from it
    response = client.post(url, {"username": user.username, "password": PASSWORD})
    # then the page asks it to wait, and nobody is signed in
    assert response.status_code == 429
    assert "quá nhiều lần đăng nhập sai" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_successful_sign_ins_do_not_count(client: Any, limit: int) -> None:
    # given
    user = StaffUserFactory.create()
    # when the same address signs in correctly more often than the limit
    answers = [
        client.get("/api/v1/accounts/me/", **_basic(user.username, PASSWORD)).status_code
        for _ in range(limit + 2)
    ]
    # then every one is served
    assert answers == [200] * (limit + 2)
