"""Registers and the handling report as file downloads (PDF or Excel).

GET /api/v1/documents/reports/registers/incoming/?start=…&end=…&output=pdf|xlsx[&secret=true]
GET /api/v1/documents/reports/registers/outgoing/?…
GET /api/v1/documents/reports/handling/?start=…&end=…[&unit=…][&group_by=unit|person]&output=…
(`output`, not `format`: DRF keeps `format` for content negotiation.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.views import APIView

from congso.accounts.api.permissions import IsStaffMember
from congso.accounts.api.request import request_staff
from congso.core.api.fields import IdField
from congso.documents.reports.excel import report_xlsx
from congso.documents.reports.pdf import report_pdf
from congso.documents.reports.tables import TableReport
from congso.documents.services.registers_report import (
    handling_report,
    incoming_register_report,
    outgoing_register_report,
)

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OUTPUTS = {"pdf": (PDF, report_pdf), "xlsx": (XLSX, report_xlsx)}
STAFF = [IsAuthenticated, IsStaffMember]
FILE_RESPONSES = {
    (200, PDF): OpenApiTypes.BINARY,
    (200, XLSX): OpenApiTypes.BINARY,
    400: OpenApiResponse(description="validation_failed, period_required, period_reversed …"),
    403: OpenApiResponse(description="reports_forbidden"),
}


def file_response(content: bytes, media_type: str, file_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=media_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(file_name)}"
    response["Cache-Control"] = "private, no-store"
    return response


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    output = serializers.ChoiceField(choices=[("pdf", "PDF"), ("xlsx", "Excel")], default="pdf")


class RegisterQuerySerializer(PeriodSerializer):
    secret = serializers.BooleanField(
        default=False, help_text="Sổ văn bản mật: only documents you hold a grant for."
    )


class HandlingQuerySerializer(PeriodSerializer):
    unit = IdField(required=False, allow_null=True, default=None)
    group_by = serializers.ChoiceField(
        choices=[("unit", "Theo đơn vị"), ("person", "Theo cá nhân")], default="unit"
    )


def _render(report: TableReport, output: str) -> HttpResponse:
    media_type, render = OUTPUTS[output]
    return file_response(render(report), media_type, f"{report.file_stem}.{output}")


class _RegisterApi(APIView):
    permission_classes = STAFF
    build: Callable[..., TableReport]

    def get(self, request: Request) -> HttpResponse:
        user = request_staff(request)
        query = RegisterQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        values: dict[str, Any] = dict(query.validated_data)
        report = type(self).build(
            user=user, start=values["start"], end=values["end"], secret=values["secret"]
        )
        return _render(report, values["output"])


class IncomingRegisterApi(_RegisterApi):
    """Sổ đăng ký văn bản đến (Phụ lục IV columns) for a period: văn thư and lãnh đạo."""

    build = staticmethod(incoming_register_report)

    @extend_schema(
        parameters=[RegisterQuerySerializer], responses=FILE_RESPONSES, tags=["documents-reports"]
    )
    def get(self, request: Request) -> HttpResponse:
        return super().get(request)


class OutgoingRegisterApi(_RegisterApi):
    """Sổ đăng ký văn bản đi (Phụ lục IV columns) for a period: văn thư and lãnh đạo."""

    build = staticmethod(outgoing_register_report)

    @extend_schema(
        parameters=[RegisterQuerySerializer], responses=FILE_RESPONSES, tags=["documents-reports"]
    )
    def get(self, request: Request) -> HttpResponse:
        return super().get(request)


class HandlingReportApi(APIView):
    """Báo cáo tình hình giải quyết văn bản đến per unit or person, for a period."""

    permission_classes = STAFF

    @extend_schema(
        parameters=[HandlingQuerySerializer], responses=FILE_RESPONSES, tags=["documents-reports"]
    )
    def get(self, request: Request) -> HttpResponse:
        user = request_staff(request)
        query = HandlingQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        values: dict[str, Any] = dict(query.validated_data)
        report = handling_report(
            user=user,
            start=values["start"],
            end=values["end"],
            unit_id=values["unit"],
            group_by=values["group_by"],
        )
        return _render(report, values["output"])
