"""The hub's REST API, modelled on the axis verbs: send, list received, get, acknowledge, status."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, cast

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from congso.hub import conf
from congso.hub.access import access_delivery_for_ack, access_message_by_id
from congso.hub.api.authentication import HubTokenAuthentication
from congso.hub.api.errors import hub_exception_handler
from congso.hub.api.serializers import (
    AcceptedSerializer,
    LimitSerializer,
    ReceivedMessageListSerializer,
    ReceivedMessageSerializer,
    ReceivedStatusListSerializer,
    ReceivedStatusSerializer,
    StatusAcceptedSerializer,
)
from congso.hub.constants import MessageKind
from congso.hub.models import Member
from congso.hub.selectors import delivery_pending_list
from congso.hub.services.messages import (
    Accepted,
    delivery_acknowledge,
    delivery_count_fetch,
    message_accept,
    status_accept,
)
from congso.hub.storage import Upload, stored_file, upload_receive

RAW_XML = {"application/xml": OpenApiTypes.BINARY}


class HubApiView(APIView):
    authentication_classes = [HubTokenAuthentication]
    permission_classes = [IsAuthenticated]

    def get_exception_handler(self) -> Callable[..., Any]:
        return hub_exception_handler

    def member(self, request: Request) -> Member:
        return cast(Member, request.user)


def _receive(request: Request) -> Upload:
    """Stream the raw body to disk; never `request.body` (packages go up to 300 MB)."""
    django_request = request._request
    declared = django_request.META.get("CONTENT_LENGTH") or None
    return upload_receive(django_request.read, declared_length=int(declared) if declared else None)


def _accept(request: Request, service: Callable[..., Accepted]) -> Accepted:
    upload = _receive(request)
    try:
        return service(sender=cast(Member, request.user), upload=upload)
    finally:
        upload.discard()


class HealthApi(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, auth=[])
    def get(self, request: Request) -> Response:
        return Response({"ok": True})


class MessageSendApi(HubApiView):
    @extend_schema(
        request=RAW_XML,
        responses={201: AcceptedSerializer, 200: AcceptedSerializer},
        description="Gửi gói tin edXML; gửi lại đúng gói tin đã nhận trả 200 với cùng id.",
    )
    def post(self, request: Request) -> Response:
        accepted = _accept(request, message_accept)
        body = {
            "id": str(accepted.message.id),
            "document_id": accepted.message.document_id,
            "recipients": accepted.recipients,
        }
        return Response(body, status=201 if accepted.created else 200)


def _limit(request: Request) -> int:
    serializer = LimitSerializer(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return min(int(serializer.validated_data["limit"]), conf.list_limit_max())


LIMIT_PARAM = OpenApiParameter("limit", int, description="tối đa (mặc định 100)")


class MessageReceivedListApi(HubApiView):
    @extend_schema(parameters=[LIMIT_PARAM], responses={200: ReceivedMessageListSerializer})
    def get(self, request: Request) -> Response:
        rows = delivery_pending_list(
            member=self.member(request), kind=MessageKind.EDOC, limit=_limit(request)
        )
        return Response({"results": ReceivedMessageSerializer(rows, many=True).data})


def _raw(member: Member, message_id: uuid.UUID, kind: str) -> FileResponse:
    message, delivery = access_message_by_id(member=member, message_id=message_id, kind=kind)
    if delivery is not None:
        delivery_count_fetch(delivery=delivery)
    response = FileResponse(
        stored_file(message.stored_path).open("rb"), content_type="application/xml"
    )
    response["Content-Length"] = str(message.size)
    response["X-Content-SHA256"] = message.sha256
    return response


class MessageContentApi(HubApiView):
    @extend_schema(responses={(200, "application/xml"): OpenApiTypes.BINARY})
    def get(self, request: Request, message_id: uuid.UUID) -> FileResponse:
        return _raw(self.member(request), message_id, MessageKind.EDOC)


class MessageAckApi(HubApiView):
    @extend_schema(request=None, responses={204: OpenApiResponse(description="đã nhận")})
    def post(self, request: Request, message_id: uuid.UUID) -> Response:
        delivery = access_delivery_for_ack(
            member=self.member(request), message_id=message_id, kind=MessageKind.EDOC
        )
        delivery_acknowledge(delivery=delivery)
        return Response(status=204)


class StatusSendApi(HubApiView):
    @extend_schema(
        request=RAW_XML, responses={201: StatusAcceptedSerializer, 200: StatusAcceptedSerializer}
    )
    def post(self, request: Request) -> Response:
        accepted = _accept(request, status_accept)
        return Response({"id": str(accepted.message.id)}, status=201 if accepted.created else 200)


class StatusReceivedListApi(HubApiView):
    @extend_schema(parameters=[LIMIT_PARAM], responses={200: ReceivedStatusListSerializer})
    def get(self, request: Request) -> Response:
        rows = delivery_pending_list(
            member=self.member(request), kind=MessageKind.STATUS, limit=_limit(request)
        )
        return Response({"results": ReceivedStatusSerializer(rows, many=True).data})


class StatusContentApi(HubApiView):
    @extend_schema(responses={(200, "application/xml"): OpenApiTypes.BINARY})
    def get(self, request: Request, message_id: uuid.UUID) -> FileResponse:
        return _raw(self.member(request), message_id, MessageKind.STATUS)


class StatusAckApi(HubApiView):
    @extend_schema(request=None, responses={204: OpenApiResponse(description="đã nhận")})
    def post(self, request: Request, message_id: uuid.UUID) -> Response:
        delivery = access_delivery_for_ack(
            member=self.member(request), message_id=message_id, kind=MessageKind.STATUS
        )
        delivery_acknowledge(delivery=delivery)
        return Response(status=204)
