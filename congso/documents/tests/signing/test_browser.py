"""End to end in Chromium with real signatures: the Giám đốc signs, the văn thư seals and issues,
the recipient registers it and sees the signatures valid; page 1 is kept as a PNG."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from congso.documents.constants import SignatureState, VersionOrigin
from congso.documents.models import IncomingFile, OutgoingDocument
from congso.documents.services.files import blob_path
from congso.documents.tests.signing.conftest import SUBJECT
from congso.signatures.constants import ValidationVerdict

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
    page.get_by_role("link", name=subject).first.click()
    page.get_by_role("heading", level=1, name=subject).wait_for()


def _page_one_png(pdf: Path, target: Path) -> None:
    assert shutil.which("pdftoppm"), "poppler-utils is needed for the page rendering"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile", str(pdf),
         str(target.with_suffix(""))],
        check=True,
        timeout=60,
    )  # fmt: skip
    assert target.stat().st_size > 0


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_signer_signs_clerk_seals_and_issues_in_the_browser(
    browser_page: Any,
    submitted: Any,
    signer: Any,
    clerk: Any,
    recipient_clerk: Any,
) -> None:
    page = browser_page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # given: a công văn reviewed and waiting for the Giám đốc
    document = submitted()
    # when: the Giám đốc approves and signs from "Chờ tôi duyệt"
    _login(page, signer)
    _open_from_list(page, "/van-ban/di/cho-toi-duyet/", SUBJECT)
    page.get_by_text("ký số văn bản bằng khóa của bạn").wait_for()
    page.get_by_role("button", name="Đồng ý và ký số").click()
    page.get_by_text("Đã duyệt văn bản.").wait_for()
    assert page.get_by_text("Người có thẩm quyền đã ký").first.is_visible()
    assert page.get_by_text("01/STTTT-CNTT").first.is_visible()
    # and: the văn thư applies the agency's signature, then issues, from "Chờ ban hành"
    _login(page, clerk)
    _open_from_list(page, "/van-ban/di/cho-ban-hanh/", SUBJECT)
    page.get_by_role("button", name="Ký số của cơ quan").click()
    page.get_by_text("Đã ký số của cơ quan.").wait_for()
    assert page.get_by_text("Đã ký số người và cơ quan").first.is_visible()
    page.get_by_role("button", name="Ban hành", exact=True).click()
    page.get_by_text("Đã ban hành văn bản.").wait_for()
    page.screenshot(path=str(ARTIFACTS / "signed-issued.png"), full_page=True)
    # then: the recipient's văn thư registers it and sees both signatures valid
    _login(page, recipient_clerk)
    page.goto("/van-ban/den/cho-vao-so/")
    page.get_by_role("link", name=SUBJECT).first.click()
    page.get_by_role("button", name="Tiếp nhận, vào sổ").click()
    page.get_by_text("Kết quả kiểm tra: Hợp lệ").wait_for()
    page.screenshot(path=str(ARTIFACTS / "signed-received.png"), full_page=True)
    page.get_by_role("link", name="Biên bản kiểm tra").first.click()
    page.get_by_text("Biên bản kiểm tra chữ ký số").first.wait_for()
    page.screenshot(path=str(ARTIFACTS / "signed-report.png"), full_page=True)
    document = OutgoingDocument.objects.get(pk=document.pk)
    assert document.signature_state == SignatureState.FULLY_SIGNED
    received = IncomingFile.objects.get(document__source_outgoing=document)
    assert received.signature_verdict == ValidationVerdict.VALID
    # and: page 1 of the issued PDF, with both images, is kept as a picture
    issued = document.versions.get(origin=VersionOrigin.ISSUED).rendered_file
    assert issued is not None
    _page_one_png(blob_path(issued.sha256), ARTIFACTS / "signed-page1.png")
