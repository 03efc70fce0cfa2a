"""Public, read-only questions to the working-day calendar (no login needed)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from congso.core.errors import ValidationFailed
from congso.workdays.api.serializers import (
    AddWorkingDaysQuerySerializer,
    AddWorkingDaysSerializer,
    DayQuerySerializer,
    DayStatusSerializer,
    YearCalendarSerializer,
    YearQuerySerializer,
)
from congso.workdays.calendar import (
    LOCAL_TZ,
    add_working_days,
    day_status,
    default_cutoff,
    effective_receipt_day,
    holidays_in_year,
    weekday_name,
    working_weekend_days_in_year,
)

BAD_INPUT = OpenApiResponse(
    description='Tham số sai: {"error": {"code": "invalid_date" | "invalid_days" | '
    '"invalid_cutoff" | "invalid_year", "message", "fields"}}'
)


def _query(
    serializer_class: type[serializers.Serializer], request: Request, codes: dict[str, str]
) -> dict[str, Any]:
    """Validate query parameters; the first bad one becomes a 400 with its stable code."""
    serializer = serializer_class(data=request.query_params)
    if serializer.is_valid():
        return dict(serializer.validated_data)
    field, messages = next(iter(serializer.errors.items()))
    raise ValidationFailed(str(messages[0]), code=codes[field], field=field)


def _named_days(days: dict[date, str]) -> list[dict[str, Any]]:
    return [
        {"day": day, "weekday": weekday_name(day), "reason": reason} for day, reason in days.items()
    ]


def _start_label(start: date | datetime) -> str:
    if isinstance(start, datetime):
        local = start.astimezone(LOCAL_TZ) if start.tzinfo else start.replace(tzinfo=LOCAL_TZ)
        return local.isoformat(timespec="minutes")
    return start.isoformat()


class AddWorkingDaysApi(APIView):
    authentication_classes: list[type[BaseAuthentication]] = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["calendar"],
        operation_id="calendar_add_working_days",
        summary="Hạn giải quyết sau N ngày làm việc",
        parameters=[AddWorkingDaysQuerySerializer],
        responses={200: AddWorkingDaysSerializer, 400: BAD_INPUT},
    )
    def get(self, request: Request) -> Response:
        query = _query(
            AddWorkingDaysQuerySerializer,
            request,
            {"start": "invalid_date", "days": "invalid_days", "cutoff": "invalid_cutoff"},
        )
        start = query["start"]
        cutoff: time | None = query["cutoff"] if "cutoff" in query else default_cutoff()
        due_on = add_working_days(start, query["days"], cutoff)
        body = {
            "start": _start_label(start),
            "effective_receipt_day": effective_receipt_day(start, cutoff),
            "days": query["days"],
            "cutoff": cutoff.strftime("%H:%M") if cutoff else None,
            "due_on": due_on,
        }
        return Response(AddWorkingDaysSerializer(body).data)


class IsWorkingDayApi(APIView):
    authentication_classes: list[type[BaseAuthentication]] = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["calendar"],
        operation_id="calendar_is_working_day",
        summary="Một ngày có phải ngày làm việc không, và vì sao",
        parameters=[DayQuerySerializer],
        responses={200: DayStatusSerializer, 400: BAD_INPUT},
    )
    def get(self, request: Request) -> Response:
        query = _query(DayQuerySerializer, request, {"day": "invalid_date"})
        status = day_status(query["day"])
        body = {
            "day": status.day,
            "weekday": weekday_name(status.day),
            "is_working_day": status.is_working_day,
            "rule": status.source,
            "reason": status.reason,
        }
        return Response(DayStatusSerializer(body).data)


class HolidaysApi(APIView):
    authentication_classes: list[type[BaseAuthentication]] = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["calendar"],
        operation_id="calendar_holidays",
        summary="Ngày nghỉ lễ, Tết, nghỉ bù và ngày làm bù của một năm",
        parameters=[YearQuerySerializer],
        responses={200: YearCalendarSerializer, 400: BAD_INPUT},
    )
    def get(self, request: Request) -> Response:
        year = _query(YearQuerySerializer, request, {"year": "invalid_year"})["year"]
        try:
            days_off = holidays_in_year(year)
        except ValidationFailed as error:
            raise ValidationFailed(error.message, code="invalid_year", field="year") from error
        body = {
            "year": year,
            "days_off": _named_days(days_off),
            "working_weekend_days": _named_days(working_weekend_days_in_year(year)),
        }
        return Response(YearCalendarSerializer(body).data)
