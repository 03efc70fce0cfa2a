"""The reports page /van-ban/bao-cao/: form, downloads, errors shown on the form."""

from __future__ import annotations

import pytest
from django.test import Client

from congso.accounts.tests.factories import StaffUserFactory
from congso.core.identity import Role

pytestmark = pytest.mark.django_db
URL = "/van-ban/bao-cao/"


def _browser(role):
    client = Client()
    client.force_login(StaffUserFactory.create(roles=[role]))
    return client


def test_the_form_is_offered():
    response = _browser(Role.CLERK).get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sổ đăng ký văn bản đến" in html
    assert 'type="date"' in html


@pytest.mark.parametrize(("output", "magic"), [("pdf", b"%PDF"), ("xlsx", b"PK")])
def test_a_valid_choice_downloads_the_file(output, magic):
    response = _browser(Role.CLERK).get(
        URL, {"kind": "handling", "start": "2020-01-01", "end": "2020-03-31", "output": output}
    )
    assert response.status_code == 200
    assert response.content.startswith(magic)
    assert "attachment" in response["Content-Disposition"]


def test_a_reversed_period_comes_back_with_a_message():
    response = _browser(Role.CLERK).get(
        URL, {"kind": "incoming", "start": "2020-03-01", "end": "2020-01-01", "output": "pdf"}
    )
    assert response.status_code == 400
    assert "Ngày bắt đầu phải trước" in response.content.decode()


def test_a_specialist_is_told_the_register_is_not_for_them():
    response = _browser(Role.SPECIALIST).get(
        URL, {"kind": "incoming", "start": "2020-01-01", "end": "2020-01-31", "output": "pdf"}
    )
    assert response.status_code == 403
    assert "Chỉ văn thư, lãnh đạo" in response.content.decode()
