"""Query parameters and answers of the public calendar API."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import TypeVar

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from congso.workdays.calendar import parse_cutoff
from congso.workdays.constants import DaySource
from congso.workdays.parsing import parse_day, parse_receipt

MAX_DAYS = 1000
NO_CUTOFF = "none"


T = TypeVar("T")


def _parsed(parse: Callable[[str], T], value: str) -> T:
    try:
        return parse(value)
    except ValueError as error:
        raise serializers.ValidationError(str(error)) from None


class AddWorkingDaysQuerySerializer(serializers.Serializer):
    start = serializers.CharField(
        help_text=_(
            "Ngày nhận (YYYY-MM-DD) hoặc thời điểm nhận (YYYY-MM-DDTHH:MM; không ghi múi giờ "
            "thì là giờ Việt Nam)."
        )
    )
    days = serializers.IntegerField(
        min_value=0,
        max_value=MAX_DAYS,
        help_text=_("Số ngày làm việc (0 = chính ngày tiếp nhận có hiệu lực)."),
        error_messages={
            "invalid": _("Số ngày làm việc phải là số nguyên."),
            "min_value": _("Số ngày làm việc không được âm."),
            "max_value": _("Số ngày làm việc tối đa là {max_value}."),
        },
    )
    cutoff = serializers.CharField(
        required=False,
        help_text=_(
            "Giờ chốt HH:MM: nhận sau giờ này thì tính từ ngày làm việc kế tiếp. "
            "“none” = không áp dụng giờ chốt; không gửi hoặc để trống = giờ chốt cấu hình "
            "của hệ thống (CONGSO_CALENDAR_CUTOFF)."
        ),
    )

    def validate_start(self, value: str) -> date | datetime:
        return _parsed(parse_receipt, value)

    def validate_cutoff(self, value: str) -> time | None:
        if value.strip().lower() == NO_CUTOFF:
            return None
        return _parsed(parse_cutoff, value)


class AddWorkingDaysSerializer(serializers.Serializer):
    start = serializers.CharField(help_text=_("Ngày hoặc thời điểm nhận, theo giờ Việt Nam."))
    effective_receipt_day = serializers.DateField(help_text=_("Ngày tiếp nhận có hiệu lực."))
    days = serializers.IntegerField()
    cutoff = serializers.CharField(
        allow_null=True, help_text=_("Giờ chốt đã áp dụng (HH:MM), null nếu không có.")
    )
    due_on = serializers.DateField(help_text=_("Hạn giải quyết."))


class DayQuerySerializer(serializers.Serializer):
    day = serializers.CharField(help_text=_("Ngày, YYYY-MM-DD."))

    def validate_day(self, value: str) -> date:
        return _parsed(parse_day, value)


class DayStatusSerializer(serializers.Serializer):
    day = serializers.DateField()
    weekday = serializers.CharField()
    is_working_day = serializers.BooleanField()
    rule = serializers.ChoiceField(
        choices=DaySource.choices,
        help_text=_("Quy tắc quyết định (cuối tuần, ngày lễ, quyết định...)."),
    )
    reason = serializers.CharField()


class YearQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(
        help_text=_("Năm, ví dụ 2019."),
        max_value=9999,  # the view says which years the calendar knows
        error_messages={
            "invalid": _("Năm phải là số nguyên, ví dụ 2019."),
            "max_value": _("Năm phải là số nguyên, ví dụ 2019."),
        },
    )


class NamedDaySerializer(serializers.Serializer):
    day = serializers.DateField()
    weekday = serializers.CharField()
    reason = serializers.CharField()


class YearCalendarSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    days_off = NamedDaySerializer(many=True, help_text=_("Ngày nghỉ lễ, Tết, nghỉ bù."))
    working_weekend_days = NamedDaySerializer(
        many=True, help_text=_("Thứ Bảy, Chủ nhật phải làm việc (làm bù).")
    )
