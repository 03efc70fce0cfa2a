from django.db import models
from django.utils.translation import gettext_lazy as _


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Chờ thanh toán")
    PAID = "paid", _("Đã thanh toán")
    CANCELLED = "cancelled", _("Đã hủy")


class CallbackOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("Đã ghi nhận")
    DUPLICATE = "duplicate", _("Trùng (đã ghi nhận trước đó)")
    BAD_SIGNATURE = "bad_signature", _("Sai chữ ký")
    REPLAY = "replay", _("Gửi lại (phát lại)")
    UNKNOWN_PAYMENT = "unknown_payment", _("Không có giao dịch")
    AMOUNT_MISMATCH = "amount_mismatch", _("Sai số tiền")
    MALFORMED = "malformed", _("Thiếu hoặc sai dữ liệu")


class BankTransactionStatus(models.TextChoices):
    PAID = "paid", _("Thành công")
    CANCELLED = "cancelled", _("Khách hàng hủy")


class PaymentAuditAction(models.TextChoices):
    CREATED = "payment.created", _("Tạo yêu cầu thanh toán")
    PAID = "payment.paid", _("Ghi nhận đã thanh toán")
    CANCELLED = "payment.cancelled", _("Ghi nhận hủy thanh toán")
    CALLBACK_DUPLICATE = "payment.callback_duplicate", _("Nhận lại kết quả thanh toán đã ghi nhận")
    CALLBACK_REJECTED = "payment.callback_rejected", _("Từ chối kết quả thanh toán")
    BANK_TRANSACTION = "payment.test_bank_transaction", _("Ngân hàng thử nghiệm ghi giao dịch")


class ReconciliationIssue(models.TextChoices):
    PAID_WITHOUT_PROVIDER_RECORD = (
        "paid_without_provider_record",
        _("Đã ghi nhận thanh toán nhưng nhà cung cấp không có giao dịch"),
    )
    PROVIDER_PAID_NOT_RECORDED = (
        "provider_paid_not_recorded",
        _("Nhà cung cấp báo thành công nhưng hệ thống chưa ghi nhận"),
    )
    AMOUNT_DIFFERS = "amount_differs", _("Số tiền khác nhau")
    PAID_WITHOUT_CALLBACK = (
        "paid_without_callback",
        _("Đã thanh toán nhưng không có kết quả hợp lệ"),
    )
    REJECTED_CALLBACKS = "rejected_callbacks", _("Có kết quả thanh toán bị từ chối")
