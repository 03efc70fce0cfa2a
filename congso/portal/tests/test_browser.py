"""End to end in Chromium: a citizen signs in, fills and saves the dossier form, uploads the
required component, pays on the test bank page, submits, and sees the receipt."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from congso.accounts.tests.factories import CitizenUserFactory
from congso.dossiers.constants import DossierStatus
from congso.dossiers.models import Dossier
from congso.dossiers.tests.factories import MINIMAL_PDF
from congso.payments.models import Payment, TestBankTransaction

ARTIFACTS = Path(settings.BASE_DIR) / "artifacts"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_citizen_submits_a_dossier_pays_at_the_test_bank_and_sees_the_receipt(
    browser_page, procedure, tmp_path
):
    # given: a citizen account and a procedure with a 75.000 đ fee and a typed form
    citizen = CitizenUserFactory.create(full_name="Y Blốc", email="ybloc@example.vn")
    page = browser_page
    # when: the citizen signs in on the way to the procedure's form
    page.goto(f"/dich-vu-cong/nop/{procedure.code}/")
    page.get_by_label("Số CCCD hoặc tên đăng nhập").fill(citizen.username)
    page.get_by_label("Mật khẩu").fill("MatKhau@2020")
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("heading", name="Nộp hồ sơ trực tuyến").wait_for()
    # when: fills the form and saves the draft
    page.get_by_label("Họ tên chủ hộ *").fill("Y Blốc")
    page.get_by_label("Ngày sinh *").fill("1990-05-17")
    page.get_by_label("Số tầng *").fill("3")
    page.get_by_label("Loại công trình *").select_option("nha_o")
    page.get_by_label("Xã, phường *").fill("Xã Đăk Hring")
    page.get_by_role("button", name="Lưu nháp và tiếp tục").click()
    page.get_by_role("heading", name="Hồ sơ nháp").wait_for()
    # when: uploads the required component
    pdf = tmp_path / "ban-ve.pdf"
    pdf.write_bytes(MINIMAL_PDF)
    page.get_by_label("Tệp cho TP1").set_input_files(str(pdf))
    page.locator("form:has(#file-TP1)").get_by_role("button", name="Tải lên").click()
    page.get_by_text("Đã tải lên tệp.").wait_for()
    # when: pays: really redirected to the test bank, presses "Thanh toán"
    page.get_by_role("button", name="Thanh toán trực tuyến").click()
    page.get_by_role("heading", name="Xác nhận thanh toán").wait_for()
    assert "/thanh-toan-thu/" in page.url
    assert page.get_by_text("75.000 đ").is_visible()
    page.get_by_role("button", name="Thanh toán", exact=True).click()
    # then: back on the draft, paid
    page.locator("#payment-status").wait_for()
    assert "Đã thanh toán" in page.locator("#payment-status").inner_text()
    # when: submits
    page.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
    # then: the receipt with the dossier code and the lookup secret
    page.get_by_role("heading", name="Đã nộp hồ sơ thành công").wait_for()
    dossier = Dossier.objects.get()
    assert dossier.status == DossierStatus.SUBMITTED
    assert page.locator("#dossier-code").inner_text() == dossier.code
    assert len(page.locator("#lookup-secret").inner_text()) == 8
    assert Payment.objects.get().status == "paid"
    assert TestBankTransaction.objects.get().amount == 75_000
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "portal-receipt.png"), full_page=True)
