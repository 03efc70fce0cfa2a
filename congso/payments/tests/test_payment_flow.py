"""A payer goes to the test bank, pays or cancels, and the signed result comes back."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from congso.audit.models import AuditEntry
from congso.payments.constants import CallbackOutcome, PaymentAuditAction, PaymentStatus
from congso.payments.errors import PaymentRejected
from congso.payments.models import Payment, PaymentCallback, TestBankTransaction
from congso.payments.services import payment_create
from congso.payments.tests.factories import open_payment

pytestmark = pytest.mark.django_db


def _form_fields(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def test_the_payer_pays_at_the_test_bank_and_the_payment_is_recorded(client):
    # given: an open payment and the URL the provider sends the payer to
    payment, url = open_payment(amount=150_000)
    assert url.startswith("/thanh-toan-thu/?")
    # when: the payer opens the bank page
    page = client.get(url)
    # then: the bank shows the order
    assert page.status_code == 200
    content = page.content.decode()
    assert "150.000 đ" in content
    assert payment.reference in content
    assert "NGÂN HÀNG THỬ NGHIỆM" in content
    # when: the payer presses "Thanh toán"
    answer = client.post("/thanh-toan-thu/", {**_form_fields(url), "action": "pay"})
    # then: the bank sends the browser to our callback with a signed result
    assert answer.status_code == 302
    callback_url = answer["Location"]
    assert callback_url.startswith("/thanh-toan/ket-qua/?")
    result = _form_fields(callback_url)
    assert {"ref", "txn", "amount", "status", "nonce", "ts", "sig"} <= set(result)
    # when: the browser follows it
    back = client.get(callback_url)
    # then: the payment is paid and the payer is back on the portal
    assert back.status_code == 302
    assert back["Location"] == "/dich-vu-cong/ho-so/"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert payment.provider_transaction_id == result["txn"]
    assert payment.settled_on is not None
    bank = TestBankTransaction.objects.get()
    assert (bank.merchant_reference, bank.amount, bank.status) == (
        payment.reference,
        150_000,
        "paid",
    )
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {PaymentAuditAction.CREATED, PaymentAuditAction.PAID} <= actions


def test_the_payer_cancels_at_the_bank(client):
    # given
    payment, url = open_payment()
    # when
    answer = client.post("/thanh-toan-thu/", {**_form_fields(url), "action": "cancel"})
    client.get(answer["Location"])
    # then
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CANCELLED
    assert payment.paid_at is None


def test_a_tampered_payment_request_is_refused_by_the_bank(client):
    # given: the payer edits the amount in the URL
    payment, url = open_payment(amount=150_000)
    fields = _form_fields(url)
    fields["amount"] = "1000"
    # when
    page = client.get("/thanh-toan-thu/", fields)
    post = client.post("/thanh-toan-thu/", {**fields, "action": "pay"})
    # then
    assert page.status_code == post.status_code == 400
    assert "Yêu cầu thanh toán không hợp lệ" in page.content.decode()
    assert not TestBankTransaction.objects.exists()


def test_an_open_payment_is_reused_and_a_paid_one_refuses_a_second_payment(client):
    # given
    payment, _ = open_payment(dossier_ref="dossier:9")
    # when: the payer presses "pay" again
    again, _ = payment_create(
        payer=payment.payer,
        dossier_ref="dossier:9",
        amount=payment.amount,
        description="x",
        return_path="/dich-vu-cong/",
    )
    # then
    assert again.pk == payment.pk
    # given: it is paid
    Payment.objects.filter(pk=payment.pk).update(
        status=PaymentStatus.PAID, paid_at=payment.created_at
    )
    # when / then
    with pytest.raises(PaymentRejected) as caught:
        payment_create(
            payer=payment.payer,
            dossier_ref="dossier:9",
            amount=payment.amount,
            description="x",
            return_path="/dich-vu-cong/",
        )
    assert caught.value.code == "payment_already_paid"


@pytest.mark.parametrize(
    ("amount", "return_path", "code"),
    [
        (0, "/x/", "payment_amount_invalid"),
        (1000, "https://evil.example/", "payment_return_invalid"),
    ],
)
def test_bad_payment_requests_are_refused(amount, return_path, code):
    with pytest.raises(PaymentRejected) as caught:
        payment_create(
            payer=None, dossier_ref="d", amount=amount, description="x", return_path=return_path
        )
    assert caught.value.code == code
    assert not Payment.objects.exists()


def test_callback_records_every_result(client):
    # given
    payment, url = open_payment()
    answer = client.post("/thanh-toan-thu/", {**_form_fields(url), "action": "pay"})
    # when
    client.get(answer["Location"])
    # then
    callback = PaymentCallback.objects.get()
    assert callback.outcome == CallbackOutcome.ACCEPTED
    assert callback.channel == "return"
    assert callback.payment_id == payment.pk
