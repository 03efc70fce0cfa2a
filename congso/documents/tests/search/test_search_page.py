"""The search page /van-ban/tra-cuu/: results highlighted, facets as checkboxes, access kept."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
URL = "/van-ban/tra-cuu/"


@pytest.fixture
def browser(clerk):
    client = Client()
    client.force_login(clerk)
    return client


def test_the_page_shows_highlighted_hits_and_facets(browser, make_incoming):
    # given
    document = make_incoming(
        subject="Công văn về việc triển khai Đề án 06", organ_name="Bộ Công an"
    )
    make_incoming(subject="Văn bản mật về việc khác", secret=True)
    # when
    response = browser.get(URL, {"q": "ve viec"})
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "<mark>về</mark> <mark>việc</mark>" in html
    assert f"/van-ban/den/{document.pk}/" in html
    assert 'name="issuer" value="Bộ Công an"' in html
    assert "Văn bản mật" not in html
    assert "1 văn bản" in html


def test_a_checked_facet_stays_checked(browser, make_incoming):
    # given
    make_incoming(subject="Báo cáo", organ_name="Sở Y tế")
    # when
    html = browser.get(URL, {"q": "bao cao", "issuer": "Sở Y tế"}).content.decode()
    # then
    assert 'value="Sở Y tế" checked' in html


def test_a_broken_cursor_shows_a_message_not_an_error_page(browser):
    response = browser.get(URL, {"q": "abc", "cursor": "xyz"})
    assert response.status_code == 400
    assert "Con trỏ phân trang không hợp lệ" in response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in():
    response = Client().get(URL)
    assert response.status_code == 302
