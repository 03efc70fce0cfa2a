"""What the connector keeps: receipts of packages registered here, status replies to send, and
incidents (packages or statuses refused, sends that failed for good).

The outgoing side's outbox rows are `documents.OutboxMessage` (written in the issuing
transaction); the replies it receives land on `documents.OutgoingRecipient`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExchangeReceipt(models.Model):
    """One edXML package registered here: at most one per (sender, DocumentId, recipient agency),
    created in the transaction that registers the incoming document, so a package delivered twice
    registers once."""

    sender_code = models.CharField(_("mã cơ quan gửi"), max_length=13)
    document_id = models.CharField(_("mã văn bản (DocumentId)"), max_length=100)
    recipient_code = models.CharField(_("mã cơ quan nhận"), max_length=13)
    hub_message_id = models.CharField(_("mã gói tin trên trục"), max_length=64, blank=True)
    response_for_code = models.CharField(_("số, ký hiệu"), max_length=50, blank=True)
    incoming_document = models.OneToOneField(
        "documents.IncomingDocument",
        verbose_name=_("văn bản đến"),
        on_delete=models.PROTECT,
        related_name="exchange_receipt",
    )
    last_status_code = models.CharField(_("trạng thái đã báo"), max_length=2, blank=True)
    # "new", or "update"/"replace" when the package replaced or updated an earlier document
    # (Bussiness/DocumentId), whose receipt is `supersedes` when it was registered here.
    business_kind = models.CharField(_("nghiệp vụ"), max_length=8, default="new")
    supersedes = models.ForeignKey(
        "self",
        verbose_name=_("thay thế / cập nhật văn bản"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    created_at = models.DateTimeField(_("nhận lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("gói tin đã nhận")
        verbose_name_plural = _("gói tin đã nhận")
        constraints = [
            models.UniqueConstraint(
                fields=["sender_code", "document_id", "recipient_code"],
                name="exchange_receipt_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sender_code} {self.document_id} → {self.recipient_code}"


class StatusMessageState(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi lỗi")


class StatusMessage(models.Model):
    """A status reply (QCVN 102:2016 StatusCode) to send to the original sender: an outbox row
    written in the transaction that changed the incoming document (or refused the package)."""

    from_code = models.CharField(_("mã cơ quan báo"), max_length=13)
    to_code = models.CharField(_("mã cơ quan gửi văn bản"), max_length=13)
    document_id = models.CharField(_("mã văn bản (DocumentId)"), max_length=100)
    response_for_code = models.CharField(_("số, ký hiệu"), max_length=50, blank=True)
    status_code = models.CharField(_("mã trạng thái"), max_length=2)
    description = models.CharField(_("mô tả"), max_length=500, blank=True)
    occurred_at = models.DateTimeField(_("thời điểm"))
    receipt = models.ForeignKey(
        ExchangeReceipt,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="status_messages",
    )
    state = models.CharField(
        _("trạng thái gửi"),
        max_length=8,
        choices=StatusMessageState.choices,
        default=StatusMessageState.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    hub_status_id = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("phản hồi trạng thái")
        verbose_name_plural = _("phản hồi trạng thái")
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="exchange_status_due")]

    def __str__(self) -> str:
        return f"{self.status_code} {self.document_id} → {self.to_code}"


class IncidentKind(models.TextChoices):
    PACKAGE_REFUSED = "package_refused", _("Gói tin văn bản bị từ chối")
    STATUS_REFUSED = "status_refused", _("Gói tin trạng thái bị từ chối")
    SEND_FAILED = "send_failed", _("Gửi văn bản qua trục thất bại")
    STATUS_SEND_FAILED = "status_send_failed", _("Gửi trạng thái qua trục thất bại")
    REVOKE_REFUSED = "revoke_refused", _("Yêu cầu thu hồi không thực hiện được")


class ExchangeIncident(models.Model):
    """Something the connector refused or could not do, kept for the clerk and the administrator:
    which package, from whom, the stable problem code and its Vietnamese explanation."""

    kind = models.CharField(_("loại"), max_length=20, choices=IncidentKind.choices)
    code = models.CharField(_("mã lỗi"), max_length=50)
    message = models.CharField(_("mô tả"), max_length=1000)
    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan liên quan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    hub_message_id = models.CharField(_("mã gói tin trên trục"), max_length=64, blank=True)
    sender_code = models.CharField(_("mã cơ quan gửi"), max_length=13, blank=True)
    recipient_code = models.CharField(_("mã cơ quan nhận"), max_length=13, blank=True)
    document_id = models.CharField(_("mã văn bản (DocumentId)"), max_length=100, blank=True)
    status_reply_sent = models.BooleanField(_("đã báo từ chối (02)"), default=False)
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("sự cố liên thông")
        verbose_name_plural = _("sự cố liên thông")
        indexes = [models.Index(fields=["agency", "-created_at"], name="exchange_incident_agency")]

    def __str__(self) -> str:
        return f"{self.code}: {self.message[:60]}"


class BusinessKind(models.TextChoices):
    """TraceHeaderList/Bussiness kinds sent after the first package (standards.md §4.3–4.4)."""

    REVOKE = "revoke", _("Thu hồi")
    UPDATE = "update", _("Cập nhật")
    REPLACE = "replace", _("Thay thế")


class BusinessOrigin(models.TextChoices):
    RELATION = "relation", _("Thu hồi, thay thế, đính chính văn bản")
    REQUEST = "request", _("Văn thư yêu cầu lấy lại")


class BusinessMessage(models.Model):
    """An outbox row for a revoke / update / replace package to one outside recipient of an
    issued document, written in the transaction that revoked, replaced or corrected it (or in
    the clerk's request to take it back). `original` is the document concerned
    (Bussiness/DocumentId) and `recipient` its recipient row, where the answers (13/15/16, or
    the new document's 01…) land; `document` is what travels: the original for a revoke, the
    new document for a replace or update."""

    kind = models.CharField(_("nghiệp vụ"), max_length=8, choices=BusinessKind.choices)
    origin = models.CharField(_("nguồn"), max_length=10, choices=BusinessOrigin.choices)
    document = models.ForeignKey(
        "documents.OutgoingDocument", on_delete=models.PROTECT, related_name="+"
    )
    original = models.ForeignKey(
        "documents.OutgoingDocument", on_delete=models.PROTECT, related_name="+"
    )
    recipient = models.ForeignKey(
        "documents.OutgoingRecipient", on_delete=models.PROTECT, related_name="business_messages"
    )
    reason = models.CharField(_("lý do"), max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người yêu cầu"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        _("trạng thái gửi"),
        max_length=8,
        choices=StatusMessageState.choices,
        default=StatusMessageState.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    hub_message_id = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("lập lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("gói tin thu hồi, thay thế, cập nhật")
        verbose_name_plural = _("gói tin thu hồi, thay thế, cập nhật")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "document", "recipient"], name="exchange_business_once"
            ),
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="exchange_business_due")]

    def __str__(self) -> str:
        return f"{self.kind} {self.original_id} → {self.recipient_id}"


class RevokeState(models.TextChoices):
    PENDING = "pending", _("Chờ văn thư quyết định")
    ACCEPTED = "accepted", _("Đã đồng ý thu hồi")
    REFUSED = "refused", _("Đã từ chối thu hồi")


class RevokeRequest(models.Model):
    """A revoke package received here (one per hub message): the sender asks this agency to
    give back (thu hồi) a document it registered. Answered 13 while the clerk decides, then 15
    (agreed, the incoming document is revoked) or 16 (refused, with the reason)."""

    sender_code = models.CharField(_("mã cơ quan gửi"), max_length=13)
    document_id = models.CharField(_("mã văn bản (DocumentId)"), max_length=100)
    recipient_code = models.CharField(_("mã cơ quan nhận"), max_length=13)
    hub_message_id = models.CharField(_("mã gói tin trên trục"), max_length=64)
    reason = models.CharField(_("lý do thu hồi"), max_length=500, blank=True)
    receipt = models.ForeignKey(
        ExchangeReceipt,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revoke_requests",
    )
    state = models.CharField(
        _("trạng thái"), max_length=8, choices=RevokeState.choices, default=RevokeState.PENDING
    )
    refusal_reason = models.CharField(_("lý do từ chối"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("nhận lúc"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("yêu cầu thu hồi đã nhận")
        verbose_name_plural = _("yêu cầu thu hồi đã nhận")
        constraints = [
            models.UniqueConstraint(
                fields=["hub_message_id", "recipient_code"], name="exchange_revoke_once"
            ),
        ]

    def __str__(self) -> str:
        return f"revoke {self.document_id} ({self.state})"


class RecipientStatusEvent(models.Model):
    """Every status reply an outside recipient sent about an outgoing document, in order
    (01 → 03 → …), kept beside the latest one on `OutgoingRecipient`."""

    recipient = models.ForeignKey(
        "documents.OutgoingRecipient", on_delete=models.CASCADE, related_name="status_events"
    )
    status_code = models.CharField(_("mã trạng thái"), max_length=2)
    occurred_at = models.DateTimeField(_("thời điểm"))
    description = models.CharField(_("mô tả"), max_length=500, blank=True)
    hub_status_id = models.CharField(max_length=64, blank=True, db_index=True)
    received_at = models.DateTimeField(_("nhận lúc"), auto_now_add=True)

    class Meta:
        ordering = ["occurred_at", "pk"]
        verbose_name = _("trạng thái nơi nhận")
        verbose_name_plural = _("trạng thái nơi nhận")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "status_code", "occurred_at"], name="exchange_event_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.status_code} {self.recipient_id} {self.occurred_at:%Y-%m-%d %H:%M}"
