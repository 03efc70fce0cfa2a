"""The local test bank's side: check the payment request it is sent, record its own transaction,
and build the signed result it sends back to the merchant's callback URL."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.db import transaction
from django.utils.translation import gettext as _

from congso.audit.services import audit_record
from congso.payments import signing
from congso.payments.constants import BankTransactionStatus, PaymentAuditAction
from congso.payments.errors import PaymentRejected
from congso.payments.models import TestBankTransaction
from congso.payments.providers import local_test_secret, unix_now

ORDER_FIELDS = ("ref", "amount", "desc", "callback", "ts")
# A payment request older than this is refused by the bank (seconds).
ORDER_MAX_AGE = 3600


def test_bank_order_check(params: Mapping[str, Any]) -> dict[str, str]:
    """The merchant's signed request, checked; raises `test_bank_bad_request` otherwise."""
    order = {key: str(params.get(key, "") or "") for key in ORDER_FIELDS}
    signature = str(params.get(signing.SIGNATURE_FIELD, "") or "")
    valid = (
        signing.verify(local_test_secret(), order, signature)
        and order["amount"].isdigit()
        and int(order["amount"]) > 0
        and order["ts"].isdigit()
        and unix_now() - int(order["ts"]) <= ORDER_MAX_AGE
        and order["callback"].startswith("/")
        and not order["callback"].startswith("//")
    )
    if not valid:
        raise PaymentRejected(
            _("Yêu cầu thanh toán không hợp lệ hoặc đã hết hạn."), code="test_bank_bad_request"
        )
    order[signing.SIGNATURE_FIELD] = signature
    return order


@transaction.atomic
def test_bank_respond(*, params: Mapping[str, Any], pay: bool) -> str:
    """The payer pressed "Thanh toán" (or "Hủy"): record the bank transaction and return the
    merchant callback URL carrying the signed result (nonce + timestamp)."""
    order = test_bank_order_check(params)
    status = BankTransactionStatus.PAID if pay else BankTransactionStatus.CANCELLED
    row = TestBankTransaction.objects.create(
        transaction_id=f"NHTN{secrets.token_hex(6).upper()}",
        merchant_reference=order["ref"],
        amount=int(order["amount"]),
        description=order["desc"][:255],
        status=status,
    )
    audit_record(
        actor=None,
        action=PaymentAuditAction.BANK_TRANSACTION,
        target=row,
        data={"reference": order["ref"], "amount": row.amount, "status": status},
    )
    result = {
        "ref": order["ref"],
        "txn": row.transaction_id,
        "amount": order["amount"],
        "status": str(status),
        "nonce": secrets.token_hex(16),
        "ts": str(unix_now()),
    }
    result[signing.SIGNATURE_FIELD] = signing.sign(local_test_secret(), result)
    return f"{order['callback']}?{urlencode(result)}"
