"""Read-only catalogue lists for any signed-in user; small, so plain (unpaginated) lists."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from congso.catalogues.api.serializers import (
    CopyKindSerializer,
    DocumentTypeSerializer,
    ProcedureFieldSerializer,
    SecrecyLevelSerializer,
    UrgencyLevelSerializer,
)
from congso.catalogues.selectors import (
    copy_kind_list,
    document_type_list,
    procedure_field_list,
    secrecy_level_list,
    urgency_level_list,
)

TAGS = ["catalogues"]


class DocumentTypeListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="catalogues_document_types_list",
        summary="Loại văn bản hành chính (NĐ 30/2020/NĐ-CP, Điều 7; Phụ lục III)",
        responses={200: DocumentTypeSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        return Response(DocumentTypeSerializer(document_type_list(), many=True).data)


class CopyKindListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="catalogues_copy_kinds_list",
        summary="Hình thức bản sao: sao y, trích sao, sao lục",
        responses={200: CopyKindSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        return Response(CopyKindSerializer(copy_kind_list(), many=True).data)


class UrgencyLevelListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="catalogues_urgency_levels_list",
        summary="Mức độ khẩn",
        responses={200: UrgencyLevelSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        return Response(UrgencyLevelSerializer(urgency_level_list(), many=True).data)


class SecrecyLevelListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="catalogues_secrecy_levels_list",
        summary="Độ mật",
        responses={200: SecrecyLevelSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        return Response(SecrecyLevelSerializer(secrecy_level_list(), many=True).data)


class ProcedureFieldListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="catalogues_procedure_fields_list",
        summary="Lĩnh vực thủ tục hành chính",
        responses={200: ProcedureFieldSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        return Response(ProcedureFieldSerializer(procedure_field_list(), many=True).data)
