"""The hub's REST API, modelled on the axis verbs: send, list received, get, acknowledge, status."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable
from typing import Any, cast

from django.http import FileResponse
from django.http.response import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from congso.core.api.parsers import JSONParser
from congso.core.errors import CongsoError
from congso.hub import conf
from congso.hub.access import (
    access_deliveries_for_ack,
    access_delivery_for_ack,
    access_message_by_id,
)
from congso.hub.api.authentication import HubTokenAuthentication
from congso.hub.api.errors import hub_exception_handler
from congso.hub.api.multipart import (
    HubNegotiation,
    ListingNegotiation,
    multipart_listing,
    multipart_wanted,
)
from congso.hub.api.serializers import (
    AcceptedSerializer,
    AckManyResultSerializer,
    AckManySerializer,
    BatchPackagesSerializer,
    BatchResultSerializer,
    BatchStatusesSerializer,
    LimitSerializer,
    ReceivedMessageListSerializer,
    ReceivedStatusListSerializer,
    StatusAcceptedSerializer,
    WaitResultSerializer,
    WaitSerializer,
    received_item,
)
from congso.hub.constants import MessageKind
from congso.hub.errors import HubBatchInvalid, HubPathNotFound
from congso.hub.models import Member
from congso.hub.selectors import delivery_pending_kinds, delivery_pending_list
from congso.hub.services.batches import batch_accept
from congso.hub.services.deliveries import (
    delivery_acknowledge,
    delivery_acknowledge_many,
    delivery_count_fetch,
    delivery_count_fetch_many,
)
from congso.hub.services.intake import Accepted
from congso.hub.services.messages import message_accept
from congso.hub.services.statuses import status_accept
from congso.hub.services.wakeups import delivery_wait
from congso.hub.storage import Upload, stored_file, upload_receive, uploads_receive_parts

RAW_XML = {"application/xml": OpenApiTypes.BINARY}


class HubApiView(APIView):
    authentication_classes = [HubTokenAuthentication]
    permission_classes = [IsAuthenticated]
    # JSON only (a listing adds its own multipart/mixed): no browsable page, never a 406
    renderer_classes = [JSONRenderer]
    content_negotiation_class = HubNegotiation

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


def _accepted_message(accepted: Accepted) -> dict[str, Any]:
    return {
        "id": str(accepted.message.id),
        "document_id": accepted.message.document_id,
        "recipients": accepted.recipients,
    }


def _accepted_status(accepted: Accepted) -> dict[str, Any]:
    return {"id": str(accepted.message.id)}


def _accept_each(
    request: Request,
    field: str,
    service: Callable[..., Accepted],
    describe: Callable[[Accepted], dict[str, Any]],
) -> Response:
    """Each part through `service` as the single endpoint would take it (`batch_accept`); a
    refusal becomes that item's answer."""
    uploads = uploads_receive_parts(request._request, field=field)
    results: list[dict[str, Any]] = []
    try:
        outcomes = batch_accept(sender=cast(Member, request.user), uploads=uploads, accept=service)
    finally:
        for upload in uploads:
            upload.discard()
    for index, outcome in enumerate(outcomes):
        if isinstance(outcome, CongsoError):
            error = {"code": outcome.code, "message": outcome.message, "details": outcome.details}
            results.append({"index": index, "status": outcome.http_status, "error": error})
        else:
            status = 201 if outcome.created else 200
            results.append({"index": index, "status": status, **describe(outcome)})
    return Response({"results": results})


class HealthApi(HubApiView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, auth=[])
    def get(self, request: Request) -> Response:
        return Response({"ok": True})


