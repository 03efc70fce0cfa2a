"""The payment-provider interface and the local test provider (a test bank served by congso).

A provider turns a payment into a URL to send the payer to, checks the signature of the result it
sends back, and lists its own records of a day for reconciliation. Gateways such as VNPay or the
national payment platform plug in here behind `CONGSO_PAYMENT_PROVIDER`.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Protocol
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from congso.payments import signing


@dataclass(frozen=True)
class PaymentOrder:
    reference: str
    amount: int
    description: str
    callback_path: str


@dataclass(frozen=True)
class ProviderRecord:
    transaction_id: str
    reference: str
    amount: int
    status: str


class PaymentProvider(Protocol):
    name: str

    def create_payment(self, order: PaymentOrder) -> str:
        """The URL the payer is redirected to."""
        ...

    def verify_callback(self, *, signature: str, payload: Mapping[str, str]) -> bool: ...

    def records_on(self, day: date) -> list[ProviderRecord]: ...


def local_test_secret() -> bytes:
    configured = settings.CONGSO_PAYMENT_TEST_SECRET
    if configured:
        return str(configured).encode("utf-8")
    return hmac.new(
        settings.SECRET_KEY.encode("utf-8"), b"congso.payments.local-test-bank", hashlib.sha256
    ).digest()


class LocalTestProvider:
    """The test bank at /thanh-toan-thu/: the payer really goes there, presses "Thanh toán", and
    the bank sends a signed result (nonce + timestamp) back to our callback URL."""

    name = "local_test"

    def create_payment(self, order: PaymentOrder) -> str:
        fields = {
            "ref": order.reference,
            "amount": str(order.amount),
            "desc": order.description,
            "callback": order.callback_path,
            "ts": str(int(time.time())),
        }
        fields[signing.SIGNATURE_FIELD] = signing.sign(local_test_secret(), fields)
        return f"{reverse('testbank:pay')}?{urlencode(fields)}"

    def verify_callback(self, *, signature: str, payload: Mapping[str, str]) -> bool:
        return signing.verify(local_test_secret(), payload, signature)

    def records_on(self, day: date) -> list[ProviderRecord]:
        from congso.payments.selectors import test_bank_transactions_on

        return [
            ProviderRecord(
                transaction_id=row.transaction_id,
                reference=row.merchant_reference,
                amount=row.amount,
                status=row.status,
            )
            for row in test_bank_transactions_on(day)
        ]


def payment_provider() -> PaymentProvider:
    provider: PaymentProvider = import_string(settings.CONGSO_PAYMENT_PROVIDER)()
    return provider


def unix_now() -> int:
    return int(timezone.now().timestamp())
