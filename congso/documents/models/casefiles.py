"""Case files (hồ sơ công việc), Nghị định 30/2020/NĐ-CP, Phụ lục VI, part III."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from congso.core.models import TimeStampedModel


class CaseFile(TimeStampedModel):
    agency = models.ForeignKey(
        "organizations.Agency", on_delete=models.PROTECT, related_name="case_files"
    )  # OrganId
    year = models.PositiveSmallIntegerField(_("năm hình thành hồ sơ"))  # FileCatalog
    notation = models.CharField(_("số và ký hiệu hồ sơ"), max_length=20)  # FileNotation
    title = models.CharField(_("tiêu đề hồ sơ"), max_length=500)  # Title
    maintenance = models.CharField(_("thời hạn bảo quản"), max_length=30)  # Maintenance
    rights = models.CharField(_("chế độ sử dụng"), max_length=30)  # Rights
    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người lập hồ sơ"),
        on_delete=models.PROTECT,
        related_name="+",
    )  # Creator
    language = models.CharField(_("ngôn ngữ"), max_length=50, default="Tiếng Việt")
    start_on = models.DateField(_("thời gian bắt đầu"), null=True, blank=True)
    end_on = models.DateField(_("thời gian kết thúc"), null=True, blank=True)
    description = models.CharField(_("ghi chú"), max_length=500, blank=True)
    is_closed = models.BooleanField(_("đã kết thúc"), default=False)

    class Meta:
        verbose_name = _("hồ sơ công việc")
        verbose_name_plural = _("hồ sơ công việc")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "notation"], name="casefile_unique_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.notation}: {self.title[:60]}"


class CaseFileItem(models.Model):
    case_file = models.ForeignKey(CaseFile, on_delete=models.CASCADE, related_name="items")
    ordinal = models.PositiveSmallIntegerField(_("số thứ tự văn bản trong hồ sơ"))  # DocOrdinal
    incoming = models.ForeignKey(
        "documents.IncomingDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case_file_items",
    )
    outgoing = models.ForeignKey(
        "documents.OutgoingDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case_file_items",
    )

    class Meta:
        ordering = ["ordinal"]
        constraints = [
            models.UniqueConstraint(fields=["case_file", "ordinal"], name="casefile_item_ordinal"),
            models.CheckConstraint(
                condition=(
                    models.Q(incoming__isnull=False, outgoing__isnull=True)
                    | models.Q(incoming__isnull=True, outgoing__isnull=False)
                ),
                name="casefile_item_one_document",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_file_id}#{self.ordinal}"
