"""Incoming documents over HTTP: register, list, detail, file download, stamp, overdue lists.

Views parse, load through the access gate, call one service or selector and render. Errors are
the services' (stable codes, Vietnamese messages); another agency's document is a 404.
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from congso.accounts.api.permissions import IsStaffMember
from congso.accounts.api.request import request_staff
from congso.documents.access import access_incoming_by_id, access_incoming_file_by_id
from congso.documents.api.incoming import serializers as s
from congso.documents.models import IncomingDocument
from congso.documents.selectors.incoming import (
    assignments_overdue,
    assignments_overdue_summary,
    incoming_list,
)
from congso.documents.selectors.incoming_detail import (
    incoming_allowed_actions,
    incoming_detail_prefetch,
    incoming_history,
    incoming_stamp,
)
from congso.documents.services.files import stored_file_open
from congso.documents.services.incoming import IncomingData, Upload, incoming_document_register
from congso.documents.services.incoming_common import local_today

STAFF = [IsAuthenticated, IsStaffMember]
ERRORS = {
    400: OpenApiResponse(description="validation_failed, file_rejected … (error.code)"),
    403: OpenApiResponse(description="Vai trò không cho phép (error.code)"),
    404: OpenApiResponse(description="document_not_found"),
    409: OpenApiResponse(description="invalid_transition"),
}


def detail_response(
    request: Request, document: IncomingDocument, code: int = status.HTTP_200_OK
) -> Response:
    """The document as its detail: reloaded through the gate, with history and allowed actions."""
    user = request_staff(request)
    fresh = access_incoming_by_id(user=user, document_id=document.pk)
    incoming_detail_prefetch(fresh)
    context = {
        "request": request,
        "today": local_today(),
        "history": incoming_history(fresh),
        "allowed": incoming_allowed_actions(user=user, document=fresh),
    }
    return Response(s.IncomingDetailSerializer(fresh, context=context).data, status=code)


class IncomingListRegisterApi(generics.ListAPIView):
    """GET: incoming documents the user may read (cursor pages, newest first, no contents).
    POST (multipart): register a document (vào sổ văn bản đến)."""

    permission_classes = STAFF
    serializer_class = s.IncomingListItemSerializer
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self) -> Any:
        filters = s.ListFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        values = dict(filters.validated_data)
        urgency = values.pop("urgency", None)
        return incoming_list(
            user=request_staff(self.request),
            urgency=urgency.code if urgency else None,
            today=local_today(),
            **values,
        )

    @extend_schema(
        parameters=[s.ListFilterSerializer], responses={200: s.IncomingListItemSerializer}
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request={"multipart/form-data": s.RegisterInputSerializer},
        responses={
            201: s.RegistrationSerializer,
            409: OpenApiResponse(
                description="possible_duplicate: error.details.matches lists the documents "
                "already registered; send again with allow_duplicate=true to register anyway"
            ),
            **{k: v for k, v in ERRORS.items() if k != 409},
        },
    )
    def post(self, request: Request) -> Response:
        clerk = request_staff(request)
        form = s.RegisterInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        values = dict(form.validated_data)
        main = values.pop("main_file")
        attachments = values.pop("attachments")
        source = values.pop("source")
        allow = values.pop("allow_duplicate")
        result = incoming_document_register(
            clerk=clerk,
            data=IncomingData(**values),
            main_file=Upload(name=main.name, stream=main) if main else None,
            attachments=[Upload(name=item.name, stream=item) for item in attachments],
            source=source,
            allow_duplicate=allow,
        )
        detail = detail_response(request, result.document).data
        duplicates = [match.as_dict() for match in result.duplicates]
        return Response({"document": detail, "duplicates": duplicates}, status=201)


class IncomingDetailApi(APIView):
    permission_classes = STAFF

    @extend_schema(responses={200: s.IncomingDetailSerializer, 404: ERRORS[404]})
    def get(self, request: Request, document_id: int) -> Response:
        """Metadata, files (download links), assignments, notes and the audited history."""
        user = request_staff(request)
        return detail_response(request, access_incoming_by_id(user=user, document_id=document_id))


class IncomingFileDownloadApi(APIView):
    permission_classes = STAFF

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            404: ERRORS[404],
        }
    )
    def get(self, request: Request, document_id: int, file_id: int) -> FileResponse:
        """The stored bytes, streamed, under the file's safe name (Content-Disposition)."""
        incoming_file = access_incoming_file_by_id(
            user=request_staff(request), document_id=document_id, file_id=file_id
        )
        stored = incoming_file.stored_file
        response = FileResponse(
            stored_file_open(stored),
            as_attachment=True,
            filename=incoming_file.name,
            content_type=stored.media_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class IncomingStampApi(APIView):
    permission_classes = STAFF

    @extend_schema(responses={200: s.StampSerializer, 404: ERRORS[404]})
    def get(self, request: Request, document_id: int) -> Response:
        """Data of the "ĐẾN" stamp (Nghị định 30/2020/NĐ-CP, Phụ lục IV)."""
        document = access_incoming_by_id(user=request_staff(request), document_id=document_id)
        return Response(s.StampSerializer(incoming_stamp(document).as_dict()).data)


class OverdueAssignmentListApi(generics.ListAPIView):
    """Open assignments past their deadline, of documents the user may read."""

    permission_classes = STAFF
    serializer_class = s.OverdueAssignmentSerializer

    def get_queryset(self) -> Any:
        filters = s.OverdueFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return assignments_overdue(
            on=local_today(),
            unit_id=filters.validated_data.get("unit"),
            user_id=filters.validated_data.get("user"),
            visible_to=request_staff(self.request),
        ).select_related("document__urgency", "assignee__unit")

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": local_today()}

    @extend_schema(parameters=[s.OverdueFilterSerializer])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class OverdueSummaryApi(APIView):
    permission_classes = STAFF

    @extend_schema(responses={200: s.OverdueSummarySerializer})
    def get(self, request: Request) -> Response:
        """How many overdue assignments each unit and each person has."""
        summary = assignments_overdue_summary(on=local_today(), visible_to=request_staff(request))
        return Response(s.OverdueSummarySerializer(summary).data)
