"""Case files (hồ sơ công việc) over HTTP: list/create, detail, add/remove/reorder documents,
close, export as PDF or XML. Every read goes through `access.case_files_visible_to`."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from congso.accounts.api.permissions import IsStaffMember
from congso.accounts.api.request import request_staff
from congso.core.api.fields import IdField
from congso.documents.access import access_case_file_by_id
from congso.documents.api.reports.views import file_response
from congso.documents.constants import Direction
from congso.documents.models import CaseFile
from congso.documents.selectors.casefiles import (
    case_file_documents,
    case_file_summary,
    case_files_list,
)
from congso.documents.services.casefiles import (
    CaseFileData,
    case_file_add_document,
    case_file_close,
    case_file_create,
    case_file_export,
    case_file_remove_document,
    case_file_reorder,
)

STAFF = [IsAuthenticated, IsStaffMember]
TAGS = ["documents-case-files"]
ERRORS = {
    400: OpenApiResponse(description="validation_failed, case_file_notation_taken … (error.code)"),
    403: OpenApiResponse(description="case_file_edit_forbidden"),
    404: OpenApiResponse(description="case_file_not_found, document_not_found"),
    409: OpenApiResponse(description="case_file_closed"),
}


class CaseFileInputSerializer(serializers.Serializer):
    notation = serializers.CharField(max_length=20, help_text="FileNotation, e.g. 01.TH")
    title = serializers.CharField(max_length=500)
    maintenance = serializers.CharField(max_length=30, help_text="Vĩnh viễn, 10 năm …")
    rights = serializers.CharField(max_length=30, help_text="Công khai, Hạn chế …")
    year = serializers.IntegerField(
        required=False, allow_null=True, default=None, max_value=9999
    )  # the service says which years are accepted
    language = serializers.CharField(max_length=50, required=False, default="Tiếng Việt")
    start_on = serializers.DateField(required=False, allow_null=True, default=None)
    description = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default=""
    )


class CaseFileListItemSerializer(serializers.ModelSerializer):
    creator_name = serializers.SerializerMethodField()

    class Meta:
        model = CaseFile
        fields = [
            "id",
            "year",
            "notation",
            "title",
            "maintenance",
            "rights",
            "language",
            "start_on",
            "end_on",
            "is_closed",
            "creator_name",
        ]

    def get_creator_name(self, case_file: CaseFile) -> str:
        return str(getattr(case_file.creator, "display_name", case_file.creator))


class SummarySerializer(serializers.Serializer):
    organ_id = serializers.CharField(help_text="OrganId")
    file_catalog = serializers.IntegerField(help_text="FileCatalog")
    file_notation = serializers.CharField(help_text="FileNotation")
    file_code = serializers.CharField()
    doc_total = serializers.IntegerField(help_text="DocTotal")
    page_total = serializers.IntegerField(help_text="PageTotal")


class CaseFileDocumentSerializer(serializers.Serializer):
    item_id = serializers.IntegerField()
    ordinal = serializers.IntegerField(help_text="DocOrdinal")
    direction = serializers.CharField()
    document_id = serializers.IntegerField()
    type_name = serializers.CharField()
    number_notation = serializers.CharField()
    issued_on = serializers.DateField(allow_null=True)
    organ_name = serializers.CharField()
    subject = serializers.CharField()
    page_amount = serializers.IntegerField(allow_null=True)
    has_pdf = serializers.BooleanField()


class CaseFileDetailSerializer(CaseFileListItemSerializer):
    class Meta(CaseFileListItemSerializer.Meta):
        fields = [*CaseFileListItemSerializer.Meta.fields, "description"]


class CaseFileDetailOutputSerializer(serializers.Serializer):
    case_file = CaseFileDetailSerializer()
    summary = SummarySerializer()
    documents = CaseFileDocumentSerializer(many=True)


class AddDocumentInputSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(choices=Direction.choices)
    document_id = IdField()


class ReorderInputSerializer(serializers.Serializer):
    item_ids = serializers.ListField(child=IdField(), max_length=999)


class CloseSerializer(serializers.Serializer):
    end_on = serializers.DateField(required=False, allow_null=True, default=None)


class ExportQuerySerializer(serializers.Serializer):
    output = serializers.ChoiceField(choices=[("pdf", "PDF"), ("xml", "XML")], default="pdf")


def detail_payload(user: Any, case_file_id: int) -> dict[str, Any]:
    case_file = access_case_file_by_id(user=user, case_file_id=case_file_id)
    documents = case_file_documents(case_file)
    return {
        "case_file": CaseFileDetailSerializer(case_file).data,
        "summary": asdict(case_file_summary(case_file, documents)),
        "documents": [
            {**{k: v for k, v in vars(d).items() if k != "pdf"}, "has_pdf": d.pdf is not None}
            for d in documents
        ],
    }


class CaseFileListCreateApi(generics.ListAPIView):
    """GET: case files of your agency you may read entirely (cursor pages). POST: open one."""

    permission_classes = STAFF
    serializer_class = CaseFileListItemSerializer

    def get_queryset(self) -> Any:
        return case_files_list(user=request_staff(self.request))

    @extend_schema(tags=TAGS)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=CaseFileInputSerializer,
        responses={201: CaseFileDetailOutputSerializer, **ERRORS},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        user = request_staff(request)
        data = CaseFileInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case_file = case_file_create(user=user, data=CaseFileData(**data.validated_data))
        return Response(detail_payload(user, case_file.pk), status=status.HTTP_201_CREATED)


class CaseFileDetailApi(APIView):
    permission_classes = STAFF

    @extend_schema(responses={200: CaseFileDetailOutputSerializer, **ERRORS}, tags=TAGS)
    def get(self, request: Request, case_file_id: int) -> Response:
        return Response(detail_payload(request_staff(request), case_file_id))


class CaseFileDocumentsApi(APIView):
    """POST: put a document you may read at the end of the file."""

    permission_classes = STAFF

    @extend_schema(
        request=AddDocumentInputSerializer,
        responses={201: CaseFileDetailOutputSerializer, **ERRORS},
        tags=TAGS,
    )
    def post(self, request: Request, case_file_id: int) -> Response:
        user = request_staff(request)
        data = AddDocumentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case_file_add_document(user=user, case_file_id=case_file_id, **data.validated_data)
        return Response(detail_payload(user, case_file_id), status=status.HTTP_201_CREATED)


class CaseFileItemApi(APIView):
    permission_classes = STAFF

    @extend_schema(responses={204: None, **ERRORS}, tags=TAGS)
    def delete(self, request: Request, case_file_id: int, item_id: int) -> Response:
        user = request_staff(request)
        case_file_remove_document(user=user, case_file_id=case_file_id, item_id=item_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CaseFileReorderApi(APIView):
    permission_classes = STAFF

    @extend_schema(
        request=ReorderInputSerializer,
        responses={200: CaseFileDetailOutputSerializer, **ERRORS},
        tags=TAGS,
    )
    def post(self, request: Request, case_file_id: int) -> Response:
        user = request_staff(request)
        data = ReorderInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case_file_reorder(user=user, case_file_id=case_file_id, **data.validated_data)
        return Response(detail_payload(user, case_file_id))


class CaseFileCloseApi(APIView):
    permission_classes = STAFF

    @extend_schema(
        request=CloseSerializer,
        responses={200: CaseFileDetailOutputSerializer, **ERRORS},
        tags=TAGS,
    )
    def post(self, request: Request, case_file_id: int) -> Response:
        user = request_staff(request)
        data = CloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case_file_close(user=user, case_file_id=case_file_id, **data.validated_data)
        return Response(detail_payload(user, case_file_id))


class CaseFileExportApi(APIView):
    """The file as PDF (cover, contents, the documents' PDFs) or XML (Phụ lục VI names)."""

    permission_classes = STAFF

    @extend_schema(
        parameters=[ExportQuerySerializer],
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (200, "application/xml"): OpenApiTypes.BINARY,
            **ERRORS,
        },
        tags=TAGS,
    )
    def get(self, request: Request, case_file_id: int) -> HttpResponse:
        user = request_staff(request)
        query = ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        exported = case_file_export(
            user=user, case_file_id=case_file_id, fmt=query.validated_data["output"]
        )
        return file_response(exported.content, exported.media_type, exported.file_name)