@extend_schema(exclude=True)
class NotFoundApi(HubApiView):
    """Every other path under the API, whatever the method: the hub's JSON 404 (`hub_not_found`),
    not Django's HTML page. No token is read (and none used up) for a path that names nothing."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        raise HubPathNotFound()


WAIT_DESCRIPTION = (
    "Chờ đến khi có gói tin (văn bản hoặc trạng thái) gửi đến thành viên, hoặc hết `seconds` "
    "giây (tối đa HUB_WAIT_MAX_SECONDS): trả ngay khi đã có gói đang chờ hoặc khi có gói mới "
    "đến. Sau đó thành viên lấy danh sách như thường (long polling)."
)


class WaitApi(HubApiView):
    @extend_schema(
        parameters=[WaitSerializer],
        responses={200: WaitResultSerializer},
        description=WAIT_DESCRIPTION,
    )
    def get(self, request: Request) -> Response:
        serializer = WaitSerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        seconds = min(int(serializer.validated_data["seconds"]), conf.wait_max_seconds())
        member = self.member(request)
        kinds: dict[str, bool] = {}

        def pending() -> bool:
            kinds.update(delivery_pending_kinds(member=member))
            return any(kinds.values())

        if not delivery_wait(member_id=member.pk, seconds=seconds, pending=pending):
            return Response({"packages": False, "statuses": False})
        pending()  # woken: what is waiting now
        return Response(
            {"packages": kinds[MessageKind.EDOC], "statuses": kinds[MessageKind.STATUS]}
        )


class MessageSendApi(HubApiView):
    @extend_schema(
        request=RAW_XML,
        responses={201: AcceptedSerializer, 200: AcceptedSerializer},
        description="Gửi gói tin edXML; gửi lại đúng gói tin đã nhận trả 200 với cùng id.",
    )
    def post(self, request: Request) -> Response:
        accepted = _accept(request, message_accept)
        return Response(_accepted_message(accepted), status=201 if accepted.created else 200)


BATCH_DESCRIPTION = (
    "Nhiều gói tin trong một yêu cầu multipart/form-data (tối đa HUB_BATCH_MAX_ITEMS phần, "
    "giữ thứ tự); mỗi gói được kiểm tra và lưu riêng như khi gửi từng gói. Trả 200 với kết quả "
    "từng gói: `status` là mã mà lời gọi đơn lẻ sẽ trả."
)


class MessageBatchApi(HubApiView):
    @extend_schema(
        request={"multipart/form-data": BatchPackagesSerializer},
        responses={200: BatchResultSerializer},
        description=BATCH_DESCRIPTION,
    )
    def post(self, request: Request) -> Response:
        return _accept_each(request, "package", message_accept, _accepted_message)


def _listing(request: Request) -> tuple[int, bool]:
    serializer = LimitSerializer(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    limit = min(int(serializer.validated_data["limit"]), conf.list_limit_max())
    return limit, bool(serializer.validated_data["inline"])


def _received(request: Request, kind: str) -> HttpResponseBase:
    """The member's pending packages; with `inline=1` each carries its bytes when small enough
    (base64 in JSON, or a part of its own when the client asks for `multipart/mixed`), and
    handing them out counts as a fetch of each (one UPDATE for the page)."""
    limit, inline = _listing(request)
    member = cast(Member, request.user)
    rows = list(delivery_pending_list(member=member, kind=kind, limit=limit))
    results = [received_item(row, kind) for row in rows]
    largest = conf.inline_max_bytes()
    inlined = [row for row in rows if inline and row.message.size <= largest]
    delivery_count_fetch_many(deliveries=inlined)
    if multipart_wanted(request._request):
        files = {str(r.message.id): (r.message.stored_path, int(r.message.size)) for r in inlined}
        return cast(HttpResponseBase, multipart_listing(results, files))
    if inline:
        contents = {
            str(row.message.id): base64.b64encode(
                stored_file(row.message.stored_path).read_bytes()
            ).decode("ascii")
            for row in inlined
        }
        for item in results:
            item["content"] = contents.get(item["id"])
    return Response({"results": results})


LIMIT_PARAM = OpenApiParameter("limit", int, description="tối đa (mặc định 100)")
INLINE_PARAM = OpenApiParameter(
    "inline",
    bool,
    description=(
        "1: kèm nội dung gói tin khi không quá HUB_INLINE_MAX_BYTES (base64 trong JSON, hoặc "
        "từng phần riêng khi Accept: multipart/mixed)"
    ),
)
MULTIPART_DESCRIPTION = (
    "Với `Accept: multipart/mixed` câu trả lời là multipart/mixed: phần đầu application/json là "
    'danh sách (mỗi mục có `content` = "cid:<id>" nếu nội dung đi kèm, null nếu không), sau đó '
    "mỗi gói tin kèm theo là một phần application/octet-stream với `Content-ID: <id>` và "
    "`Content-Length`, theo thứ tự danh sách, không base64."
)


def _listing_schema(serializer: type) -> dict[Any, Any]:
    return {
        (200, "application/json"): serializer,
        (200, "multipart/mixed"): OpenApiTypes.BINARY,
    }


class MessageReceivedListApi(HubApiView):
    content_negotiation_class = ListingNegotiation

    @extend_schema(
        parameters=[LIMIT_PARAM, INLINE_PARAM],
        responses=_listing_schema(ReceivedMessageListSerializer),
        description=MULTIPART_DESCRIPTION,
    )
    def get(self, request: Request) -> HttpResponseBase:
        return _received(request, MessageKind.EDOC)


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


ACK_BODY_MAX_BYTES = 64 * 1024  # plus 100 bytes per allowed id: a UUID list, never more


def _ack_many(request: Request, kind: str) -> Response:
    """Acknowledge the caller's own deliveries among `ids`; the others are `unknown`."""
    declared = int(request._request.META.get("CONTENT_LENGTH") or 0)
    if declared > ACK_BODY_MAX_BYTES + 100 * conf.batch_max_items():
        raise HubBatchInvalid("Thân yêu cầu quá lớn cho một danh sách mã gói tin.")
    try:
        data = request.data
    except (exceptions.ParseError, exceptions.UnsupportedMediaType) as exc:
        raise HubBatchInvalid('Cần JSON {"ids": [...]}.') from exc
    serializer = AckManySerializer(data=data)
    if not serializer.is_valid():
        raise HubBatchInvalid(
            'Cần {"ids": [...]}: từ 1 đến HUB_BATCH_MAX_ITEMS mã gói tin (UUID).',
            details={"fields": serializer.errors},
        )
    ids: list[uuid.UUID] = list(dict.fromkeys(serializer.validated_data["ids"]))
    if len(ids) > conf.batch_max_items():
        raise HubBatchInvalid(
            f"Một lần xác nhận có tối đa {conf.batch_max_items()} gói tin.",
            details={"max_items": conf.batch_max_items()},
        )
    member = cast(Member, request.user)
    own = access_deliveries_for_ack(member=member, message_ids=ids, kind=kind)
    delivery_acknowledge_many(member=member, deliveries=list(own.values()))
    return Response(
        {
            "acknowledged": [str(i) for i in ids if i in own],
            "unknown": [str(i) for i in ids if i not in own],
        }
    )


