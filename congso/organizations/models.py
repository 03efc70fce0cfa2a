"""Administrative units, agencies (cơ quan, tổ chức) in a tree, and positions (chức vụ)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from congso.core.models import TimeStampedModel
from congso.organizations.constants import AdministrativeLevel, AdministrativeUnitKind, AgencyKind
from congso.organizations.validators import (
    qcvn102_code_field_validator,
    qd20_code_field_validator,
)


class AdministrativeUnit(TimeStampedModel):
    """Province, district or commune-level unit, keyed by its GSO code (QĐ 124/2004/QĐ-TTg)."""

    gso_code = models.CharField(_("mã GSO"), max_length=5, unique=True)
    name = models.CharField(_("tên"), max_length=120)
    kind = models.CharField(_("loại"), max_length=16, choices=AdministrativeUnitKind.choices)
    level = models.PositiveSmallIntegerField(_("cấp"), choices=AdministrativeLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("thuộc"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        ordering = ["level", "gso_code"]
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")

    def __str__(self) -> str:
        return self.name


class Agency(TimeStampedModel):
    """A cơ quan, tổ chức, or an internal unit (phòng, ban) of one, placed in the province's tree.

    `code_qcvn102` is the 13-character form (`000.00.00.H34`, QCVN 102:2016) and `code_qd20` the
    QĐ 20/2020/QĐ-TTg form (`H34`, `H34.01`); internal units carry neither.
    """

    name = models.CharField(_("tên"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=100, blank=True)
    abbreviation = models.CharField(
        _("chữ viết tắt trong ký hiệu văn bản"),
        max_length=20,
        help_text=_("Ví dụ: UBND, STTTT, VP"),
    )
    kind = models.CharField(_("loại"), max_length=20, choices=AgencyKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    administrative_unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị hành chính"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agencies",
    )
    code_qcvn102 = models.CharField(
        _("mã định danh (QCVN 102:2016)"),
        max_length=13,
        unique=True,
        null=True,
        blank=True,
        validators=[qcvn102_code_field_validator],
        help_text=_("13 ký tự, dạng 000.00.00.H34"),
    )
    code_qd20 = models.CharField(
        _("mã định danh (QĐ 20/2020/QĐ-TTg)"),
        max_length=35,
        unique=True,
        null=True,
        blank=True,
        validators=[qd20_code_field_validator],
        help_text=_("Dạng H34, H34.05"),
    )
    level = models.PositiveSmallIntegerField(
        _("cấp"),
        default=1,
        help_text=_(
            "Cấp trong cây tổ chức: theo mã định danh (QCVN 102:2016, đọc từ phải sang trái) "
            "với cơ quan có mã; cấp của cơ quan cấp trên cộng 1 với đơn vị không có mã."
        ),
    )
    is_demo_code = models.BooleanField(
        _("mã minh họa"),
        default=False,
        help_text=_("Mã sinh theo quy tắc cho dữ liệu mẫu, không phải mã chính thức."),
    )
    place_name = models.CharField(
        _("địa danh"),
        max_length=100,
        blank=True,
        help_text=_("Địa danh ghi trên văn bản, ví dụ: Kon Tum"),
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        ordering = ["code_qcvn102", "name"]
        verbose_name = _("cơ quan, tổ chức")
        verbose_name_plural = _("cơ quan, tổ chức")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind=AgencyKind.INTERNAL_UNIT) | models.Q(parent__isnull=False),
                name="agency_internal_unit_has_parent",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=AgencyKind.INTERNAL_UNIT)
                | (models.Q(code_qcvn102__isnull=True) & models.Q(code_qd20__isnull=True)),
                name="agency_internal_unit_has_no_codes",
            ),
            models.CheckConstraint(condition=models.Q(level__gte=1), name="agency_level_positive"),
            models.UniqueConstraint(
                fields=["parent", "abbreviation"],
                condition=models.Q(kind=AgencyKind.INTERNAL_UNIT),
                name="agency_internal_unit_abbreviation_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_internal_unit(self) -> bool:
        return self.kind == AgencyKind.INTERNAL_UNIT


class Position(TimeStampedModel):
    """A chức vụ (Chủ tịch, Giám đốc, Chánh Văn phòng, Chuyên viên …)."""

    name = models.CharField(_("tên chức vụ"), max_length=100, unique=True)
    is_leadership = models.BooleanField(_("là chức vụ lãnh đạo"), default=False)
    rank = models.PositiveSmallIntegerField(_("thứ bậc"), default=100)

    class Meta:
        ordering = ["rank", "name"]
        verbose_name = _("chức vụ")
        verbose_name_plural = _("chức vụ")

    def __str__(self) -> str:
        return self.name
