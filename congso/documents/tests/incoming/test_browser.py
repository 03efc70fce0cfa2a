"""End to end in Chromium: the clerk registers a PDF, the leader distributes, the specialist
reports progress and completes, and the document shows "Hoàn thành"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from congso.documents.models import IncomingDocument
from congso.documents.tests.incoming.conftest import make_pdf

ARTIFACTS = Path(settings.BASE_DIR) / "artifacts"
PASSWORD = "MatKhau@2020"


def sign_in(page: Any, user: Any) -> None:
    page.context.clear_cookies()
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("heading", level=1).wait_for()


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_register_distribute_handle_complete(
    browser_page: Any, tmp_path: Path, clerk: Any, leader: Any, specialist: Any
) -> None:
    page = browser_page
    pdf = tmp_path / "cong-van-12.pdf"
    pdf.write_bytes(make_pdf("Công văn 12/UBND-VX về chuyển đổi số", pages=2))

    # given: the clerk on the register screen, typing with the keyboard
    sign_in(page, clerk)
    page.goto("/van-ban/den/vao-so/")
    assert page.evaluate("document.activeElement.id") == "id_document_type"
    page.keyboard.press("Tab")
    page.keyboard.type("12")
    page.keyboard.press("Tab")
    page.keyboard.type("UBND-VX")
    page.keyboard.press("Tab")
    page.keyboard.type("06/01/2020")
    page.keyboard.press("Tab")
    page.keyboard.type("UBND tỉnh Kon Tum")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_subject"
    page.keyboard.type("V/v triển khai chuyển đổi số năm 2020")
    page.get_by_label("Tệp văn bản").set_input_files(str(pdf))
    shot(page, "incoming-register-form.png")
    # when: Enter submits
    page.get_by_label("Trích yếu nội dung").press("Enter")
    # then
    page.get_by_text("Đã vào sổ số đến 1").wait_for()
    assert page.get_by_label("Trích yếu nội dung").input_value() == ""
    shot(page, "incoming-registered.png")
    document = IncomingDocument.objects.get()
    assert document.page_amount == 2

    # when: the leader distributes from the inbox
    sign_in(page, leader)
    page.goto("/van-ban/den/phan-phoi/")
    page.get_by_role("link", name="Phân công").first.click()
    page.get_by_label("Xử lý chính").select_option(label="Võ Thị Lan — Phòng Công nghệ thông tin")
    page.get_by_label("Ý kiến chỉ đạo").fill("Đề nghị phòng CNTT tham mưu báo cáo.")
    page.get_by_label("Hạn xử lý (số ngày làm việc)").fill("5")
    shot(page, "incoming-distribute.png")
    page.get_by_role("button", name="Phân công", exact=True).click()
    page.get_by_text("Đã phân công xử lý văn bản.").wait_for()
    assert "Đã phân công" in page.locator("#document-status").inner_text()

    # when: the specialist starts, reports progress and completes
    sign_in(page, specialist)
    page.goto("/van-ban/viec-cua-toi/")
    page.get_by_role("link", name="V/v triển khai chuyển đổi số năm 2020").click()
    page.get_by_role("button", name="Bắt đầu xử lý").click()
    page.get_by_text("Đã bắt đầu xử lý.").wait_for()
    page.get_by_text("Báo cáo tiến độ").click()
    page.get_by_label("Nội dung tiến độ").fill("Đã dự thảo báo cáo, đang xin ý kiến phòng.")
    page.get_by_label("Tiến độ (%)").fill("70")
    page.get_by_role("button", name="Ghi tiến độ").click()
    page.get_by_text("Đã ghi ý kiến.").wait_for()
    page.locator("summary", has_text="Hoàn thành").click()
    page.get_by_label("Kết quả xử lý").fill("Đã báo cáo UBND tỉnh.")
    page.get_by_role("button", name="Xác nhận hoàn thành").click()
    page.get_by_text("Đã ghi nhận hoàn thành.").wait_for()

    # then
    assert page.locator("#document-status").inner_text() == "Hoàn thành"
    assert page.get_by_text("Đã dự thảo báo cáo, đang xin ý kiến phòng.").is_visible()
    shot(page, "incoming-done.png")
    document.refresh_from_db()
    assert document.status == "done"
