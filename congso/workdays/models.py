"""The working-day calendar's decision table (days swapped by yearly decisions)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from congso.core.models import TimeStampedModel


class CalendarDayKind(models.TextChoices):
    DAY_OFF = "off", _("Ngày nghỉ")
    WORKING_DAY = "work", _("Ngày làm việc")


class CalendarDecision(TimeStampedModel):
    """One day whose status a yearly decision fixes against the default rule.

    Each year the Prime Minister or Bộ LĐTBXH fixes the Tết window for civil servants and may swap
    days (nghỉ bù with a working Saturday); these rows override weekends and the `holidays` package.
    """

    day = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=8, choices=CalendarDayKind.choices)
    reason = models.CharField(_("lý do"), max_length=255)
    legal_basis = models.CharField(_("căn cứ"), max_length=255, blank=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("quyết định lịch làm việc")
        verbose_name_plural = _("quyết định lịch làm việc")

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.get_kind_display()}: {self.reason}"
