"""End to end in Chromium: draft → review → sign → issue → it arrives at another agency."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from congso.documents.constants import VersionOrigin
from congso.documents.models import IncomingDocument, OutgoingDocument
from congso.documents.services.files import blob_path

ARTIFACTS = Path(settings.BASE_DIR) / "artifacts"
PASSWORD = "MatKhau@2020"


def _login(page: Any, user: Any) -> None:
    page.context.clear_cookies()
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/lam-viec/")


def _open_from_list(page: Any, list_path: str, subject: str) -> None:
    page.goto(list_path)
    page.get_by_role("link", name=subject).click()
    page.get_by_role("heading", level=1, name=subject).wait_for()


def _pdf_page_png(pdf: Path, target: Path) -> None:
    if shutil.which("pdftoppm") is None:
        return  # poppler-utils not installed: the screenshots still show the flow
    prefix = target.with_suffix("")
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(prefix),
        ],
        check=True,
        timeout=60,
    )
    assert target.stat().st_size > 0


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_draft_review_sign_issue_arrives_at_the_recipient(
    browser_page: Any,
    drafter: Any,
    reviewer: Any,
    signer: Any,
    clerk: Any,
    recipient_agency: Any,
    recipient_clerk: Any,
) -> None:
    page = browser_page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subject = "Đề nghị báo cáo tình hình chuyển đổi số năm 2020"
    # given: the specialist composes a công văn to Sở Tài chính
    _login(page, drafter)
    page.goto("/van-ban/di/soan-thao/")
    page.get_by_label("Loại văn bản").select_option(label="Công văn")
    page.get_by_label("Trích yếu nội dung").fill(subject)
    page.get_by_label("Kính gửi (công văn)").fill("Sở Tài chính")
    page.locator("#id_body").fill(
        "Thực hiện Kế hoạch chuyển đổi số của tỉnh, Sở Thông tin và Truyền thông đề nghị "
        "Sở Tài chính báo cáo tình hình triển khai.\nTrân trọng."
    )
    page.get_by_label("Người thẩm định, cho ý kiến 1").select_option(str(reviewer.pk))
    page.locator("#id_signer").select_option(str(signer.pk))
    page.get_by_label("Cơ quan trong tỉnh (nhận qua hệ thống)").select_option(
        str(recipient_agency.pk)
    )
    page.get_by_role("button", name="Lưu dự thảo").click()
    page.get_by_role("heading", level=1, name=subject).wait_for()
    assert page.get_by_text("Chưa ký số").first.is_visible()
    page.screenshot(path=str(ARTIFACTS / "outgoing-1-draft.png"), full_page=True)
    page.get_by_role("button", name="Trình duyệt").click()
    page.get_by_text("Đã trình duyệt văn bản.").wait_for()
    # when: the reviewer, then the signer approve from "Chờ tôi duyệt"
    for person in (reviewer, signer):
        _login(page, person)
        _open_from_list(page, "/van-ban/di/cho-toi-duyet/", subject)
        page.get_by_role("button", name="Đồng ý").click()
        page.get_by_text("Đã duyệt văn bản.").wait_for()
    page.screenshot(path=str(ARTIFACTS / "outgoing-2-approved.png"), full_page=True)
    # and the clerk issues it from "Chờ ban hành"
    _login(page, clerk)
    _open_from_list(page, "/van-ban/di/cho-ban-hanh/", subject)
    page.get_by_role("button", name="Cấp số và ban hành").click()
    page.get_by_text("Đã ban hành văn bản.").wait_for()
    assert page.get_by_text("01/STTTT-CNTT").first.is_visible()
    page.screenshot(path=str(ARTIFACTS / "outgoing-3-issued.png"), full_page=True)
    # then: it waits at Sở Tài chính as an incoming document to register ("chờ vào sổ")
    _login(page, recipient_clerk)
    page.goto("/van-ban/den/cho-vao-so/")
    page.get_by_text(subject).first.wait_for()
    page.screenshot(path=str(ARTIFACTS / "outgoing-4-arrived.png"), full_page=True)
    arrival = IncomingDocument.objects.get(agency=recipient_agency)
    assert (arrival.status, arrival.code_notation) == ("received", "STTTT-CNTT")
    # and the issued PDF's first page is kept as a picture
    document = OutgoingDocument.objects.get(subject=subject)
    issued = document.versions.get(origin=VersionOrigin.ISSUED).rendered_file
    assert issued is not None
    _pdf_page_png(blob_path(issued.sha256), ARTIFACTS / "outgoing-issued-page1.png")
