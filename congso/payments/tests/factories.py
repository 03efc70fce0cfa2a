"""Helpers for payment tests: a citizen's open payment, and results signed like the test bank."""

from __future__ import annotations

import secrets
from typing import Any

from congso.accounts.tests.factories import CitizenUserFactory
from congso.payments import signing
from congso.payments.models import Payment
from congso.payments.providers import local_test_secret, unix_now
from congso.payments.services import payment_create


def open_payment(*, amount: int = 150_000, dossier_ref: str = "dossier:1", payer: Any = None):
    payer = payer or CitizenUserFactory.create()
    payment, url = payment_create(
        payer=payer,
        dossier_ref=dossier_ref,
        amount=amount,
        description="Lệ phí cấp giấy phép xây dựng",
        return_path="/dich-vu-cong/ho-so/",
    )
    return payment, url


def signed_result(payment: Payment, **overrides: Any) -> dict[str, str]:
    """A result as the bank sends it; `overrides` change fields before signing."""
    fields = {
        "ref": payment.reference,
        "txn": "NHTN" + secrets.token_hex(6).upper(),
        "amount": str(payment.amount),
        "status": "paid",
        "nonce": secrets.token_hex(16),
        "ts": str(unix_now()),
    }
    fields.update({key: str(value) for key, value in overrides.items()})
    fields["sig"] = signing.sign(local_test_secret(), fields)
    return fields
