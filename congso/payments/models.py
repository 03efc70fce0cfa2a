"""Payments of fees (phí, lệ phí), the provider callbacks we received, and the test bank's ledger.

A payment names what it pays for by a plain reference string (`dossier_ref`), so this app does not
depend on the dossiers app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from congso.core.models import TimeStampedModel
from congso.payments.constants import BankTransactionStatus, CallbackOutcome, PaymentStatus


class Payment(TimeStampedModel):
    reference = models.CharField(_("mã thanh toán"), max_length=32, unique=True)
    dossier_ref = models.CharField(_("hồ sơ"), max_length=64, db_index=True)
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nộp"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
    )
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    description = models.CharField(_("nội dung"), max_length=255)
    provider = models.CharField(_("nhà cung cấp"), max_length=40)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    provider_transaction_id = models.CharField(
        _("mã giao dịch ngân hàng"), max_length=64, blank=True
    )
    paid_at = models.DateTimeField(_("thời điểm thanh toán"), null=True, blank=True)
    # The local (Asia/Ho_Chi_Minh) day the money was settled: the key of reconciliation.
    settled_on = models.DateField(_("ngày quyết toán"), null=True, blank=True, db_index=True)
    return_path = models.CharField(_("trang quay về"), max_length=255)

    class Meta:
        verbose_name = _("thanh toán")
        verbose_name_plural = _("thanh toán")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="payment_amount_positive"
            ),
            models.CheckConstraint(
                condition=~models.Q(status=PaymentStatus.PAID) | models.Q(paid_at__isnull=False),
                name="payment_paid_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.amount} đ, {self.get_status_display()})"


class PaymentCallback(models.Model):
    """Every callback received, accepted or not: the evidence for reconciliation and audit."""

    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="callbacks"
    )
    reference = models.CharField(_("mã thanh toán trong kết quả"), max_length=64, blank=True)
    received_at = models.DateTimeField(_("thời điểm nhận"), auto_now_add=True, db_index=True)
    channel = models.CharField(_("đường nhận"), max_length=10)  # "return" (browser) or "ipn"
    outcome = models.CharField(_("kết quả xử lý"), max_length=20, choices=CallbackOutcome.choices)
    payload = models.JSONField(_("dữ liệu nhận được"), default=dict)
    remote_addr = models.CharField(_("địa chỉ gửi"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("kết quả thanh toán nhận được")
        verbose_name_plural = _("kết quả thanh toán nhận được")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.reference} ({self.channel}): {self.outcome}"


class PaymentNonce(models.Model):
    """A nonce seen in a correctly signed callback: a second use is a replay."""

    nonce = models.CharField(max_length=64, unique=True)
    seen_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.nonce


class TestBankTransaction(models.Model):
    """The ledger of the local test bank (the provider's own records, for reconciliation)."""

    __test__ = False  # not a pytest test class, despite the name

    transaction_id = models.CharField(_("mã giao dịch"), max_length=32, unique=True)
    merchant_reference = models.CharField(_("mã thanh toán của đơn vị"), max_length=64)
    amount = models.PositiveBigIntegerField(_("số tiền"))
    description = models.CharField(_("nội dung"), max_length=255)
    status = models.CharField(_("trạng thái"), max_length=10, choices=BankTransactionStatus.choices)
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("giao dịch ngân hàng thử nghiệm")
        verbose_name_plural = _("giao dịch ngân hàng thử nghiệm")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.transaction_id} {self.merchant_reference} {self.amount} đ"
