"""Bad signatures, replays, stale or mismatched results: refused, stored, audited, nothing paid."""

from __future__ import annotations

import pytest

from congso.audit.models import AuditEntry
from congso.payments.constants import CallbackOutcome, PaymentAuditAction, PaymentStatus
from congso.payments.models import PaymentCallback
from congso.payments.providers import unix_now
from congso.payments.tests.factories import open_payment, signed_result

pytestmark = pytest.mark.django_db


def _assert_refused(response, code: str, payment, outcome: str) -> None:
    assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert payment.paid_at is None
    assert PaymentCallback.objects.filter(outcome=outcome).count() == 1
    assert AuditEntry.objects.filter(action=PaymentAuditAction.CALLBACK_REJECTED).count() == 1


def test_a_result_with_a_bad_signature_is_refused(client):
    # given: a correctly signed result whose amount is then changed
    payment, _ = open_payment(amount=150_000)
    result = signed_result(payment)
    result["status"] = "paid"
    result["sig"] = result["sig"][:-4] + "0000"
    # when
    response = client.get("/thanh-toan/ket-qua/", result)
    # then
    _assert_refused(response, "payment_bad_signature", payment, CallbackOutcome.BAD_SIGNATURE)
    assert "payment_bad_signature" in response.content.decode()
    assert "Chữ ký của kết quả thanh toán không hợp lệ" in response.content.decode()


def test_a_result_without_signature_is_refused_over_ipn_in_json(client):
    # given
    payment, _ = open_payment()
    result = signed_result(payment)
    del result["sig"]
    # when
    response = client.post("/thanh-toan/ket-qua/", result)
    # then
    _assert_refused(response, "payment_bad_signature", payment, CallbackOutcome.BAD_SIGNATURE)
    assert response.json()["error"]["code"] == "payment_bad_signature"


def test_a_replayed_result_is_refused_and_the_payment_is_paid_once(client):
    # given: a result that was accepted
    payment, _ = open_payment()
    result = signed_result(payment)
    first = client.get("/thanh-toan/ket-qua/", result)
    assert first.status_code == 302
    # when: the very same result arrives again (same nonce)
    second = client.post("/thanh-toan/ket-qua/", result)
    # then
    assert second.status_code == 400
    assert second.json()["error"]["code"] == "payment_replay"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    outcomes = sorted(PaymentCallback.objects.values_list("outcome", flat=True))
    assert outcomes == [CallbackOutcome.ACCEPTED, CallbackOutcome.REPLAY]
    assert AuditEntry.objects.filter(action=PaymentAuditAction.PAID).count() == 1
    assert AuditEntry.objects.filter(action=PaymentAuditAction.CALLBACK_REJECTED).count() == 1


def test_a_stale_result_is_refused_as_a_replay(client, settings):
    # given: correctly signed but older than the accepted age
    payment, _ = open_payment()
    result = signed_result(payment, ts=unix_now() - settings.CONGSO_PAYMENT_CALLBACK_MAX_AGE - 5)
    # when
    response = client.post("/thanh-toan/ket-qua/", result)
    # then
    _assert_refused(response, "payment_replay", payment, CallbackOutcome.REPLAY)
    assert response.json()["error"]["code"] == "payment_replay"


def test_a_signed_result_with_another_amount_is_refused(client):
    # given
    payment, _ = open_payment(amount=150_000)
    result = signed_result(payment, amount=1_000)
    # when
    response = client.post("/thanh-toan/ket-qua/", result)
    # then
    _assert_refused(response, "payment_amount_mismatch", payment, CallbackOutcome.AMOUNT_MISMATCH)


def test_a_result_for_an_unknown_payment_is_refused(client):
    # given
    payment, _ = open_payment()
    result = signed_result(payment, ref="TT000000NOPE")
    # when
    response = client.post("/thanh-toan/ket-qua/", result)
    # then
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "payment_unknown"
    assert PaymentCallback.objects.get().outcome == CallbackOutcome.UNKNOWN_PAYMENT


def test_the_same_payment_reported_twice_with_new_nonces_is_idempotent(client):
    # given: the browser return was accepted
    payment, _ = open_payment()
    result = signed_result(payment, txn="NHTN1")
    client.get("/thanh-toan/ket-qua/", result)
    paid_at = type(payment).objects.get(pk=payment.pk).paid_at
    # when: the provider's server notification for the same transaction arrives (own nonce)
    ipn = client.post("/thanh-toan/ket-qua/", signed_result(payment, txn="NHTN1"))
    # then
    assert ipn.status_code == 200
    assert ipn.json() == {"result": "ok", "outcome": CallbackOutcome.DUPLICATE}
    payment.refresh_from_db()
    assert payment.paid_at == paid_at
    assert AuditEntry.objects.filter(action=PaymentAuditAction.PAID).count() == 1
