"""Issue 6, "Done when": a liên thông dossier from the citizen portal to the rating, in Chromium.

A citizen submits a multi-agency dossier online (form, uploads, fee at the test bank); the desk
receives it and prints Mẫu 01; a supplement request (Mẫu 02) pauses the legal clock and the
citizen's supplement resumes it with the due date moved; the two agencies process their parts as
sub-dossiers; the deciding officer uploads a result signed with the TEST PKI (SoftHSM2 token);
the desk returns it; the citizen tracks it by code + secret and rates it. At every step a real
national-portal simulator process holds the status code the dossier's status maps to.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from pypdf import PdfReader

from congso.accounts.tests.factories import CitizenUserFactory, StaffUserFactory
from congso.core.identity import Role
from congso.dossiers import deadlines
from congso.dossiers.constants import DossierStatus
from congso.dossiers.models import Dossier
from congso.dossiers.tests.factories import MINIMAL_PDF
from congso.organizations.tests.factories import AgencyFactory
from congso.payments.models import Payment
from congso.portalsim.testing import SimulatorProcess
from congso.portalsync.models import PortalOutbox
from congso.portalsync.payloads import portal_code_for
from congso.portalsync.services.outbox import portal_outbox_drain
from congso.procedures.tests.factories import ProcedureFactory, ProcessStepFactory

PASSWORD = "MatKhau@2020"  # noqa: S105 - the password of the accounts factories
ARTIFACTS = Path(settings.BASE_DIR) / "artifacts"
FORM_SCHEMA = {
    "type": "object",
    "required": ["ho_ten", "muc_dich"],
    "properties": {
        "ho_ten": {"type": "string", "title": "Họ tên người được cấp", "maxLength": 100},
        "muc_dich": {"type": "string", "title": "Mục đích sử dụng", "maxLength": 200},
    },
}


# --- the world ----------------------------------------------------------------------------------
@pytest.fixture
def portal(tmp_path: Path, settings: Any) -> Iterator[SimulatorProcess]:
    """The national portal simulator as its own process, and the adapter pointed at it."""
    with SimulatorProcess(tmp_path / "portalsim.sqlite3") as simulator:
        settings.PORTALSYNC_URL = simulator.url
        settings.PORTALSYNC_USERNAME = "congso"
        settings.PORTALSYNC_PASSWORD = "congso-portal-test"  # noqa: S105
        settings.PORTALSYNC_AUTH_PATH = "/api/auth"
        settings.PORTALSYNC_INTEGRATION_PATH = "/api/integration"
        settings.PORTALSYNC_SHARE_PATH = "/api/share"
        yield simulator


@pytest.fixture
def signing_material(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The TEST PKI (trusted by the validation) and the person token on SoftHSM2."""
    from congso.signatures.lib import signing
    from congso.signatures.lib.keys import Pkcs11KeyProvider
    from congso.signatures.lib.softhsm import TEST_TOKENS, TEST_USER_PIN
    from congso.signatures.lib.trust import TrustStore
    from congso.signatures.tests.session import shared_softhsm, shared_test_pki

    pki = shared_test_pki()
    module = shared_softhsm()
    if module is None:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("SoftHSM2 is required under CI=true (apt-get install softhsm2 opensc)")
        pytest.skip("SoftHSM2 not installed (apt-get install softhsm2 opensc)")
    settings.CONGSO_SIGNATURES_TEST_PKI_DIR = str(pki.directory)
    monkeypatch.setenv("CONGSO_TEST_PIN", TEST_USER_PIN)
    token = TEST_TOKENS[0]
    key = Pkcs11KeyProvider(module, token.token_label, key_label=token.key_label, pin=TEST_USER_PIN)
    trust = TrustStore.build(test_roots=pki.trust_roots, intermediates=pki.intermediates)
    return key, signing.SigningConfig(trust=trust, tsa_url=pki.tsa_url, timeout=5)


