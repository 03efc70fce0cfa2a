"""Hash signing over HTTP: prepare (what the device must sign), then finish (embed its answer)."""

from __future__ import annotations

import base64
import hashlib
import uuid
from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from congso.accounts.api.request import request_staff
from congso.core.api.parsers import JSONParser
from congso.signatures import external
from congso.signatures.access import access_external_session_by_id
from congso.signatures.api.serializers import (
    ExternalFinishSerializer,
    ExternalPrepareSerializer,
    ExternalSessionSerializer,
)
from congso.signatures.api.views import PDF, upload_bytes
from congso.signatures.models import ExternalSigningSession


def _session_data(session: ExternalSigningSession) -> dict[str, Any]:
    signed_attrs = base64.b64decode(session.prepared["signed_attrs"])
    return {
        "id": session.pk,
        "expires_at": session.expires_at,
        "field_name": session.prepared["field_name"],
        "data_to_sign": base64.b64encode(signed_attrs).decode(),
        "digest_to_sign": base64.b64encode(hashlib.sha256(signed_attrs).digest()).decode(),
        "digest_algorithm": "sha256",
    }


class ExternalPrepareApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]

    @extend_schema(
        tags=["signatures"],
        operation_id="signatures_external_prepare",
        summary="Ký mã băm, bước 1: chuẩn bị văn bản, trả về dữ liệu thiết bị cần ký",
        request={"multipart/form-data": ExternalPrepareSerializer},
        responses={201: ExternalSessionSerializer, 403: OpenApiResponse(description="not allowed")},
    )
    def post(self, request: Request) -> Response:
        staff = request_staff(request)
        form = ExternalPrepareSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        session = external.external_signing_prepare(
            actor=staff,
            pdf=upload_bytes(form.validated_data["file"]),
            certificate=upload_bytes(form.validated_data["certificate"]),
            as_agency=form.validated_data["kind"] == "agency",
            document_ref=form.validated_data["document_ref"],
        )
        return Response(
            ExternalSessionSerializer(_session_data(session)).data, status=status.HTTP_201_CREATED
        )


class ExternalFinishApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        tags=["signatures"],
        operation_id="signatures_external_finish",
        summary="Ký mã băm, bước 2: nhận giá trị chữ ký, kiểm tra và gắn vào văn bản",
        request=ExternalFinishSerializer,
        responses={200: PDF},
    )
    def post(self, request: Request, session_id: uuid.UUID) -> HttpResponse:
        staff = request_staff(request)
        form = ExternalFinishSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        session = access_external_session_by_id(user=staff, session_id=session_id)
        signed = external.external_signing_finish(
            actor=staff, session=session, signature_value=form.validated_data["signature_value"]
        )
        return HttpResponse(signed, content_type="application/pdf")
