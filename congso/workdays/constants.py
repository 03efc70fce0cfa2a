"""Names the working-day calendar gives to the kinds of days it knows."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from congso.audit.constants import AuditAction

# Actions written to the audit log by congso.workdays.services.
CALENDAR_DECISION_SET = AuditAction.CALENDAR_DECISION_SET
CALENDAR_DECISION_REMOVED = AuditAction.CALENDAR_DECISION_REMOVED


class DaySource(models.TextChoices):
    """Which rule decided whether a day is worked (standards.md §9), lowest precedence first."""

    WEEKDAY = "weekday", _("Ngày thường (Thứ Hai – Thứ Sáu)")
    WEEKEND = "weekend", _("Cuối tuần")
    PUBLIC_HOLIDAY = "public_holiday", _("Ngày lễ, Tết")
    SUBSTITUTE_WORKDAY = "substitute_workday", _("Ngày làm bù")
    DECISION = "decision", _("Quyết định lịch làm việc")
