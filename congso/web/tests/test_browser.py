"""One end-to-end check in a real browser: a staff member signs in with the keyboard."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from congso.accounts.tests.factories import StaffUserFactory

ARTIFACTS = Path(settings.BASE_DIR) / "artifacts"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_member_signs_in_with_the_keyboard_and_sees_the_workspace(browser_page):
    # given
    staff = StaffUserFactory.create(full_name="Phạm Văn Chuyên Viên")
    page = browser_page
    page.goto("/dang-nhap/")
    # when: the labelled fields, filled by typing and tabbing, submitted with Enter
    page.get_by_label("Tên đăng nhập").focus()
    page.keyboard.type(staff.username)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_password"
    page.keyboard.type("MatKhau@2020")
    page.keyboard.press("Enter")
    # then
    heading = page.get_by_role("heading", level=1)
    heading.wait_for()
    assert page.url.endswith("/lam-viec/")
    assert heading.inner_text() == "Xin chào, Phạm Văn Chuyên Viên"
    assert page.get_by_role("heading", name="Nhiệm vụ của tôi").is_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "staff-home.png"), full_page=True)
    assert (ARTIFACTS / "staff-home.png").stat().st_size > 0
