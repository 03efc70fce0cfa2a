"""HTTP API of the signatures app: validate a file, read/re-check reports, sign a PDF."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.generics import ListAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from congso.accounts.api.request import request_staff
from congso.core.errors import ValidationFailed
from congso.signatures import services
from congso.signatures.access import access_validation_record_by_id
from congso.signatures.api.serializers import (
    SignUploadSerializer,
    ValidationRecordSerializer,
    ValidationUploadSerializer,
)
from congso.signatures.lib.reportpdf import report_pdf
from congso.signatures.models import ValidationRecord
from congso.signatures.selectors import validation_record_list_visible_to

PDF = OpenApiResponse(OpenApiTypes.BINARY, description="application/pdf")


def upload_bytes(file: Any) -> bytes:
    limit = getattr(settings, "CONGSO_UPLOAD_MAX_BYTES", 50 * 1024 * 1024)
    if file.size > limit:
        raise ValidationFailed(
            f"Tệp vượt quá giới hạn {limit // 2**20} MB.", code="file_too_large", field="file"
        )
    return bytes(file.read())


@extend_schema_view(
    get=extend_schema(tags=["signatures"], operation_id="signatures_validations_list",
                      summary="Biên bản kiểm tra chữ ký số của cơ quan"),
    post=extend_schema(tags=["signatures"], operation_id="signatures_validations_create",
                       summary="Kiểm tra chữ ký số của một tệp PDF",
                       request={"multipart/form-data": ValidationUploadSerializer},
                       responses={201: ValidationRecordSerializer}),
)  # fmt: skip
class ValidationListApi(ListAPIView[ValidationRecord]):
    permission_classes = [IsAuthenticated]
    serializer_class = ValidationRecordSerializer
    parser_classes = [MultiPartParser]

    def get_queryset(self) -> QuerySet[ValidationRecord]:
        return validation_record_list_visible_to(user=request_staff(self.request))

    def post(self, request: Request) -> Response:
        staff = request_staff(request)
        form = ValidationUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        upload = form.validated_data["file"]
        record = services.file_validate(
            actor=staff,
            data=upload_bytes(upload),
            file_name=upload.name or "",
            document_ref=form.validated_data["document_ref"],
            etsi_report=form.validated_data["etsi_report"],
        )
        return Response(ValidationRecordSerializer(record).data, status=201)


class ValidationDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["signatures"], operation_id="signatures_validations_retrieve",
                   summary="Một biên bản kiểm tra chữ ký số",
                   responses={200: ValidationRecordSerializer})  # fmt: skip
    def get(self, request: Request, record_id: int) -> Response:
        record = access_validation_record_by_id(user=request_staff(request), record_id=record_id)
        return Response(ValidationRecordSerializer(record).data)


class ValidationRecheckApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["signatures"], operation_id="signatures_validations_recheck",
                   summary="Kiểm tra lại chữ ký số (tình trạng thu hồi có thể đã thay đổi)",
                   request=None, responses={200: ValidationRecordSerializer})  # fmt: skip
    def post(self, request: Request, record_id: int) -> Response:
        staff = request_staff(request)
        record = access_validation_record_by_id(user=staff, record_id=record_id)
        record = services.validation_recheck(actor=staff, record=record)
        return Response(ValidationRecordSerializer(record).data)


class ValidationPdfApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["signatures"], operation_id="signatures_validations_pdf",
                   summary="Biên bản kiểm tra chữ ký số dạng PDF để in",
                   responses={200: PDF})  # fmt: skip
    def get(self, request: Request, record_id: int) -> HttpResponse:
        record = access_validation_record_by_id(user=request_staff(request), record_id=record_id)
        response = HttpResponse(report_pdf(record.report), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="bien-ban-{record.pk}.pdf"'
        return response


class _SignApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]
    as_agency = False

    def post(self, request: Request) -> HttpResponse:
        staff = request_staff(request)
        form = SignUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        sign = (
            services.document_sign_as_agency if self.as_agency else services.document_sign_as_person
        )
        signed = sign(
            actor=staff,
            pdf=upload_bytes(form.validated_data["file"]),
            document_ref=form.validated_data["document_ref"],
            pin=form.validated_data.get("pin") or None,
        )
        return HttpResponse(signed, content_type="application/pdf")


@extend_schema_view(
    post=extend_schema(tags=["signatures"], operation_id="signatures_sign_person",
                       summary="Ký số văn bản bằng khóa của người có thẩm quyền",
                       request={"multipart/form-data": SignUploadSerializer},
                       responses={200: PDF}),
)  # fmt: skip
class SignAsPersonApi(_SignApi):
    as_agency = False


@extend_schema_view(
    post=extend_schema(tags=["signatures"], operation_id="signatures_sign_agency",
                       summary="Ký số của cơ quan (văn thư) lên văn bản đã có chữ ký "
                               "người có thẩm quyền",
                       request={"multipart/form-data": SignUploadSerializer},
                       responses={200: PDF}),
)  # fmt: skip
class SignAsAgencyApi(_SignApi):
    as_agency = True
