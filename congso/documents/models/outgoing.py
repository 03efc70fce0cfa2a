"""Outgoing documents (văn bản đi): drafts, versions, review circuit, numbering, recipients.

Field names follow Nghị định 30/2020/NĐ-CP, Phụ lục VI, part I.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from congso.core.models import TimeStampedModel
from congso.documents.constants import (
    EXCHANGE_STATUS_NAMES,
    DeliveryStatus,
    FileRole,
    OutboxStatus,
    OutgoingStatus,
    RelationKind,
    RenditionStatus,
    ReviewStepKind,
    ReviewStepStatus,
    SignatureState,
    VersionOrigin,
)


class OutgoingDocument(TimeStampedModel):
    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan ban hành"),
        on_delete=models.PROTECT,
        related_name="outgoing_documents",
    )
    drafting_unit = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("đơn vị soạn thảo"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    document_type = models.ForeignKey(
        "catalogues.DocumentType",
        verbose_name=_("tên loại văn bản"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject = models.CharField(_("trích yếu nội dung"), max_length=500)
    addressed_to = models.CharField(
        _("kính gửi"), max_length=500, blank=True, help_text=_("Công văn: ô 9a, Kính gửi")
    )
    body = models.TextField(_("nội dung"), blank=True)
    status = models.CharField(
        _("trạng thái"),
        max_length=12,
        choices=OutgoingStatus.choices,
        default=OutgoingStatus.DRAFT,
    )
    signature_state = models.CharField(
        _("trạng thái ký số"),
        max_length=16,
        choices=SignatureState.choices,
        default=SignatureState.NOT_SIGNED,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người soạn thảo"),
        on_delete=models.PROTECT,
        related_name="drafted_documents",
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ký"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signed_documents",
    )
    signing_authority = models.CharField(
        _("quyền hạn ký"), max_length=10, blank=True, help_text=_("TM., KT., TL., TUQ., Q.")
    )
    signer_position = models.CharField(_("chức vụ người ký"), max_length=100, blank=True)
    signer_full_name = models.CharField(_("họ tên người ký"), max_length=50, blank=True)
    register = models.ForeignKey(
        "documents.DocumentRegister",
        verbose_name=_("sổ đăng ký"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outgoing_documents",
    )
    code_number = models.PositiveIntegerField(_("số"), null=True, blank=True)  # CodeNumber
    code_notation = models.CharField(_("ký hiệu"), max_length=30, blank=True)  # CodeNotation
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)  # IssuedDate
    issued_at = models.DateTimeField(_("thời điểm ban hành"), null=True, blank=True)
    place_name = models.CharField(_("địa danh"), max_length=100, blank=True)
    urgency = models.ForeignKey(
        "catalogues.UrgencyLevel",
        verbose_name=_("mức độ khẩn"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    secrecy = models.ForeignKey(
        "catalogues.SecrecyLevel",
        verbose_name=_("độ mật"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_secret = models.BooleanField(_("văn bản mật"), default=False, db_index=True)
    reply_due_on = models.DateField(_("hạn trả lời"), null=True, blank=True)  # DueDate
    issued_amount = models.PositiveSmallIntegerField(_("số lượng bản"), null=True, blank=True)
    page_amount = models.PositiveIntegerField(_("số trang"), null=True, blank=True)
    storage_note = models.CharField(_("lưu"), max_length=100, blank=True)  # "Lưu: VT, VX."
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("văn bản đi")
        verbose_name_plural = _("văn bản đi")
        constraints = [
            models.UniqueConstraint(
                fields=["register", "code_number"],
                name="outgoing_unique_number",
                condition=models.Q(code_number__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "status", "-updated_at"], name="outgoing_agency_status"),
            models.Index(fields=["agency", "-issued_at"], name="outgoing_agency_issued"),
        ]

    def __str__(self) -> str:
        return self.number_notation or f"Dự thảo: {self.subject[:60]}"

    @property
    def number_notation(self) -> str:
        """`05/QĐ-UBND`: numbers below 10 take a leading zero (Phụ lục I, mục II.3)."""
        if self.code_number is None:
            return ""
        return f"{self.code_number:02d}/{self.code_notation}"


class OutgoingVersion(models.Model):
    """One immutable version of the draft: its rendered PDF (and source file) never change."""

    document = models.ForeignKey(
        OutgoingDocument, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("phiên bản"))
    rendered_file = models.ForeignKey(
        "documents.StoredFile",
        verbose_name=_("bản PDF"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rendition_status = models.CharField(
        _("trạng thái bản PDF"),
        max_length=8,
        choices=RenditionStatus.choices,
        default=RenditionStatus.READY,
    )
    origin = models.CharField(
        _("nguồn"), max_length=8, choices=VersionOrigin.choices, default=VersionOrigin.COMPOSED
    )
    source_file = models.ForeignKey(
        "documents.StoredFile",
        verbose_name=_("tệp gốc"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    content = models.JSONField(_("nội dung soạn thảo"), default=dict, blank=True)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("phiên bản dự thảo")
        verbose_name_plural = _("phiên bản dự thảo")
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="version_unique_number"),
        ]

    def __str__(self) -> str:
        return f"v{self.number}"


class OutgoingAttachment(models.Model):
    document = models.ForeignKey(
        OutgoingDocument, on_delete=models.CASCADE, related_name="attachments"
    )
    stored_file = models.ForeignKey(
        "documents.StoredFile", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("tên tệp"), max_length=255)
    role = models.CharField(_("vai trò"), max_length=12, choices=FileRole.choices)
    ordinal = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        ordering = ["ordinal", "pk"]

    def __str__(self) -> str:
        return self.name


class ReviewStep(models.Model):
    """One step of the circuit: sequential reviewers, then the signer."""

    document = models.ForeignKey(
        OutgoingDocument, on_delete=models.CASCADE, related_name="review_steps"
    )
    ordinal = models.PositiveSmallIntegerField(_("thứ tự"))
    kind = models.CharField(_("loại"), max_length=8, choices=ReviewStepKind.choices)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người duyệt"),
        on_delete=models.PROTECT,
        related_name="review_steps",
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=ReviewStepStatus.choices,
        default=ReviewStepStatus.WAITING,
    )
    version = models.ForeignKey(
        OutgoingVersion,
        verbose_name=_("phiên bản được duyệt"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    comment = models.TextField(_("ý kiến"), blank=True)
    decided_at = models.DateTimeField(_("thời điểm"), null=True, blank=True)
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện (ủy quyền)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["ordinal"]
        constraints = [
            models.UniqueConstraint(fields=["document", "ordinal"], name="review_unique_ordinal"),
        ]
        indexes = [models.Index(fields=["reviewer", "status"], name="review_reviewer_status")]

    def __str__(self) -> str:
        return f"{self.ordinal}. {self.get_kind_display()} – {self.reviewer_id}"


class OutgoingComment(models.Model):
    document = models.ForeignKey(
        OutgoingDocument, on_delete=models.CASCADE, related_name="comments"
    )
    version = models.ForeignKey(
        OutgoingVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("ý kiến"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:40]


class OutgoingRecipient(models.Model):
    """Nơi nhận: an agency of this installation (delivered as an incoming document) or an outside
    body (an outbox record for the exchange)."""

    document = models.ForeignKey(
        OutgoingDocument, on_delete=models.CASCADE, related_name="recipients"
    )
    agency = models.ForeignKey(
        "organizations.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("tên nơi nhận"), max_length=200)
    organ_id = models.CharField(_("mã định danh"), max_length=13, blank=True)
    is_for_information = models.BooleanField(_("để báo cáo / để biết"), default=False)
    delivery_status = models.CharField(
        _("trạng thái chuyển"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    delivered_document = models.ForeignKey(
        "documents.IncomingDocument",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    delivered_at = models.DateTimeField(null=True, blank=True)
    # The latest status reply of an outside recipient through the exchange hub (QCVN 102:2016
    # StatusCode 01–06, 13, 15, 16), its time at the recipient and its description (a refusal's
    # reason for 02). Written by the exchange app when a status package arrives.
    exchange_status_code = models.CharField(_("trạng thái liên thông"), max_length=2, blank=True)
    exchange_status_at = models.DateTimeField(
        _("thời điểm trạng thái liên thông"), null=True, blank=True
    )
    exchange_status_description = models.CharField(
        _("mô tả trạng thái liên thông"), max_length=500, blank=True
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def exchange_status_display(self) -> str:
        """`03 – Đã tiếp nhận`; empty before the first reply."""
        if not self.exchange_status_code:
            return ""
        name = EXCHANGE_STATUS_NAMES.get(self.exchange_status_code, "")
        return f"{self.exchange_status_code} – {name}" if name else self.exchange_status_code


class OutboxMessage(TimeStampedModel):
    """A transactional-outbox row for one external recipient; the exchange app sends it.

    Secret documents never get one (Nghị định 30/2020/NĐ-CP; QĐ 28/2018/QĐ-TTg): enforced in the
    issuing service and by a test.
    """

    document = models.ForeignKey(
        OutgoingDocument, on_delete=models.PROTECT, related_name="outbox_messages"
    )
    recipient = models.OneToOneField(
        OutgoingRecipient, on_delete=models.PROTECT, related_name="outbox_message"
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    # Set by the exchange app: when the next attempt is due (exponential back-off), the hub's id
    # of the sent message and when it was accepted.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    hub_message_id = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"], name="outbox_status_created")]

    def __str__(self) -> str:
        return f"outbox {self.pk}: {self.status}"


class DocumentRelation(TimeStampedModel):
    """A later issued document that replaces, corrects or revokes an earlier one (Điều 18)."""

    source = models.ForeignKey(
        OutgoingDocument, on_delete=models.PROTECT, related_name="relations_out"
    )
    target = models.ForeignKey(
        OutgoingDocument, on_delete=models.PROTECT, related_name="relations_in"
    )
    kind = models.CharField(_("loại"), max_length=10, choices=RelationKind.choices)
    reason = models.CharField(_("lý do"), max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="relation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.kind} {self.target_id}"
