"""HTTP endpoints for outgoing documents: reads (lists, detail, versions, files, comments).

Writes that move the document through its life are in `actions.py`. Every document is loaded
through `access_outgoing_by_id` (missing, other agency and secret-without-grant are one 404).
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from congso.accounts.api.permissions import IsStaffMember
from congso.accounts.api.request import request_staff
from congso.core.api.pagination import CursorPagination
from congso.core.api.parsers import JSONParser
from congso.core.errors import NotFound, ValidationFailed
from congso.documents.access import access_outgoing_by_id
from congso.documents.api.outgoing import serializers as s
from congso.documents.models import OutgoingDocument
from congso.documents.selectors import outgoing as selectors
from congso.documents.services import outgoing as services
from congso.documents.services.files import stored_file_open

TAG = "documents-outgoing"
BINARY_PDF = {(200, "application/pdf"): OpenApiTypes.BINARY}


def load(request: Request, document_id: int) -> tuple[Any, OutgoingDocument]:
    user = request_staff(request)
    return user, access_outgoing_by_id(user=user, document_id=document_id)


def detail_response(user: Any, document: OutgoingDocument, code: int = 200) -> Response:
    document = access_outgoing_by_id(user=user, document_id=document.pk)
    selectors.outgoing_detail_prefetch(document)
    context = {
        "latest_version": selectors.outgoing_versions_of(document).first(),
        "permissions": selectors.outgoing_permissions_for(user, document),
    }
    return Response(s.OutgoingDetailSerializer(document, context=context).data, status=code)


def recipient_specs(rows: list[dict[str, Any]]) -> list[services.RecipientSpec]:
    return [
        services.RecipientSpec(
            agency=row.get("agency"),
            name=row.get("name", ""),
            organ_id=row.get("organ_id", ""),
            is_for_information=row.get("is_for_information", False),
        )
        for row in rows
    ]


class OutgoingListCreateApi(GenericAPIView):
    permission_classes = [IsAuthenticated, IsStaffMember]
    pagination_class = CursorPagination
    serializer_class = s.OutgoingListItemSerializer
    parser_classes = [JSONParser]

    @extend_schema(
        tags=[TAG],
        operation_id="documents_outgoing_list",
        parameters=[s.OutgoingListFilterSerializer],
        responses=s.OutgoingListItemSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        user = request_staff(request)
        filters = s.OutgoingListFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        documents = selectors.outgoing_list_visible_to(user=user, **filters.validated_data)
        page = self.paginate_queryset(documents)
        return self.get_paginated_response(s.OutgoingListItemSerializer(page, many=True).data)

    @extend_schema(
        tags=[TAG],
        operation_id="documents_outgoing_create",
        request=s.OutgoingDraftCreateInputSerializer,
        responses={201: s.OutgoingDetailSerializer},
    )
    def post(self, request: Request) -> Response:
        user = request_staff(request)
        serializer = s.OutgoingDraftCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["recipients"] = recipient_specs(data.pop("recipients", []))
        document = services.outgoing_draft_create(author=user, **data)
        return detail_response(user, document, status.HTTP_201_CREATED)


class OutgoingUploadApi(APIView):
    permission_classes = [IsAuthenticated, IsStaffMember]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=[TAG],
        operation_id="documents_outgoing_upload",
        request={"multipart/form-data": s.OutgoingDraftUploadInputSerializer},
        responses={201: s.OutgoingDetailSerializer},
    )
    def post(self, request: Request) -> Response:
        user = request_staff(request)
        serializer = s.OutgoingDraftUploadInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        rows = s.OutgoingRecipientInputSerializer(
            data=data.pop("recipients", None) or [], many=True
        )
        if not rows.is_valid():
            raise ValidationFailed("Danh sách nơi nhận không hợp lệ.", field="recipients")
        upload = data.pop("file")
        document = services.outgoing_draft_upload(
            author=user,
            stream=upload,
            file_name=upload.name,
            recipients=recipient_specs(list(rows.validated_data)),
            **data,
        )
        return detail_response(user, document, status.HTTP_201_CREATED)


class OutgoingDetailApi(APIView):
    permission_classes = [IsAuthenticated, IsStaffMember]
    parser_classes = [JSONParser]

    @extend_schema(
        tags=[TAG], operation_id="documents_outgoing_retrieve", responses=s.OutgoingDetailSerializer
    )
    def get(self, request: Request, document_id: int) -> Response:
        user, document = load(request, document_id)
        return detail_response(user, document)

    @extend_schema(
        tags=[TAG],
        operation_id="documents_outgoing_update",
        request=s.OutgoingDraftUpdateInputSerializer,
        responses=s.OutgoingDetailSerializer,
    )
    def patch(self, request: Request, document_id: int) -> Response:
        user, document = load(request, document_id)
        serializer = s.OutgoingDraftUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.outgoing_draft_update(actor=user, document=document, **serializer.validated_data)
        return detail_response(user, document)


class OutgoingVersionsApi(APIView):
    permission_classes = [IsAuthenticated, IsStaffMember]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=[TAG],
        operation_id="documents_outgoing_versions_list",
        responses=s.OutgoingVersionSerializer(many=True),
    )
    def get(self, request: Request, document_id: int) -> Response:
        _user, document = load(request, document_id)
        versions = selectors.outgoing_versions_of(document)
        return Response(s.OutgoingVersionSerializer(versions, many=True).data)

    @extend_schema(
        tags=[TAG],
        operation_id="documents_outgoing_versions_upload",
        request={"multipart/form-data": s.OutgoingVersionUploadInputSerializer},
        responses={201: s.OutgoingVersionSerializer},
    )
    def post(self, request: Request, document_id: int) -> Response:
        user, document = load(request, document_id)
        serializer = s.OutgoingVersionUploadInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        version = services.outgoing_version_upload(
            actor=user,
            document=document,
            stream=upload,
            file_name=upload.name,
            note=serializer.validated_data["note"],
        )
        return Response(s.OutgoingVersionSerializer(version).data, status=status.HTTP_201_CREATED)


class OutgoingVersionFileApi(APIView):
    """Any past version, byte for byte as stored: its PDF, or the uploaded DOCX ("source")."""

    permission_classes = [IsAuthenticated, IsStaffMember]

    @extend_schema(
        tags=[TAG],
        operation_id="documents_outgoing_version_file",
        parameters=[OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=["pdf", "source"])],
        responses={**BINARY_PDF, 404: OpenApiResponse(description="Không tìm thấy")},
    )
    def get(self, request: Request, document_id: int, number: int, kind: str) -> FileResponse:
        _user, document = load(request, document_id)
        version = selectors.outgoing_version_get(document, number)
        stored = None
        if version is not None:
            stored = version.rendered_file if kind == "pdf" else version.source_file
        if stored is None:
            raise NotFound("Không tìm thấy phiên bản hoặc tệp.", code="version_not_found")
        extension = "pdf" if stored.media_type == "application/pdf" else "docx"
        return FileResponse(
            stored_file_open(stored),
            content_type=stored.media_type,
            as_attachment=request.query_params.get("download") == "1",
            filename=f"van-ban-di-{document.pk}-v{number}.{extension}",
        )


class OutgoingCommentsApi(APIView):
    permission_classes = [IsAuthenticated, IsStaffMember]
    parser_classes = [JSONParser]

    @extend_schema(
        tags=[TAG],
        operation_id="documents_outgoing_comments_list",
        responses=s.OutgoingCommentSerializer(many=True),
    )
    def get(self, request: Request, document_id: int) -> Response:
        _user, document = load(request, document_id)
        return Response(
            s.OutgoingCommentSerializer(selectors.outgoing_comments_of(document), many=True).data
        )

    @extend_schema(
        tags=[TAG],
        operation_id="documents_outgoing_comments_create",
        request=s.OutgoingCommentInputSerializer,
        responses={201: s.OutgoingCommentSerializer},
    )
    def post(self, request: Request, document_id: int) -> Response:
        user, document = load(request, document_id)
        serializer = s.OutgoingCommentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = services.outgoing_comment_add(
            author=user, document=document, text=serializer.validated_data["text"]
        )
        return Response(s.OutgoingCommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class OutgoingAttachmentsApi(APIView):
    permission_classes = [IsAuthenticated, IsStaffMember]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=[TAG],
        operation_id="documents_outgoing_attachments_list",
        responses=s.OutgoingAttachmentSerializer(many=True),
    )
    def get(self, request: Request, document_id: int) -> Response:
        _user, document = load(request, document_id)
        attachments = document.attachments.select_related("stored_file")
        return Response(s.OutgoingAttachmentSerializer(attachments, many=True).data)

    @extend_schema(
        tags=[TAG],
        operation_id="documents_outgoing_attachments_create",
        request={"multipart/form-data": s.OutgoingAttachmentInputSerializer},
        responses={201: s.OutgoingAttachmentSerializer},
    )
    def post(self, request: Request, document_id: int) -> Response:
        user, document = load(request, document_id)
        serializer = s.OutgoingAttachmentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        attachment = services.outgoing_attachment_add(
            actor=user,
            document=document,
            stream=upload,
            file_name=upload.name,
            role=serializer.validated_data["role"],
        )
        return Response(
            s.OutgoingAttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED
        )


class OutgoingAttachmentFileApi(APIView):
    permission_classes = [IsAuthenticated, IsStaffMember]

    @extend_schema(
        tags=[TAG],
        operation_id="documents_outgoing_attachment_file",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, document_id: int, attachment_id: int) -> FileResponse:
        _user, document = load(request, document_id)
        attachment = selectors.outgoing_attachment_get(document, attachment_id)
        if attachment is None:
            raise NotFound("Không tìm thấy tệp đính kèm.", code="attachment_not_found")
        return FileResponse(
            stored_file_open(attachment.stored_file),
            content_type=attachment.stored_file.media_type,
            as_attachment=True,
            filename=attachment.name,
        )


class _WorkListApi(GenericAPIView):
    permission_classes = [IsAuthenticated, IsStaffMember]
    pagination_class = CursorPagination
    serializer_class = s.OutgoingListItemSerializer

    def list_for(self, request: Request, selector: Any) -> Response:
        user = request_staff(request)
        page = self.paginate_queryset(selector(user=user))
        return self.get_paginated_response(s.OutgoingListItemSerializer(page, many=True).data)


class OutgoingPendingReviewApi(_WorkListApi):
    @extend_schema(
        tags=[TAG],
        operation_id="documents_outgoing_pending_review",
        responses=s.OutgoingListItemSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        """ "Chờ tôi duyệt": documents whose pending step is mine (or my delegator's)."""
        return self.list_for(request, selectors.outgoing_pending_review_for)


class OutgoingReadyToIssueApi(_WorkListApi):
    @extend_schema(
        tags=[TAG],
        operation_id="documents_outgoing_ready_to_issue",
        responses=s.OutgoingListItemSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        """ "Chờ ban hành": approved documents waiting for the văn thư."""
        return self.list_for(request, selectors.outgoing_ready_to_issue_for)
