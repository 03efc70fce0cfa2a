"""Dossiers (hồ sơ thủ tục hành chính) under the one-stop mechanism (NĐ 61/2018,
TT 01/2018/TT-VPCP).

A dossier is drafted online (or taken at the counter), submitted, received with a Mẫu 01 receipt,
handled step by step along the procedure's internal process (Mẫu 05 rows are `DossierStep`),
possibly split into sub-dossiers for other agencies (liên thông), finished with a signed result and
returned. Every change leaves a `DossierEvent` (history, with the portal status code) and one
audit entry. Deadlines: congso/dossiers/deadlines.py.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from congso.core.models import TimeStampedModel
from congso.dossiers.constants import (
    Channel,
    DossierStatus,
    RatingLevel,
    ResultChannel,
    StepOutcome,
)


def dossier_file_path(instance: models.Model, filename: str) -> str:
    sha = getattr(instance, "sha256", "") or "x" * 64
    return f"dossiers/files/{sha[:2]}/{sha[2:4]}/{sha}"


def dossier_result_path(instance: models.Model, filename: str) -> str:
    return f"dossiers/results/{instance.pk or 'new'}/{filename}"


class Dossier(TimeStampedModel):
    code = models.CharField(
        _("mã hồ sơ"),
        max_length=40,
        unique=True,
        null=True,
        blank=True,
        help_text=_("{mã cơ quan tiếp nhận}-{yymmdd}-{4 chữ số}; cấp khi nộp hồ sơ."),
    )
    procedure = models.ForeignKey(
        "procedures.Procedure",
        verbose_name=_("thủ tục hành chính"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    receiving_agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="dossiers_received",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("hồ sơ gốc (liên thông)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    handling_agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan giải quyết"),
        on_delete=models.PROTECT,
        related_name="dossiers_handled",
    )
    channel = models.PositiveSmallIntegerField(
        _("kênh nộp"), choices=Channel.choices, default=Channel.ONLINE
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản người nộp"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    applicant_name = models.CharField(_("tên cá nhân, tổ chức"), max_length=255)
    applicant_id_number = models.CharField(_("số CCCD / mã số thuế"), max_length=20, blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    applicant_phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    summary = models.TextField(_("nội dung yêu cầu giải quyết"), blank=True)
    form_data = models.JSONField(_("dữ liệu biểu mẫu"), default=dict, blank=True)
    status = models.CharField(
        _("trạng thái"),
        max_length=24,
        choices=DossierStatus.choices,
        default=DossierStatus.DRAFT,
    )
    status_before_pause = models.CharField(
        _("trạng thái trước khi tạm dừng"), max_length=24, blank=True
    )
    lookup_secret_hash = models.CharField(_("mã tra cứu (băm)"), max_length=64, blank=True)
    submitted_at = models.DateTimeField(_("thời điểm nộp"), null=True, blank=True)
    received_at = models.DateTimeField(_("thời điểm tiếp nhận"), null=True, blank=True)
    processing_days = models.DecimalField(
        _("thời hạn giải quyết (ngày làm việc)"),
        max_digits=6,
        decimal_places=1,
        default=Decimal("0"),
        help_text=_("Chép từ thủ tục khi tiếp nhận."),
    )
    legal_due_at = models.DateTimeField(
        _("hạn theo quy định"),
        null=True,
        blank=True,
        help_text=_("Hạn theo quy định, đã cộng thời gian chờ bổ sung; không tính gia hạn."),
    )
    due_at = models.DateTimeField(_("hẹn trả kết quả"), null=True, blank=True)
    paused_at = models.DateTimeField(_("tạm dừng từ"), null=True, blank=True)
    paused_days_total = models.DecimalField(
        _("số ngày làm việc tạm dừng"), max_digits=6, decimal_places=1, default=Decimal("0")
    )
    extended_due_at = models.DateTimeField(_("hẹn lại (gia hạn)"), null=True, blank=True)
    extension_reason = models.TextField(_("lý do gia hạn"), blank=True)
    finished_at = models.DateTimeField(_("thời điểm xử lý xong"), null=True, blank=True)
    returned_at = models.DateTimeField(_("thời điểm trả kết quả"), null=True, blank=True)
    result_channel = models.CharField(
        _("hình thức nhận kết quả"),
        max_length=10,
        choices=ResultChannel.choices,
        default=ResultChannel.COUNTER,
    )
    result_file = models.FileField(
        _("tệp kết quả"), upload_to=dossier_result_path, max_length=255, blank=True
    )
    result_signed = models.BooleanField(_("kết quả có chữ ký số hợp lệ"), default=False)
    result_signature_verdict = models.CharField(
        _("kết quả kiểm tra chữ ký số"), max_length=20, blank=True
    )
    result_signature_summary = models.CharField(
        _("tóm tắt kiểm tra chữ ký số"), max_length=500, blank=True
    )
    refusal_reason = models.TextField(_("lý do từ chối"), blank=True)
    receipt_number = models.CharField(_("số giấy tiếp nhận"), max_length=30, blank=True)
    register_book = models.CharField(_("sổ theo dõi — quyển số"), max_length=20, blank=True)
    register_seq = models.PositiveIntegerField(_("sổ theo dõi — số thứ tự"), null=True, blank=True)

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        indexes = [
            models.Index(fields=["status", "due_at"], name="dossier_status_due"),
            models.Index(fields=["handling_agency", "status"], name="dossier_handling_status"),
            models.Index(fields=["receiving_agency", "status"], name="dossier_receiving_status"),
            models.Index(fields=["applicant", "status"], name="dossier_applicant_status"),
        ]

    def __str__(self) -> str:
        return self.code or f"#{self.pk} ({self.get_status_display()})"


class DossierCodeCounter(models.Model):
    """The last sequence number used in dossier codes of an agency on a day (gap-free)."""

    agency = models.ForeignKey(
        "organizations.Agency", on_delete=models.PROTECT, related_name="dossier_code_counters"
    )
    day = models.DateField(_("ngày"))
    last = models.PositiveIntegerField(_("số cuối đã cấp"), default=0)

    class Meta:
        verbose_name = _("bộ đếm mã hồ sơ")
        verbose_name_plural = _("bộ đếm mã hồ sơ")
        constraints = [
            models.UniqueConstraint(fields=["agency", "day"], name="dossier_code_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day}: {self.last}"


class DossierRegisterCounter(models.Model):
    """Sổ theo dõi hồ sơ (Mẫu 06): one book per receiving agency and year, gap-free numbers."""

    agency = models.ForeignKey(
        "organizations.Agency", on_delete=models.PROTECT, related_name="dossier_registers"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    last = models.PositiveIntegerField(_("số cuối đã cấp"), default=0)

    class Meta:
        verbose_name = _("sổ theo dõi hồ sơ")
        verbose_name_plural = _("sổ theo dõi hồ sơ")
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="dossier_register_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.year}: {self.last}"


class PortalStatusMapping(models.Model):
    """Local status → national portal TrangThaiHoSo (editable; standards.md §6.3: keep a table)."""

    status = models.CharField(
        _("trạng thái"), max_length=24, choices=DossierStatus.choices, unique=True
    )
    portal_code = models.PositiveSmallIntegerField(_("mã trạng thái trên Cổng DVC quốc gia"))
    portal_name = models.CharField(_("tên trạng thái trên Cổng"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("ánh xạ trạng thái Cổng DVC quốc gia")
        verbose_name_plural = _("ánh xạ trạng thái Cổng DVC quốc gia")
        ordering = ["portal_code"]

    def __str__(self) -> str:
        return f"{self.status} → {self.portal_code}"


class DossierComponentFile(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="files")
    component_code = models.CharField(_("mã thành phần"), max_length=20)
    name = models.CharField(_("tên tệp"), max_length=255)
    file = models.FileField(_("tệp"), upload_to=dossier_file_path, max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("kích thước (byte)"))
    content_type = models.CharField(_("kiểu tệp"), max_length=100)
    uploaded_at = models.DateTimeField(_("thời điểm tải lên"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_supplement = models.BooleanField(_("bổ sung"), default=False)

    class Meta:
        verbose_name = _("tệp thành phần hồ sơ")
        verbose_name_plural = _("tệp thành phần hồ sơ")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.component_code}: {self.name}"


class DossierStep(models.Model):
    """One hand-over of the dossier (a row of Mẫu 05, phiếu kiểm soát quá trình giải quyết)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    process_step = models.ForeignKey(
        "procedures.ProcessStep",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossier_steps",
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=1)
    name = models.CharField(_("tên bước"), max_length=255, blank=True)
    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan"),
        on_delete=models.PROTECT,
        related_name="dossier_steps",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhận"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossier_steps_assigned",
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người giao"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossier_steps_sent",
    )
    sub_dossier = models.ForeignKey(
        Dossier,
        verbose_name=_("hồ sơ liên thông"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parent_steps",
    )
    days = models.DecimalField(
        _("thời hạn bước (ngày làm việc)"), max_digits=6, decimal_places=1, default=Decimal("0")
    )
    received_at = models.DateTimeField(_("thời điểm nhận"))
    due_at = models.DateTimeField(_("hạn bước"))
    finished_at = models.DateTimeField(_("thời điểm hoàn thành"), null=True, blank=True)
    outcome = models.CharField(_("kết quả"), max_length=10, choices=StepOutcome.choices, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("bước xử lý hồ sơ")
        verbose_name_plural = _("bước xử lý hồ sơ")
        ordering = ["received_at", "pk"]
        indexes = [
            models.Index(fields=["agency", "finished_at"], name="dossier_step_agency_open"),
            models.Index(fields=["assignee", "finished_at"], name="dossier_step_assignee_open"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} / {self.order}. {self.name}"

    @property
    def is_open(self) -> bool:
        return self.finished_at is None


class DossierEvent(models.Model):
    """The dossier's history: one row per change (status, hand-over, clock)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("loại"), max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("thời điểm"))
    status = models.CharField(_("trạng thái sau sự kiện"), max_length=24, blank=True)
    data = models.JSONField(_("dữ liệu"), default=dict, blank=True)
    portal_status = models.PositiveSmallIntegerField(_("mã trạng thái Cổng"), null=True, blank=True)

    class Meta:
        verbose_name = _("sự kiện hồ sơ")
        verbose_name_plural = _("sự kiện hồ sơ")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class Rating(models.Model):
    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="rating")
    level = models.CharField(_("mức độ hài lòng"), max_length=20, choices=RatingLevel.choices)
    comment = models.TextField(_("ý kiến"), blank=True)
    rated_at = models.DateTimeField(_("thời điểm đánh giá"), auto_now_add=True)

    class Meta:
        verbose_name = _("đánh giá hài lòng")
        verbose_name_plural = _("đánh giá hài lòng")

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.level}"