def signed_result(material: Any) -> bytes:
    """Phiếu lý lịch tư pháp as the decision PDF, signed by the deciding officer's token (in a
    worker thread: the signer runs its own event loop, Playwright's is running in this one)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_sign, material).result()


def _sign(material: Any) -> bytes:
    from congso.signatures.lib import images, sampledoc, signing

    key, config = material
    pdf, block = sampledoc.decision_pdf(number="25/PLLTP-STP", position="GIÁM ĐỐC")
    prepared = signing.prepare_signature_fields(
        pdf, [signing.FieldPlacement(signing.PERSON_FIELD, block.page, block.person_box)]
    )
    return signing.sign_as_person(
        prepared, provider=key, config=config, signature_image=images.signature_png()
    ).getvalue()


class Clock:
    """`timezone.now` with an offset: the citizen answers Mẫu 02 a week later."""

    def __init__(self) -> None:
        self.offset = timedelta(0)
        self._real = timezone.now

    def now(self) -> Any:
        return self._real() + self.offset


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    current = Clock()
    monkeypatch.setattr(timezone, "now", current.now)
    return current


@pytest.fixture
def world(settings: Any, tmp_path: Path) -> dict[str, Any]:
    """The province's service centre (desk), Công an tỉnh and Sở Tư pháp, their officers, a
    liên thông procedure with a fee, and a citizen."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    province = AgencyFactory(name="UBND tỉnh Kon Tum", code_qcvn102="000.00.00.H34")
    centre = AgencyFactory(
        name="Trung tâm Phục vụ hành chính công tỉnh Kon Tum",
        code_qcvn102="000.01.01.H34",
        parent=province,
        place_name="Kon Tum",
    )
    police = AgencyFactory(
        name="Công an tỉnh Kon Tum", code_qcvn102="000.00.21.H34", parent=province
    )
    justice = AgencyFactory(
        name="Sở Tư pháp tỉnh Kon Tum", code_qcvn102="000.00.03.H34", parent=province
    )
    procedure = ProcedureFactory(
        name="Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
        receiving_agencies=[centre],
        steps=0,
        processing_days=Decimal("10"),
        is_inter_agency=True,
        fee_amount=200_000,
        fee_text="200.000 đồng/Phiếu",
        form_schema=FORM_SCHEMA,
    )
    steps = [
        ("Tiếp nhận hồ sơ tại Trung tâm", "0.5", Role.ONE_STOP_OFFICER, None),
        ("Công an tỉnh tra cứu, xác minh thông tin án tích", "5", Role.SPECIALIST, police),
        ("Sở Tư pháp lập và ký Phiếu lý lịch tư pháp", "4.5", Role.LEADER, justice),
    ]
    for order, (name, days, role, agency) in enumerate(steps, start=1):
        ProcessStepFactory(
            procedure=procedure,
            order=order,
            name=name,
            days=Decimal(days),
            role=role,
            agency=agency,
        )
    return {
        "procedure": procedure,
        "citizen": CitizenUserFactory(full_name="Y Blốc", email="ybloc@example.vn"),
        "desk": StaffUserFactory(
            agency=centre, full_name="Đinh Thị Mai", roles=[Role.ONE_STOP_OFFICER]
        ),
        "police": StaffUserFactory(agency=police, full_name="A Tuấn", roles=[Role.SPECIALIST]),
        "justice": StaffUserFactory(agency=justice, full_name="Phan Văn Hùng", roles=[Role.LEADER]),
    }


# --- helpers ------------------------------------------------------------------------------------
def portal_holds_the_mapped_status(simulator: SimulatorProcess, dossier: Dossier) -> int:
    """Drain the outbox, then compare the portal's TrangThaiHoSo with the mapped local status."""
    portal_outbox_drain()
    dossier.refresh_from_db()
    expected = portal_code_for(dossier.status)
    status, body = simulator.get(f"/api/dossiers/{dossier.code}")
    assert status == 200, (
        body,
        list(PortalOutbox.objects.values_list("kind", "status", "attempts", "last_error")),
    )
    held = body["result"]
    assert held["TrangThaiHoSo"] == expected, (dossier.status, held["TrangThaiHoSo"])
    return int(held["TrangThaiHoSo"])


def sign_in_staff(page: Any, user: Any) -> None:
    page.context.clear_cookies()
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/lam-viec/")


