"""Incoming documents (văn bản đến), their files, distribution and handling.

Field names follow Nghị định 30/2020/NĐ-CP, Phụ lục VI, part II (in brackets: the standard's name).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from congso.core.models import TimeStampedModel
from congso.documents.constants import (
    AssignmentRole,
    AssignmentStatus,
    FileRole,
    HandlingNoteKind,
    IncomingSource,
    IncomingStatus,
)
from congso.signatures.constants import ValidationVerdict


class IncomingDocument(TimeStampedModel):
    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan nhận"),
        on_delete=models.PROTECT,
        related_name="incoming_documents",
    )
    register = models.ForeignKey(
        "documents.DocumentRegister",
        verbose_name=_("sổ đăng ký"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incoming_documents",
    )
    # Empty while an internal arrival waits for the clerk (status "received") or was returned.
    arrival_number = models.PositiveIntegerField(
        _("số đến"), null=True, blank=True
    )  # ArrivalNumber
    arrived_at = models.DateTimeField(_("ngày, tháng, năm đến"))  # ArrivalDate
    document_type = models.ForeignKey(
        "catalogues.DocumentType",
        verbose_name=_("tên loại văn bản"),
        on_delete=models.PROTECT,
        related_name="+",
    )  # TypeName
    code_number = models.CharField(_("số của văn bản"), max_length=11, blank=True)  # CodeNumber
    code_notation = models.CharField(_("ký hiệu"), max_length=30, blank=True)  # CodeNotation
    issued_on = models.DateField(_("ngày, tháng, năm văn bản"))  # IssuedDate
    issuer = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan ban hành (trong hệ thống)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organ_id = models.CharField(_("mã định danh cơ quan ban hành"), max_length=13, blank=True)
    organ_name = models.CharField(_("tên cơ quan, tổ chức ban hành"), max_length=200)  # OrganName
    subject = models.CharField(_("trích yếu nội dung"), max_length=500)  # Subject
    language = models.CharField(_("ngôn ngữ"), max_length=30, default="Tiếng Việt")  # Language
    page_amount = models.PositiveIntegerField(_("số trang"), null=True, blank=True)  # PageAmount
    description = models.CharField(_("ghi chú"), max_length=500, blank=True)  # Description
    signer_position = models.CharField(_("chức vụ người ký"), max_length=100, blank=True)
    signer_full_name = models.CharField(_("họ tên người ký"), max_length=50, blank=True)
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
    to_places = models.CharField(_("đơn vị hoặc người nhận"), max_length=1000, blank=True)
    due_on = models.DateField(_("thời hạn giải quyết"), null=True, blank=True)  # DueDate
    status = models.CharField(
        _("trạng thái"),
        max_length=12,
        choices=IncomingStatus.choices,
        default=IncomingStatus.ACCEPTED,
    )
    source = models.CharField(_("nguồn"), max_length=10, choices=IncomingSource.choices)
    source_outgoing = models.ForeignKey(
        "documents.OutgoingDocument",
        verbose_name=_("văn bản đi gốc"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="internal_deliveries",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người vào sổ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    completed_at = models.DateTimeField(_("hoàn thành lúc"), null=True, blank=True)
    returned_at = models.DateTimeField(_("trả lại lúc"), null=True, blank=True)
    return_reason = models.CharField(_("lý do trả lại"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("văn bản đến")
        verbose_name_plural = _("văn bản đến")
        constraints = [
            models.UniqueConstraint(
                fields=["register", "arrival_number"], name="incoming_unique_arrival_number"
            ),
            models.CheckConstraint(
                condition=models.Q(status=IncomingStatus.RECEIVED)
                | models.Q(status=IncomingStatus.RETURNED)
                | models.Q(status=IncomingStatus.REVOKED)
                | models.Q(arrival_number__isnull=False, register__isnull=False),
                name="incoming_registered_has_number",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "-arrived_at"], name="incoming_agency_arrived"),
            models.Index(fields=["agency", "status"], name="incoming_agency_status"),
            models.Index(fields=["code_number", "code_notation"], name="incoming_number_notation"),
        ]

    def __str__(self) -> str:
        if self.arrival_number is None:
            return f"Chờ vào sổ: {self.subject[:60]}"
        return f"Đến số {self.arrival_number}: {self.subject[:60]}"

    @property
    def number_notation(self) -> str:
        """Số, ký hiệu as printed: `05/QĐ-UBND`."""
        if self.code_number and self.code_notation:
            return f"{self.code_number}/{self.code_notation}"
        return self.code_number or self.code_notation


class IncomingFile(models.Model):
    document = models.ForeignKey(IncomingDocument, on_delete=models.CASCADE, related_name="files")
    stored_file = models.ForeignKey(
        "documents.StoredFile", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("tên tệp"), max_length=255)
    role = models.CharField(_("vai trò"), max_length=12, choices=FileRole.choices)
    ordinal = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    # Digital-signature check of a PDF at registration and on demand (Điều 21 khoản 2); empty
    # for other files and for files not checked yet. The report is kept by the signatures app.
    signature_verdict = models.CharField(
        _("kết quả kiểm tra chữ ký số"),
        max_length=20,
        choices=ValidationVerdict.choices,
        blank=True,
    )
    signature_summary = models.CharField(
        _("tóm tắt kiểm tra chữ ký số"), max_length=500, blank=True
    )
    signature_report = models.ForeignKey(
        "signatures.ValidationRecord",
        verbose_name=_("biên bản kiểm tra chữ ký số"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signature_checked_at = models.DateTimeField(
        _("thời điểm kiểm tra chữ ký số"), null=True, blank=True
    )

    class Meta:
        ordering = ["ordinal", "pk"]
        verbose_name = _("tệp văn bản đến")
        verbose_name_plural = _("tệp văn bản đến")

    def __str__(self) -> str:
        return self.name


class Assignment(TimeStampedModel):
    """The leader's distribution: a unit or a person handles the document as lead, co-handler or
    for information, with a direction note and a deadline (Nghị định 30/2020/NĐ-CP, Điều 23)."""

    document = models.ForeignKey(
        IncomingDocument, on_delete=models.CASCADE, related_name="assignments"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("giao tiếp từ"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    role = models.CharField(_("vai trò"), max_length=12, choices=AssignmentRole.choices)
    unit = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xử lý"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="document_assignments",
    )
    direction_note = models.TextField(_("ý kiến chỉ đạo"), blank=True)
    due_on = models.DateField(_("hạn xử lý"), null=True, blank=True)
    status = models.CharField(
        _("trạng thái"),
        max_length=12,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.PENDING,
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người giao"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("thay mặt (ủy quyền)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    completed_at = models.DateTimeField(_("hoàn thành lúc"), null=True, blank=True)
    reminded_before_at = models.DateTimeField(null=True, blank=True)
    reminded_due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("phân công xử lý")
        verbose_name_plural = _("phân công xử lý")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unit__isnull=False) | models.Q(assignee__isnull=False),
                name="assignment_has_unit_or_person",
            ),
        ]
        indexes = [
            models.Index(fields=["assignee", "status", "due_on"], name="assignment_person_due"),
            models.Index(fields=["unit", "status", "due_on"], name="assignment_unit_due"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.assignee_id or self.unit_id}"


class HandlingNote(models.Model):
    """An opinion, progress report, direction, completion or return recorded on a document."""

    document = models.ForeignKey(IncomingDocument, on_delete=models.CASCADE, related_name="notes")
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("loại"), max_length=12, choices=HandlingNoteKind.choices)
    text = models.TextField(_("nội dung"))
    progress_percent = models.PositiveSmallIntegerField(_("tiến độ (%)"), null=True, blank=True)
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("ý kiến xử lý")
        verbose_name_plural = _("ý kiến xử lý")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:40]}"
