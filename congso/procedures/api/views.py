"""Procedure catalogue API: public search and detail; import, export, drift for administrators."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from congso.core.api.pagination import CursorPagination
from congso.core.api.parsers import JSONParser
from congso.procedures.access import access_catalogue_management
from congso.procedures.api.serializers import (
    DriftReportSerializer,
    ImportResultSerializer,
    ImportUploadSerializer,
    ProcedureDetailSerializer,
    ProcedureListSerializer,
    ProcedureSearchQuerySerializer,
)
from congso.procedures.drift import parse_national_list, procedure_drift
from congso.procedures.selectors import procedure_get, procedure_search
from congso.procedures.services import (
    ImportResult,
    procedure_export,
    procedure_export_xlsx,
    procedure_import,
    procedure_import_json,
    procedure_import_xlsx,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TAG = "procedures"


class ProcedurePagination(CursorPagination):
    ordering = ("name", "code")  # type: ignore[assignment]  # DRF accepts a tuple


class ProcedureListApi(ListAPIView):
    """Search published procedures; diacritics and case do not matter ("dang ky ket hon")."""

    permission_classes = [AllowAny]
    serializer_class = ProcedureListSerializer
    pagination_class = ProcedurePagination

    def get_queryset(self) -> Any:
        query = ProcedureSearchQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        return procedure_search(
            values["q"],
            level=values.get("level"),
            field=values.get("field"),
            agency=values.get("agency"),
        )

    @extend_schema(parameters=[ProcedureSearchQuerySerializer], tags=[TAG])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class ProcedureDetailApi(APIView):
    """One published procedure with components, internal steps and its online form schema."""

    permission_classes = [AllowAny]

    @extend_schema(
        responses={
            200: ProcedureDetailSerializer,
            404: OpenApiResponse(description="procedure_not_found"),
        },
        tags=[TAG],
    )
    def get(self, request: Request, code: str) -> Response:
        return Response(ProcedureDetailSerializer(procedure_get(code)).data)


class ProcedureImportApi(APIView):
    """Import a catalogue document (JSON body, or a .json/.xlsx upload); all or nothing.

    Errors: `procedure_import_invalid` with `error.details.errors[]` (path, code, message) listing
    every problem; `invalid_import_format`; `catalogue_management_denied`.
    """

    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        request={
            "application/json": OpenApiTypes.OBJECT,
            "multipart/form-data": ImportUploadSerializer,
        },
        responses={
            200: ImportResultSerializer,
            400: OpenApiResponse(description="procedure_import_invalid, invalid_import_format"),
            403: OpenApiResponse(description="catalogue_management_denied"),
        },
        tags=[TAG],
    )
    def post(self, request: Request) -> Response:
        user = access_catalogue_management(request.user)
        upload = request.FILES.get("file")
        result: ImportResult
        if upload is not None:
            content = upload.read()
            if upload.name.lower().endswith(".xlsx"):
                result = procedure_import_xlsx(actor=user, content=content)
            else:
                result = procedure_import_json(actor=user, content=content)
        else:
            result = procedure_import(actor=user, data=request.data, source="api")
        return Response(ImportResultSerializer(result.as_dict()).data)


class ProcedureExportApi(APIView):
    """The whole catalogue (published or not) as JSON, or as Excel with `?file_type=xlsx`."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("file_type", str, enum=["json", "xlsx"], required=False)],
        responses={
            200: OpenApiTypes.OBJECT,
            403: OpenApiResponse(description="catalogue_management_denied"),
        },
        tags=[TAG],
    )
    def get(self, request: Request) -> Response | HttpResponse:
        user = access_catalogue_management(request.user)
        if request.query_params.get("file_type") == "xlsx":
            response = HttpResponse(procedure_export_xlsx(actor=user), content_type=XLSX)
            response["Content-Disposition"] = 'attachment; filename="thu-tuc-hanh-chinh.xlsx"'
            return response
        return Response(procedure_export(actor=user))


class ProcedureDriftApi(APIView):
    """Compare the catalogue with a national list posted as JSON (MaTTHC, TenTTHC, …)."""

    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses={
            200: DriftReportSerializer,
            400: OpenApiResponse(description="invalid_national_list"),
            403: OpenApiResponse(description="catalogue_management_denied"),
        },
        tags=[TAG],
    )
    def post(self, request: Request) -> Response:
        access_catalogue_management(request.user)
        national = parse_national_list(request.data)
        return Response(DriftReportSerializer(procedure_drift(national).as_dict()).data)