ACK_MANY_DESCRIPTION = (
    "Xác nhận đã nhận nhiều gói tin trong một giao dịch (lặp lại không đổi gì); mã không phải "
    "gói tin gửi tới đơn vị nằm trong `unknown`."
)


class MessageAckManyApi(HubApiView):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="v1_hub_messages_ack_many",
        request=AckManySerializer,
        responses={200: AckManyResultSerializer},
        description=ACK_MANY_DESCRIPTION,
    )
    def post(self, request: Request) -> Response:
        return _ack_many(request, MessageKind.EDOC)


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
        return Response(_accepted_status(accepted), status=201 if accepted.created else 200)


class StatusBatchApi(HubApiView):
    @extend_schema(
        request={"multipart/form-data": BatchStatusesSerializer},
        responses={200: BatchResultSerializer},
        description=BATCH_DESCRIPTION,
    )
    def post(self, request: Request) -> Response:
        return _accept_each(request, "status", status_accept, _accepted_status)


class StatusReceivedListApi(HubApiView):
    content_negotiation_class = ListingNegotiation

    @extend_schema(
        parameters=[LIMIT_PARAM, INLINE_PARAM],
        responses=_listing_schema(ReceivedStatusListSerializer),
        description=MULTIPART_DESCRIPTION,
    )
    def get(self, request: Request) -> HttpResponseBase:
        return _received(request, MessageKind.STATUS)


class StatusContentApi(HubApiView):
    @extend_schema(responses={(200, "application/xml"): OpenApiTypes.BINARY})
    def get(self, request: Request, message_id: uuid.UUID) -> FileResponse:
        return _raw(self.member(request), message_id, MessageKind.STATUS)


class StatusAckManyApi(HubApiView):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="v1_hub_statuses_ack_many",
        request=AckManySerializer,
        responses={200: AckManyResultSerializer},
        description=ACK_MANY_DESCRIPTION,
    )
    def post(self, request: Request) -> Response:
        return _ack_many(request, MessageKind.STATUS)


class StatusAckApi(HubApiView):
    @extend_schema(request=None, responses={204: OpenApiResponse(description="đã nhận")})
    def post(self, request: Request, message_id: uuid.UUID) -> Response:
        delivery = access_delivery_for_ack(
            member=self.member(request), message_id=message_id, kind=MessageKind.STATUS
        )
        delivery_acknowledge(delivery=delivery)
        return Response(status=204)
