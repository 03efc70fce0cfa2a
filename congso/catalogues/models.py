"""Reference catalogues: document types, urgency and secrecy levels, procedure fields."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from congso.core.models import TimeStampedModel


class CatalogueEntry(TimeStampedModel):
    code = models.CharField(_("mã"), max_length=30, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    ordinal = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        abstract = True
        ordering = ["ordinal", "code"]

    def __str__(self) -> str:
        return self.name


class DocumentType(CatalogueEntry):
    """One of the 29 administrative document types (NĐ 30/2020/NĐ-CP, Điều 7; Phụ lục III)."""

    abbreviation = models.CharField(
        _("chữ viết tắt"),
        max_length=10,
        blank=True,
        help_text=_("Để trống với Công văn và Thư công (không có chữ viết tắt)."),
    )

    class Meta(CatalogueEntry.Meta):
        verbose_name = _("loại văn bản")
        verbose_name_plural = _("loại văn bản")


class UrgencyLevel(CatalogueEntry):
    """Mức độ khẩn (Phụ lục I, ô 10b)."""

    class Meta(CatalogueEntry.Meta):
        verbose_name = _("mức độ khẩn")
        verbose_name_plural = _("mức độ khẩn")


class SecrecyLevel(CatalogueEntry):
    """Độ mật (Phụ lục I, ô 10a). `is_secret` documents never leave the installation."""

    is_secret = models.BooleanField(_("là văn bản mật"), default=False)

    class Meta(CatalogueEntry.Meta):
        verbose_name = _("độ mật")
        verbose_name_plural = _("độ mật")


class CopyKind(CatalogueEntry):
    """Hình thức bản sao: sao y (SY), trích sao (TrS), sao lục (SL) (NĐ 30/2020/NĐ-CP, Phụ lục III).

    Kept apart from `DocumentType`: a copy is a form of an existing document, not a document type.
    """

    abbreviation = models.CharField(_("chữ viết tắt"), max_length=10)

    class Meta(CatalogueEntry.Meta):
        verbose_name = _("hình thức bản sao")
        verbose_name_plural = _("hình thức bản sao")


class ProcedureField(CatalogueEntry):
    """Lĩnh vực thủ tục hành chính.

    The national field codes were not found (docs standards.md §6.2 gives one example, `G03-GD10`,
    marked [C]); entries whose code congso made up carry `is_demo_code`.
    """

    is_demo_code = models.BooleanField(
        _("mã minh họa"),
        default=False,
        help_text=_("Mã do congso đặt cho dữ liệu mẫu, không phải mã chính thức."),
    )

    class Meta(CatalogueEntry.Meta):
        verbose_name = _("lĩnh vực thủ tục hành chính")
        verbose_name_plural = _("lĩnh vực thủ tục hành chính")
