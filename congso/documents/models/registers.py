"""Number books (sổ đăng ký): one gap-free sequence per agency, year, direction and secrecy."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from congso.documents.constants import Direction


class DocumentRegister(models.Model):
    """Số đến / số đi run per agency and calendar year, for paper and electronic alike;
    secret documents have their own sequence (Nghị định 30/2020/NĐ-CP, Điều 15; Điều 22 khoản 2)."""

    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan"),
        on_delete=models.PROTECT,
        related_name="document_registers",
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    direction = models.CharField(_("loại sổ"), max_length=10, choices=Direction.choices)
    is_secret = models.BooleanField(_("sổ văn bản mật"), default=False)
    last_number = models.PositiveIntegerField(_("số cuối đã cấp"), default=0)

    class Meta:
        verbose_name = _("sổ đăng ký văn bản")
        verbose_name_plural = _("sổ đăng ký văn bản")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "direction", "is_secret"], name="register_unique_book"
            ),
        ]

    def __str__(self) -> str:
        secret = " (mật)" if self.is_secret else ""
        return f"{self.get_direction_display()} {self.year}{secret} – {self.agency_id}"