def sign_in_citizen(page: Any, user: Any, next_path: str) -> None:
    page.context.clear_cookies()
    page.goto(next_path)
    page.get_by_label("Số CCCD hoặc tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def pdf_text(path: Path) -> str:
    reader = PdfReader(str(path))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def download(page: Any, link_name: str, target: Path) -> Path:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    info.value.save_as(str(target))
    return target


def open_dossier(page: Any, code: str, list_path: str = "/mot-cua/dang-giai-quyet/") -> None:
    page.goto(list_path)
    page.get_by_role("link", name=code, exact=True).click()
    page.get_by_role("heading", level=1, name=f"Hồ sơ {code}").wait_for()


def a_pdf(tmp_path: Path, name: str, data: bytes = MINIMAL_PDF) -> str:
    target = tmp_path / name
    target.write_bytes(data)
    return str(target)


# --- the test -----------------------------------------------------------------------------------
@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_liên_thông_dossier_from_the_portal_to_the_rating_in_step_with_the_national_portal(
    browser_page: Any,
    world: dict[str, Any],
    portal: SimulatorProcess,
    signing_material: Any,
    clock: Clock,
    tmp_path: Path,
) -> None:
    page = browser_page
    procedure = world["procedure"]
    seen: list[int] = []

    # --- 1. the citizen fills the form, uploads, pays the fee at the test bank and submits
    sign_in_citizen(page, world["citizen"], f"/dich-vu-cong/nop/{procedure.code}/")
    page.get_by_role("heading", name="Nộp hồ sơ trực tuyến").wait_for()
    page.get_by_label("Họ tên người được cấp *").fill("Y Blốc")
    page.get_by_label("Mục đích sử dụng *").fill("Bổ sung hồ sơ xin việc")
    page.get_by_role("button", name="Lưu nháp và tiếp tục").click()
    page.get_by_role("heading", name="Hồ sơ nháp").wait_for()
    page.get_by_label("Tệp cho TP1").set_input_files(a_pdf(tmp_path, "to-khai.pdf"))
    page.locator("form:has(#file-TP1)").get_by_role("button", name="Tải lên").click()
    page.get_by_text("Đã tải lên tệp.").wait_for()
    page.get_by_role("button", name="Thanh toán trực tuyến").click()
    page.get_by_role("heading", name="Xác nhận thanh toán").wait_for()
    assert "/thanh-toan-thu/" in page.url
    page.get_by_role("button", name="Thanh toán", exact=True).click()
    page.locator("#payment-status").wait_for()
    assert "Đã thanh toán" in page.locator("#payment-status").inner_text()
    page.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
    page.get_by_role("heading", name="Đã nộp hồ sơ thành công").wait_for()
    code = page.locator("#dossier-code").inner_text()
    secret = page.locator("#lookup-secret").inner_text()
    dossier = Dossier.objects.get(code=code)
    assert dossier.status == DossierStatus.SUBMITTED
    assert Payment.objects.get().status == "paid"
    seen.append(portal_holds_the_mapped_status(portal, dossier))

    # --- 2. the desk receives it and prints Mẫu 01
    sign_in_staff(page, world["desk"])
    open_dossier(page, code, "/mot-cua/")
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    page.get_by_text("Đã tiếp nhận hồ sơ").first.wait_for()
    receipt = pdf_text(
        download(page, "Mẫu 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả", tmp_path / "mau-01.pdf")
    )
    dossier.refresh_from_db()
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in receipt
    assert f"Mã hồ sơ: {code}" in receipt
    assert f"Số: {dossier.receipt_number}" in receipt
    seen.append(portal_holds_the_mapped_status(portal, dossier))

    # --- 3. the desk asks for a supplement (Mẫu 02): the clock pauses
    due_before = dossier.due_at
    page.get_by_text("Yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02)").click()
    page.locator("input[name=components][value=TP2]").check()
    page.locator("#bs-reason").fill("Thiếu bản sao Căn cước công dân")
    page.get_by_role("button", name="Gửi yêu cầu bổ sung").click()
    page.get_by_text("thời hạn giải quyết tạm dừng").first.wait_for()
    request_form = pdf_text(
        download(page, "Mẫu 02 — Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", tmp_path / "mau-02.pdf")
    )
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in request_form
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUPPLEMENT_REQUESTED
    assert dossier.paused_at is not None
    paused_at = dossier.paused_at
    seen.append(portal_holds_the_mapped_status(portal, dossier))

    # --- 4. a week later the citizen hands in the supplement: the clock resumes, due date moved
    clock.offset = timedelta(days=7)
    sign_in_citizen(page, world["citizen"], f"/dich-vu-cong/ho-so/{dossier.pk}/")
    page.get_by_role("heading", name="Yêu cầu bổ sung hồ sơ").wait_for()
    page.get_by_label("Tệp bổ sung cho TP2").set_input_files(a_pdf(tmp_path, "cccd.pdf"))
    page.get_by_role("button", name="Nộp hồ sơ bổ sung").click()
    page.get_by_text("Đã nộp hồ sơ bổ sung").wait_for()
    dossier.refresh_from_db()
    paused_days = deadlines.paused_working_days(paused_at, dossier.updated_at)
    assert paused_days >= 4
    assert dossier.paused_at is None
    assert dossier.status == DossierStatus.RECEIVED
    assert dossier.paused_days_total == paused_days
    assert dossier.due_at == deadlines.shift_by_working_days(due_before, paused_days)
    assert dossier.due_at > due_before
    assert dossier.files.filter(component_code="TP2", is_supplement=True).count() == 1
    seen.append(portal_holds_the_mapped_status(portal, dossier))

    # --- 5. the desk completes its step: Công an tỉnh's part opens as a sub-dossier
    sign_in_staff(page, world["desk"])
    open_dossier(page, code)
    page.get_by_text("Hoàn thành bước đang xử lý").click()
    page.get_by_role("button", name="Hoàn thành bước").click()
    page.get_by_text("Đã hoàn thành bước xử lý.").wait_for()
    police_part = dossier.children.get()
    assert police_part.handling_agency == world["police"].agency
    seen.append(portal_holds_the_mapped_status(portal, dossier))
    assert dossier.status == DossierStatus.PROCESSING

    # --- 6. Công an tỉnh verifies and closes its part with its answer
    sign_in_staff(page, world["police"])
    open_dossier(page, police_part.code)
    page.get_by_text("Tải lên kết quả đã ký số và kết thúc xử lý").click()
    page.get_by_label("Tệp kết quả (PDF có chữ ký số)").set_input_files(
        a_pdf(tmp_path, "ket-qua-xac-minh.pdf")
    )
    page.get_by_role("button", name="Lưu kết quả").click()
    page.get_by_text("hồ sơ đã xử lý xong").first.wait_for()
    police_part.refresh_from_db()
    assert police_part.status == DossierStatus.DONE
    justice_part = dossier.children.exclude(pk=police_part.pk).get()
    assert justice_part.handling_agency == world["justice"].agency
    seen.append(portal_holds_the_mapped_status(portal, dossier))
    assert dossier.status == DossierStatus.PROCESSING

    # --- 7. the deciding officer of Sở Tư pháp uploads the signed Phiếu: the dossier is done
    sign_in_staff(page, world["justice"])
    open_dossier(page, justice_part.code)
    page.get_by_text("Tải lên kết quả đã ký số và kết thúc xử lý").click()
    page.get_by_label("Tệp kết quả (PDF có chữ ký số)").set_input_files(
        a_pdf(tmp_path, "phieu-ly-lich-tu-phap.pdf", signed_result(signing_material))
    )
    page.get_by_role("button", name="Lưu kết quả").click()
    page.get_by_text("Đã lưu kết quả (chữ ký số hợp lệ)").wait_for()
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DONE
    assert dossier.result_signed is True
    seen.append(portal_holds_the_mapped_status(portal, dossier))

    # --- 8. the desk returns the result
    sign_in_staff(page, world["desk"])
    open_dossier(page, code)
    page.get_by_label("Trả kết quả").select_option("online")
    page.get_by_role("button", name="Đã trả kết quả").click()
    page.get_by_text("Đã trả kết quả").first.wait_for()
    seen.append(portal_holds_the_mapped_status(portal, dossier))
    assert dossier.status == DossierStatus.RETURNED

    # --- 9. anyone tracks it by code + secret, without signing in
    page.context.clear_cookies()
    page.goto("/dich-vu-cong/tra-cuu/")
    page.get_by_label("Mã hồ sơ").fill(code)
    page.get_by_label("Mã tra cứu").fill(secret)
    page.get_by_role("button", name="Tra cứu").click()
    page.get_by_role("heading", name=f"Hồ sơ {code}").wait_for()
    assert "Đã trả kết quả" in page.locator("#result-title + dl").inner_text()

    # --- 10. the citizen rates the service
    sign_in_citizen(page, world["citizen"], f"/dich-vu-cong/ho-so/{dossier.pk}/")
    page.get_by_role("heading", name="Đánh giá mức độ hài lòng").wait_for()
    page.get_by_label("Rất hài lòng").check()
    page.get_by_role("button", name="Gửi đánh giá").click()
    page.get_by_text("Cảm ơn Ông/Bà đã đánh giá.").wait_for()
    dossier.refresh_from_db()
    assert dossier.rating.level == "very_satisfied"
    seen.append(portal_holds_the_mapped_status(portal, dossier))

    # then the portal went through every status the dossier did, in order
    assert seen == [1, 2, 5, 2, 4, 4, 9, 10, 10]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "one-stop-end-to-end.png"), full_page=True)
