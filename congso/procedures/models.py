"""Procedure catalogue: thủ tục hành chính, thành phần hồ sơ and quy trình nội bộ.

Field names are the shared contract of issue 6 (/work/briefs/services-spec.md); the dossiers,
portal and sync apps read them.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from congso.core.identity import Role
from congso.core.models import TimeStampedModel
from congso.procedures.constants import OnlineLevel, ProcedureLevel, default_accepted_types


def _empty_list() -> list[str]:
    return []


def _empty_dict() -> dict[str, object]:
    return {}


class Procedure(TimeStampedModel):
    """One administrative procedure as published by the province (thủ tục hành chính)."""

    code = models.CharField(
        _("mã thủ tục"),
        max_length=40,
        unique=True,
        help_text=_("Mã thủ tục của tỉnh, ví dụ 1.001193.000.00.00.H34"),
    )
    national_code = models.CharField(
        _("mã TTHC quốc gia"),
        max_length=20,
        db_index=True,
        help_text=_("Mã trong CSDL quốc gia về TTHC, ví dụ 1.001193"),
    )
    is_demo_code = models.BooleanField(
        _("mã minh họa"),
        default=False,
        help_text=_("Mã quốc gia chưa được đối chiếu với CSDL quốc gia; chỉ dùng cho dữ liệu mẫu."),
    )
    name = models.CharField(_("tên thủ tục"), max_length=500)
    field = models.ForeignKey(
        "catalogues.ProcedureField",
        verbose_name=_("lĩnh vực"),
        on_delete=models.PROTECT,
        related_name="procedures",
    )
    level = models.CharField(_("cấp thực hiện"), max_length=8, choices=ProcedureLevel.choices)
    online_level = models.PositiveSmallIntegerField(
        _("mức độ dịch vụ công trực tuyến"),
        choices=OnlineLevel.choices,
        default=OnlineLevel.LEVEL_2,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    processing_days = models.DecimalField(
        _("thời hạn giải quyết (ngày làm việc)"),
        max_digits=6,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0"))],
    )
    fee_text = models.TextField(_("phí, lệ phí"), blank=True)
    fee_amount = models.PositiveIntegerField(
        _("mức phí, lệ phí (đồng)"), default=0, help_text=_("0 = miễn phí")
    )
    implementing_agency_name = models.CharField(
        _("cơ quan thực hiện"),
        max_length=500,
        blank=True,
        help_text=_("Cơ quan có thẩm quyền quyết định, như công bố trong quyết định công bố TTHC."),
    )
    requirements = models.TextField(_("yêu cầu, điều kiện"), blank=True)
    result_name = models.CharField(_("kết quả thực hiện"), max_length=500, blank=True)
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    applicant_types = models.JSONField(
        _("đối tượng thực hiện"),
        default=_empty_list,
        blank=True,
        help_text=_('Danh sách gồm "citizen" và/hoặc "business"'),
    )
    is_inter_agency = models.BooleanField(_("liên thông"), default=False)
    is_published = models.BooleanField(_("đã công khai"), default=True)
    form_schema = models.JSONField(
        _("biểu mẫu điện tử (JSON Schema)"),
        default=_empty_dict,
        blank=True,
        help_text=_("JSON Schema của tờ khai trực tuyến; {} = không có trường bổ sung."),
    )
    search_text = models.TextField(
        _("chuỗi tìm kiếm"),
        blank=True,
        editable=False,
        help_text=_("Tên và mã viết thường, bỏ dấu; do hệ thống cập nhật."),
    )
    receiving_agencies = models.ManyToManyField(
        "organizations.Agency",
        verbose_name=_("nơi tiếp nhận hồ sơ"),
        related_name="received_procedures",
        blank=True,
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(online_level__gte=1) & models.Q(online_level__lte=4),
                name="procedure_online_level_1_4",
            ),
            models.CheckConstraint(
                condition=models.Q(processing_days__gte=0), name="procedure_days_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["level", "is_published"], name="procedure_level_pub_idx")]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class ProcedureComponent(TimeStampedModel):
    """Thành phần hồ sơ."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="components", verbose_name=_("thủ tục")
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    code = models.CharField(_("mã thành phần"), max_length=20, help_text=_("Ví dụ TP1"))
    name = models.CharField(_("tên giấy tờ"), max_length=500)
    originals = models.PositiveSmallIntegerField(_("số bản chính"), default=1)
    copies = models.PositiveSmallIntegerField(_("số bản sao"), default=0)
    is_required = models.BooleanField(_("bắt buộc"), default=True)
    template = models.FileField(
        _("mẫu đơn, tờ khai"), upload_to="procedures/templates/", blank=True
    )
    accepted_types = models.JSONField(
        _("định dạng tệp chấp nhận"), default=default_accepted_types, blank=True
    )

    class Meta:
        ordering = ["procedure", "order", "code"]
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "code"], name="procedure_component_code_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class ProcessStep(TimeStampedModel):
    """One step of the internal process (quy trình nội bộ) with its share of the legal time.

    `agency` null = the receiving agency itself; set = a fixed other agency, whose part becomes an
    inter-agency sub-dossier.
    """

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="steps", verbose_name=_("thủ tục")
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    name = models.CharField(_("nội dung công việc"), max_length=500)
    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="procedure_steps",
        help_text=_("Để trống: chính cơ quan tiếp nhận hồ sơ."),
    )
    days = models.DecimalField(
        _("thời gian (ngày làm việc)"),
        max_digits=6,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0"))],
    )
    role = models.CharField(_("vai trò xử lý"), max_length=20, choices=Role.choices)

    class Meta:
        ordering = ["procedure", "order"]
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("quy trình nội bộ")
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "order"], name="procedure_step_order_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(days__gte=0), name="procedure_step_days_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"
