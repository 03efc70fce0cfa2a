"""The citizen's side of a financial obligation (pay the requested amount through the test bank;
the signed result resumes the dossier) and of a stopped dossier (the stop notice)."""

from __future__ import annotations

import io
import secrets
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from congso.accounts.tests.factories import CitizenUserFactory, StaffUserFactory
from congso.core.identity import Role
from congso.dossiers import deadlines
from congso.dossiers.constants import DossierStatus, EventKind
from congso.dossiers.models import Dossier
from congso.dossiers.services import (
    dossier_draft_create,
    dossier_fee_request,
    dossier_file_add,
    dossier_receive,
    dossier_stop,
    dossier_submit,
)
from congso.notifications.models import Notification
from congso.payments import signing
from congso.payments.constants import CallbackOutcome, PaymentStatus
from congso.payments.models import Payment, PaymentCallback
from congso.payments.providers import local_test_secret, unix_now
from congso.portal.fees import fee_payment_ref
from congso.portal.tests.conftest import pdf_upload
from congso.workdays.calendar import LOCAL_TZ

pytestmark = pytest.mark.django_db


class Clock:
    """A settable `timezone.now`; the citizen's session (8 hours) is renewed at each move."""

    def __init__(self, client: Client, citizen: Any) -> None:
        self.now = datetime(2020, 3, 2, 9, 0, tzinfo=LOCAL_TZ)
        self.client, self.citizen = client, citizen

    def set(self, year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
        self.now = datetime(year, month, day, hour, minute, tzinfo=LOCAL_TZ)
        self.client.force_login(self.citizen)
        return self.now


@pytest.fixture
def clock(monkeypatch: Any, client: Client, citizen: Any) -> Clock:
    from django.utils import timezone

    current = Clock(client, citizen)
    monkeypatch.setattr(timezone, "now", lambda: current.now)
    client.force_login(citizen)
    return current


@pytest.fixture
def officer(desk_agency: Any) -> Any:
    return StaffUserFactory(
        agency=desk_agency, roles=[Role.ONE_STOP_OFFICER], full_name="Lê Văn Một Cửa"
    )


@pytest.fixture
def received(clock: Clock, citizen: Any, free_procedure: Any, officer: Any) -> Dossier:
    """An online dossier received on Monday 02/03/2020 09:00."""
    draft = dossier_draft_create(
        citizen,
        free_procedure,
        {
            "applicant_name": "Y Blốc",
            "applicant_email": "ybloc@example.vn",
            "form_data": {"ho_ten": "Y Blốc"},
        },
    )
    dossier_file_add(citizen, draft, "TP1", pdf_upload())
    dossier, _secret = dossier_submit(citizen, draft)
    return dossier_receive(officer, dossier)


def _follow_to_bank(client: Client, dossier: Dossier) -> dict[str, str]:
    response = client.post(reverse("portal:dossier-fee-pay", args=[dossier.pk]))
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    assert url.path == reverse("testbank:pay")
    return dict(parse_qsl(url.query))


def test_the_citizen_pays_the_requested_amount_and_handling_resumes(
    clock: Clock,
    citizen_client: Client,
    received: Dossier,
    officer: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given the agency asked for 120.000 đồng on Tuesday 03/03 10:00
    due_before = received.due_at
    assert due_before is not None
    clock.set(2020, 3, 3, 10, 0)
    with django_capture_on_commit_callbacks(execute=True):
        dossier_fee_request(officer, received, 120_000, "Lệ phí cấp bản sao trích lục")
    # then the applicant is told the amount
    told = Notification.objects.filter(recipient="ybloc@example.vn")
    assert any("Số tiền phải nộp: 120.000 đồng" in n.body for n in told)
    # when the citizen opens the dossier
    page = citizen_client.get(reverse("portal:dossier", args=[received.pk])).content.decode()
    # then the amount and the reason are shown with a pay button
    assert "Yêu cầu thực hiện nghĩa vụ tài chính" in page
    assert "120.000 đ" in page
    assert "Lệ phí cấp bản sao trích lục" in page
    # when they go to the test bank on Friday 06/03 and press "Thanh toán"
    order = _follow_to_bank(citizen_client, received)
    assert order["amount"] == "120000"
    assert order["callback"] == reverse("portal:fee-callback")
    clock.set(2020, 3, 6, 9, 0)
    assert citizen_client.get(reverse("testbank:pay"), order).status_code == 200
    bank = citizen_client.post(reverse("testbank:pay"), {**order, "action": "pay"})
    assert bank.status_code == 302
    assert urlsplit(bank["Location"]).path == reverse("portal:fee-callback")
    # and the bank sends the browser back with the signed result
    back = citizen_client.get(bank["Location"], follow=True)
    # then the payment is paid, the dossier resumed, the due date moved by the paused days
    payment = Payment.objects.get(reference=order["ref"])
    assert payment.status == PaymentStatus.PAID
    assert payment.dossier_ref == fee_payment_ref(
        received.pk, received.events.get(kind=EventKind.FEE_REQUESTED).pk
    )
    received.refresh_from_db()
    assert received.status == DossierStatus.RECEIVED
    assert received.paused_at is None
    assert received.paused_days_total == Decimal(3)
    assert received.due_at == deadlines.shift_by_working_days(due_before, 3)
    event = received.events.get(kind=EventKind.FEE_PAID)
    assert event.actor is None
    assert event.data["payment_reference"] == payment.reference
    assert back.redirect_chain[-1][0] == reverse("portal:dossier", args=[received.pk])
    assert "hồ sơ tiếp tục được giải quyết" in back.content.decode()
    # when the provider's server notification (IPN) arrives afterwards for the same payment
    result = {
        "ref": payment.reference,
        "txn": payment.provider_transaction_id,
        "amount": str(payment.amount),
        "status": "paid",
        "nonce": secrets.token_hex(16),
        "ts": str(unix_now()),
    }
    result[signing.SIGNATURE_FIELD] = signing.sign(local_test_secret(), result)
    ipn = Client().post(reverse("portal:fee-callback"), result)
    # then it is a duplicate: the dossier resumed once
    assert ipn.json() == {"result": "ok", "outcome": CallbackOutcome.DUPLICATE}
    assert received.events.filter(kind=EventKind.FEE_PAID).count() == 1


def test_a_forged_result_changes_nothing(
    clock: Clock, citizen_client: Client, received: Dossier, officer: Any
) -> None:
    # given a fee request and an open payment
    dossier_fee_request(officer, received, 50_000, "Phí")
    order = _follow_to_bank(citizen_client, received)
    # when a result with a wrong signature arrives
    forged = {
        "ref": order["ref"],
        "txn": "NHTNFAKE",
        "amount": "50000",
        "status": "paid",
        "nonce": "n1",
        "ts": str(unix_now()),
        signing.SIGNATURE_FIELD: "00" * 32,
    }
    answer = Client().post(reverse("portal:fee-callback"), forged)
    # then it is refused and the dossier still waits
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "payment_bad_signature"
    received.refresh_from_db()
    assert received.status == DossierStatus.FEE_REQUESTED
    assert PaymentCallback.objects.filter(outcome=CallbackOutcome.BAD_SIGNATURE).count() == 1


def test_nothing_to_pay_without_a_request(citizen_client: Client, received: Dossier) -> None:
    # when
    response = citizen_client.post(
        reverse("portal:dossier-fee-pay", args=[received.pk]), follow=True
    )
    # then
    assert "không có yêu cầu nộp tiền nào đang chờ" in response.content.decode()
    assert not Payment.objects.exists()


def test_the_citizen_reads_the_stop_notice(
    clock: Clock, citizen_client: Client, received: Dossier, officer: Any
) -> None:
    # given the agency stopped the dossier
    dossier_stop(officer, received, "Người nộp đề nghị dừng giải quyết")
    # when the citizen opens it
    page = citizen_client.get(reverse("portal:dossier", args=[received.pk])).content.decode()
    # then status 8's label, the reason and the notice are there
    assert "Dừng xử lý" in page
    assert "Người nộp đề nghị dừng giải quyết" in page
    notice = citizen_client.get(reverse("portal:dossier-stop-notice", args=[received.pk]))
    assert notice["Content-Type"] == "application/pdf"
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(notice.content)).pages).split()
    )
    assert "Kính gửi: Y Blốc" in text
    assert "Người nộp đề nghị dừng giải quyết" in text
    # and another citizen gets a 404
    other = Client()
    other.force_login(CitizenUserFactory.create())
    assert other.get(reverse("portal:dossier-stop-notice", args=[received.pk])).status_code == 404


def test_no_stop_notice_before_a_stop(citizen_client: Client, received: Dossier) -> None:
    response = citizen_client.get(reverse("portal:dossier-stop-notice", args=[received.pk]))
    assert response.status_code == 404
