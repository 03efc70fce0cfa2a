"""In Chromium: the desk officer logs in, receives an online dossier and downloads Mẫu 01."""

from __future__ import annotations

from typing import Any

import pytest
from pypdf import PdfReader

from congso.dossiers.constants import DossierStatus

PASSWORD = "MatKhau@2020"  # the StaffUserFactory password


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_desk_officer_receives_an_online_dossier_and_downloads_the_receipt(
    browser_page: Any, officer: Any, online_dossier: Any, tmp_path: Any
) -> None:
    page = browser_page
    # given the officer signs in
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(officer.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/lam-viec/")

    # when they open the desk queue, the dossier, and receive it
    page.goto("/mot-cua/")
    page.get_by_role("heading", level=1, name="Hồ sơ chờ tiếp nhận").wait_for()
    page.get_by_role("link", name=online_dossier.code).click()
    page.get_by_role("heading", level=1, name=f"Hồ sơ {online_dossier.code}").wait_for()
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    page.get_by_text("Đã tiếp nhận hồ sơ").first.wait_for()
    assert page.locator("#dossier-status").inner_text() == "Đã tiếp nhận"

    # and download Mẫu 01
    with page.expect_download() as info:
        page.get_by_role("link", name="Mẫu 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả").click()
    target = tmp_path / "mau-01.pdf"
    info.value.save_as(str(target))

    # then the receipt is a two-page PDF with the dossier's code, in Vietnamese
    reader = PdfReader(str(target))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert len(reader.pages) == 2
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert f"Mã hồ sơ: {online_dossier.code}" in text
    online_dossier.refresh_from_db()
    assert online_dossier.status == DossierStatus.RECEIVED
    assert f"Số: {online_dossier.receipt_number}" in text
