"""Financial obligation (portal status 6) and stopping (8): the services, the stop notice, the
desk buttons, the API actions, and refusals."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader
from rest_framework.test import APIClient

from congso.audit.models import AuditEntry
from congso.core.errors import ValidationFailed
from congso.dossiers import deadlines
from congso.dossiers.constants import DossierAction, DossierStatus, EventKind
from congso.dossiers.errors import DossierNotFound, InvalidTransition, StepForbidden
from congso.dossiers.models import DossierEvent
from congso.dossiers.printing import builders, render_stop_notice
from congso.dossiers.services import (
    dossier_counter_create,
    dossier_fee_paid,
    dossier_fee_request,
    dossier_finish,
    dossier_receive,
    dossier_return,
    dossier_step_complete,
    dossier_stop,
)
from congso.dossiers.tests.conftest import Clock, pdf_upload
from congso.workdays.calendar import LOCAL_TZ

pytestmark = pytest.mark.django_db

APPLICANT = {
    "applicant_name": "Nguyễn Thị Hoa",
    "applicant_address": "Phường Quyết Thắng, thành phố Kon Tum",
    "applicant_phone": "0905123456",
    "applicant_email": "hoa@example.vn",
}


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


@pytest.fixture
def received(clock: Clock, procedure: Any, desk_officer: Any) -> Any:
    """A counter dossier received on Monday 02/03/2020 09:00 (3 working days)."""
    clock.set(2020, 3, 2, 9, 0)
    dossier, _secret = dossier_counter_create(
        desk_officer, procedure, APPLICANT, files=[("TP1", pdf_upload())]
    )
    return dossier_receive(desk_officer, dossier)


def test_a_fee_request_pauses_the_clock_and_the_payment_resumes_it(
    clock: Clock, received: Any, desk_officer: Any
) -> None:
    # given the dossier due Thursday 05/03/2020 17:00
    due_before = received.due_at
    assert due_before == datetime(2020, 3, 5, 17, 0, tzinfo=LOCAL_TZ)
    # when the agency asks for 1.200.000 đồng on Tuesday 03/03
    clock.set(2020, 3, 3, 10, 0)
    asked = dossier_fee_request(desk_officer, received, 1_200_000, "Lệ phí trước bạ")
    # then the dossier waits with the clock stopped
    assert asked.status == DossierStatus.FEE_REQUESTED
    assert asked.paused_at == clock.now
    assert asked.status_before_pause == DossierStatus.RECEIVED
    event = DossierEvent.objects.get(dossier=asked, kind=EventKind.FEE_REQUESTED)
    assert event.portal_status == 6
    assert event.data["amount"] == 1_200_000
    # when the payment is recorded on Friday 06/03 (Wed, Thu, Fri: 3 working days paused)
    clock.set(2020, 3, 6, 9, 0)
    paid = dossier_fee_paid(desk_officer, asked, "BL-0001234")
    # then handling resumes where it stood and the due date moves by those working days
    days = deadlines.paused_working_days(datetime(2020, 3, 3, 10, tzinfo=LOCAL_TZ), clock.now)
    assert days == 3
    assert paid.status == DossierStatus.RECEIVED
    assert paid.paused_at is None
    assert paid.paused_days_total == Decimal(days)
    assert paid.due_at == deadlines.shift_by_working_days(due_before, days)
    assert paid.due_at == datetime(2020, 3, 10, 17, 0, tzinfo=LOCAL_TZ)
    resumed = DossierEvent.objects.get(dossier=paid, kind=EventKind.FEE_PAID)
    assert resumed.data["payment_reference"] == "BL-0001234"
    assert resumed.data["paused_days"] == 3
    assert resumed.portal_status == 2
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {DossierAction.FEE_REQUESTED, DossierAction.FEE_PAID} <= actions


def test_stopping_is_final_and_the_notice_says_why(
    clock: Clock, received: Any, desk_officer: Any
) -> None:
    # given a dossier being handled
    clock.set(2020, 3, 3, 14, 0)
    # when the agency stops it
    stopped = dossier_stop(desk_officer, received, "Người nộp không nộp tiền đúng hạn")
    # then it is stopped, its steps closed, the event carries portal status 8
    assert stopped.status == DossierStatus.STOPPED
    assert not stopped.steps.filter(finished_at__isnull=True).exists()
    event = DossierEvent.objects.get(dossier=stopped, kind=EventKind.STOPPED)
    assert event.portal_status == 8
    assert AuditEntry.objects.filter(action=DossierAction.STOPPED).count() == 1
    # and the notice names the dossier, the applicant, the reason and the signer
    text = pdf_text(render_stop_notice(builders.stop_notice_data(stopped)))
    assert "THÔNG BÁO" in text
    assert "Về việc dừng giải quyết hồ sơ thủ tục hành chính" in text
    assert f"Kính gửi: {APPLICANT['applicant_name']}" in text
    assert stopped.code
    assert stopped.code in text
    assert "Người nộp không nộp tiền đúng hạn" in text
    assert "ngày 03 tháng 3 năm 2020" in text
    assert desk_officer.display_name in text
    # and nothing moves it afterwards
    with pytest.raises(InvalidTransition):
        dossier_fee_request(desk_officer, stopped, 10_000, "Lệ phí")
    with pytest.raises(InvalidTransition):
        dossier_stop(desk_officer, stopped, "Lần hai")


def test_a_waiting_fee_request_can_end_in_a_stop(received: Any, desk_officer: Any) -> None:
    # given a dossier waiting for a payment
    asked = dossier_fee_request(desk_officer, received, 50_000, "Phí thẩm định")
    # when it is stopped
    stopped = dossier_stop(desk_officer, asked, "Quá hạn nộp tiền")
    # then the pause ends with it and a late payment is refused
    assert stopped.paused_at is None
    with pytest.raises(InvalidTransition):
        dossier_fee_paid(None, stopped, "TT200303ABCD")


def test_bad_input_is_refused_and_audited(
    clock: Clock, received: Any, desk_officer: Any, other_officer: Any, citizen: Any
) -> None:
    # given a returned dossier (result done and handed back)
    clock.set(2020, 3, 3, 9, 0)
    for _ in range(2):
        dossier_step_complete(desk_officer, received)
    # when another agency tries to stop or ask for money
    with pytest.raises(StepForbidden):
        dossier_stop(other_officer, received, "Không phải việc của tôi")
    with pytest.raises(StepForbidden):
        dossier_fee_request(other_officer, received, 10_000, "Phí")
    # when the amount is not a positive whole number of đồng, or the reason is empty
    for amount in (0, -5, "12.5", "abc", True):
        with pytest.raises(ValidationFailed) as refused:
            dossier_fee_request(desk_officer, received, amount, "Phí")  # type: ignore[arg-type]
        assert refused.value.code == "dossier_fee_amount_invalid"
    with pytest.raises(ValidationFailed) as empty:
        dossier_fee_request(desk_officer, received, 10_000, "  ")
    assert empty.value.code == "text_required"
    # when a citizen declares their own payment, or another's
    with pytest.raises(DossierNotFound):
        dossier_fee_paid(citizen, received, "BL1")
    # then nothing changed and each refusal is audited
    received.refresh_from_db()
    assert received.status == DossierStatus.PROCESSING
    assert received.paused_at is None
    refusals = AuditEntry.objects.filter(action=DossierAction.REFUSED_INPUT)
    codes = [entry.data["code"] for entry in refusals]
    assert codes.count("dossier_step_forbidden") == 2
    assert "dossier_fee_amount_invalid" in codes
    # given the result returned
    dossier_finish(desk_officer, received, pdf_upload("ket-qua.pdf"))
    returned = dossier_return(desk_officer, received)
    # when someone tries to stop it or ask for a fee
    with pytest.raises(InvalidTransition) as late:
        dossier_stop(desk_officer, returned, "Dừng")
    with pytest.raises(InvalidTransition):
        dossier_fee_request(desk_officer, returned, 10_000, "Phí")
    # then the code is stable and the status unchanged
    assert late.value.code == "dossier_invalid_transition"
    returned.refresh_from_db()
    assert returned.status == DossierStatus.RETURNED


def test_a_submitted_dossier_is_refused_not_stopped(
    procedure: Any, desk_officer: Any, citizen: Any
) -> None:
    # given a counter dossier not yet received
    dossier, _secret = dossier_counter_create(
        desk_officer, procedure, APPLICANT, files=[("TP1", pdf_upload())]
    )
    # when / then
    with pytest.raises(InvalidTransition):
        dossier_stop(desk_officer, dossier, "Không đủ điều kiện")
    with pytest.raises(InvalidTransition):
        dossier_fee_request(desk_officer, dossier, 10_000, "Phí")


# --- Desk pages ---------------------------------------------------------------------------------


def test_the_desk_asks_for_money_records_it_and_stops_from_the_dossier_page(
    client: Client, received: Any, desk_officer: Any
) -> None:
    # given the officer on the dossier page
    client.force_login(desk_officer)
    page = client.get(reverse("dossiers:detail", args=[received.pk])).content.decode()
    assert "Yêu cầu thực hiện nghĩa vụ tài chính" in page
    assert "Dừng xử lý hồ sơ" in page
    # when they ask for money
    response = client.post(
        reverse("dossiers:fee-request", args=[received.pk]),
        {"amount": "350000", "reason": "Lệ phí cấp giấy chứng nhận"},
        follow=True,
    )
    # then the dossier waits and the page offers to record the payment
    received.refresh_from_db()
    assert received.status == DossierStatus.FEE_REQUESTED
    assert "thời hạn giải quyết tạm dừng" in response.content.decode()
    assert "Ghi nhận đã nộp tiền" in response.content.decode()
    # when they record it
    client.post(reverse("dossiers:fee-paid", args=[received.pk]), {"payment_reference": "BL-42"})
    received.refresh_from_db()
    assert received.status == DossierStatus.RECEIVED
    # when they stop it
    response = client.post(
        reverse("dossiers:stop", args=[received.pk]), {"reason": "Hồ sơ giả mạo"}, follow=True
    )
    # then the stop notice is offered and prints as a PDF with the reason
    received.refresh_from_db()
    assert received.status == DossierStatus.STOPPED
    assert "Thông báo dừng giải quyết hồ sơ" in response.content.decode()
    notice = client.get(reverse("dossiers:form-pdf", args=[received.pk, "thong-bao-dung"]))
    assert notice["Content-Type"] == "application/pdf"
    assert "Hồ sơ giả mạo" in pdf_text(notice.content)


def test_the_desk_page_shows_a_refusal_as_a_message(
    client: Client, received: Any, other_officer: Any, desk_officer: Any
) -> None:
    # given a bad amount typed on the page
    client.force_login(desk_officer)
    # when
    client.post(reverse("dossiers:fee-request", args=[received.pk]), {"amount": "0", "reason": "x"})
    # then nothing changed
    received.refresh_from_db()
    assert received.status == DossierStatus.RECEIVED


# --- API ----------------------------------------------------------------------------------------


def test_the_api_actions(received: Any, desk_officer: Any, other_officer: Any) -> None:
    api = APIClient()
    api.force_authenticate(desk_officer)
    base = f"/api/v1/dossiers/{received.pk}/"
    # when the fee is requested
    answer = api.post(base + "fee-request/", {"amount": 90_000, "reason": "Phí"}, format="json")
    # then the detail comes back in the new status
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == DossierStatus.FEE_REQUESTED
    # when an invalid amount is sent, or the wrong agency acts
    assert api.post(base + "fee-paid/", {}, format="json").status_code == 400
    other = APIClient()
    other.force_authenticate(other_officer)
    refused = other.post(base + "stop/", {"reason": "x"}, format="json")
    assert refused.status_code == 404  # not visible to that agency at all
    # when paid, then stopped
    assert (
        api.post(base + "fee-paid/", {"payment_reference": "BL9"}, format="json").json()["status"]
        == DossierStatus.RECEIVED
    )
    stopped = api.post(base + "stop/", {"reason": "Dừng theo đề nghị"}, format="json")
    assert stopped.json()["status"] == DossierStatus.STOPPED
    # then a second stop is a stable conflict
    again = api.post(base + "stop/", {"reason": "Lần hai"}, format="json")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "dossier_invalid_transition"
