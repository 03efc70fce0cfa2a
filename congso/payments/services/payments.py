"""Create payments and take in the provider's signed results.

A result is trusted only when its HMAC-SHA256 signature is right, its timestamp is recent and its
nonce is new; every result received is stored and audited, accepted or not, and a refused one
changes no payment. The same result delivered twice (browser return and server notification,
or a retry) is idempotent: the payment is paid once.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.audit.services import audit_record
from congso.payments.constants import (
    CallbackOutcome,
    PaymentAuditAction,
    PaymentStatus,
)
from congso.payments.errors import PaymentRejected
from congso.payments.models import Payment, PaymentCallback, PaymentNonce
from congso.payments.providers import PaymentOrder, payment_provider, unix_now
from congso.payments.signing import SIGNATURE_FIELD

CALLBACK_FIELDS = ("ref", "txn", "amount", "status", "nonce", "ts")
RESULT_STATUSES = {PaymentStatus.PAID.value, PaymentStatus.CANCELLED.value}

REJECTIONS: dict[str, tuple[str, str]] = {
    CallbackOutcome.BAD_SIGNATURE: (
        "payment_bad_signature",
        "Chữ ký của kết quả thanh toán không hợp lệ. Giao dịch không được ghi nhận.",
    ),
    CallbackOutcome.REPLAY: (
        "payment_replay",
        "Kết quả thanh toán này đã được gửi trước đó hoặc đã quá hạn. Giao dịch không được ghi "
        "nhận lại.",
    ),
    CallbackOutcome.MALFORMED: (
        "payment_malformed",
        "Kết quả thanh toán thiếu hoặc sai dữ liệu.",
    ),
    CallbackOutcome.UNKNOWN_PAYMENT: (
        "payment_unknown",
        "Không tìm thấy yêu cầu thanh toán tương ứng.",
    ),
    CallbackOutcome.AMOUNT_MISMATCH: (
        "payment_amount_mismatch",
        "Số tiền trong kết quả thanh toán khác số tiền phải nộp.",
    ),
}


@dataclass(frozen=True)
class CallbackResult:
    payment: Payment
    outcome: str


def _new_reference() -> str:
    return f"TT{timezone.localdate():%y%m%d}{secrets.token_hex(4).upper()}"


def _is_local_path(path: str) -> bool:
    return path.startswith("/") and not path.startswith("//") and "\\" not in path


def payment_create(
    *,
    payer: Any,
    dossier_ref: str,
    amount: int,
    description: str,
    return_path: str,
) -> tuple[Payment, str]:
    """Open (or reuse the open) payment of a dossier's fee; returns it and the provider's URL."""
    if amount <= 0:
        raise PaymentRejected(
            _("Số tiền thanh toán phải lớn hơn 0."), code="payment_amount_invalid"
        )
    if not _is_local_path(return_path):
        raise PaymentRejected(_("Trang quay về không hợp lệ."), code="payment_return_invalid")
    provider = payment_provider()
    with transaction.atomic():
        current = (
            Payment.objects.select_for_update()
            .filter(dossier_ref=dossier_ref)
            .exclude(status=PaymentStatus.CANCELLED)
            .order_by("-id")
            .first()
        )
        if current is not None and current.status == PaymentStatus.PAID:
            raise PaymentRejected(_("Hồ sơ này đã được thanh toán."), code="payment_already_paid")
        if current is not None and current.amount == amount:
            payment = current
            payment.return_path = return_path
            payment.save(update_fields=["return_path", "updated_at"])
        else:
            payment = Payment(
                reference=_new_reference(),
                dossier_ref=dossier_ref,
                payer=payer,
                amount=amount,
                description=description[:255],
                provider=provider.name,
                return_path=return_path,
            )
            payment.full_clean()
            payment.save()
            audit_record(
                actor=payer,
                action=PaymentAuditAction.CREATED,
                target=payment,
                data={"reference": payment.reference, "dossier_ref": dossier_ref, "amount": amount},
            )
    url = provider.create_payment(
        PaymentOrder(
            reference=payment.reference,
            amount=payment.amount,
            description=payment.description,
            callback_path=reverse("payments:callback"),
        )
    )
    return payment, url


def _parse(payload: Mapping[str, Any]) -> tuple[dict[str, str], str]:
    fields = {key: str(payload.get(key, "") or "") for key in CALLBACK_FIELDS}
    return fields, str(payload.get(SIGNATURE_FIELD, "") or "")


def _well_formed(fields: dict[str, str]) -> bool:
    if not all(fields.values()) or fields["status"] not in RESULT_STATUSES:
        return False
    return fields["amount"].isdigit() and fields["ts"].lstrip("-").isdigit()


def _check(fields: dict[str, str], signature: str) -> str | None:
    """The outcome that refuses the result before any payment is looked at, or None."""
    if not payment_provider().verify_callback(signature=signature, payload=fields):
        return CallbackOutcome.BAD_SIGNATURE
    if not _well_formed(fields):
        return CallbackOutcome.MALFORMED
    if abs(unix_now() - int(fields["ts"])) > settings.CONGSO_PAYMENT_CALLBACK_MAX_AGE:
        return CallbackOutcome.REPLAY
    return None


def _nonce_is_new(nonce: str) -> bool:
    try:
        with transaction.atomic():
            PaymentNonce.objects.create(nonce=nonce[:64])
    except IntegrityError:
        return False
    return True


def _apply(payment: Payment, fields: dict[str, str]) -> str:
    """Move the payment as the provider says; the outcome for the callback record."""
    if fields["status"] == PaymentStatus.PAID:
        if payment.status == PaymentStatus.PAID:
            return CallbackOutcome.DUPLICATE
        payment.status = PaymentStatus.PAID
        payment.paid_at = timezone.now()
        payment.settled_on = timezone.localdate(payment.paid_at)
        payment.provider_transaction_id = fields["txn"][:64]
        payment.save(
            update_fields=[
                "status",
                "paid_at",
                "settled_on",
                "provider_transaction_id",
                "updated_at",
            ]
        )
        return CallbackOutcome.ACCEPTED
    if payment.status != PaymentStatus.PENDING:
        return CallbackOutcome.DUPLICATE
    payment.status = PaymentStatus.CANCELLED
    payment.provider_transaction_id = fields["txn"][:64]
    payment.save(update_fields=["status", "provider_transaction_id", "updated_at"])
    return CallbackOutcome.ACCEPTED


def _audit_action(outcome: str, status: str) -> str:
    if outcome in REJECTIONS:
        return PaymentAuditAction.CALLBACK_REJECTED
    if outcome == CallbackOutcome.DUPLICATE:
        return PaymentAuditAction.CALLBACK_DUPLICATE
    return PaymentAuditAction.PAID if status == PaymentStatus.PAID else PaymentAuditAction.CANCELLED


def payment_callback_receive(
    *, payload: Mapping[str, Any], channel: str, remote_addr: str = ""
) -> CallbackResult:
    """Take in one provider result (browser return or server notification).

    Raises `PaymentRejected` (codes `payment_bad_signature`, `payment_replay`, `payment_malformed`,
    `payment_unknown`, `payment_amount_mismatch`) after storing and auditing the refusal.
    """
    fields, signature = _parse(payload)
    outcome = _check(fields, signature)
    payment: Payment | None = None
    with transaction.atomic():
        if outcome is None:
            payment = Payment.objects.select_for_update().filter(reference=fields["ref"]).first()
            if payment is None:
                outcome = CallbackOutcome.UNKNOWN_PAYMENT
            elif int(fields["amount"]) != payment.amount:
                outcome = CallbackOutcome.AMOUNT_MISMATCH
            elif not _nonce_is_new(fields["nonce"]):
                outcome = CallbackOutcome.REPLAY
            else:
                outcome = _apply(payment, fields)
        stored = {**fields, SIGNATURE_FIELD: signature[:128]}
        callback = PaymentCallback.objects.create(
            payment=payment,
            reference=fields["ref"][:64],
            channel=channel[:10],
            outcome=outcome,
            payload=stored,
            remote_addr=remote_addr[:64],
        )
        audit_record(
            actor=None,
            action=_audit_action(outcome, fields["status"]),
            target=payment or callback,
            data={"outcome": outcome, "callback": callback.pk, "channel": channel, **fields},
        )
    if outcome in REJECTIONS:
        code, message = REJECTIONS[outcome]
        raise PaymentRejected(_(message), code=code, details={"outcome": outcome})
    assert payment is not None
    return CallbackResult(payment=payment, outcome=outcome)
