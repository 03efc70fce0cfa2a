"""The connector's API (/api/v1/exchange/): incidents, failed sends, and sending one again."""

from __future__ import annotations

import datetime as dt

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from congso.accounts.api.permissions import HasRole, IsStaffMember
from congso.accounts.api.request import request_staff
from congso.core.api.pagination import CursorPagination
from congso.core.errors import ValidationFailed
from congso.core.identity import Role
from congso.exchange import access, selectors
from congso.exchange.api.serializers import (
    BusinessMessageSerializer,
    DecisionSerializer,
    ExchangeIncidentSerializer,
    ExternalSendSerializer,
    FailedSendSerializer,
    RevokeReasonSerializer,
    RevokeRequestSerializer,
    StatusEventSerializer,
)
from congso.exchange.services.business import revoke_request_send
from congso.exchange.services.revocations import revoke_request_decide
from congso.exchange.services.sending import outbox_message_retry

TAG = "exchange"
WATCHERS = HasRole.of(Role.CLERK, Role.ADMINISTRATOR)


class IncidentListApi(GenericAPIView):
    """Packages and statuses refused, sends that failed for good: the agency's, newest first."""

    permission_classes = [IsAuthenticated, IsStaffMember, WATCHERS]
    pagination_class = CursorPagination
    serializer_class = ExchangeIncidentSerializer

    @extend_schema(
        tags=[TAG],
        operation_id="exchange_incidents_list",
        parameters=[OpenApiParameter("kind", str, required=False)],
        responses=ExchangeIncidentSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        user = request_staff(request)
        incidents = selectors.incident_list(user=user, kind=request.query_params.get("kind", ""))
        page = self.paginate_queryset(incidents)
        return self.get_paginated_response(ExchangeIncidentSerializer(page, many=True).data)


class FailedSendListApi(GenericAPIView):
    """Outbox rows that failed for good, with the last error."""

    permission_classes = [IsAuthenticated, IsStaffMember, WATCHERS]
    pagination_class = CursorPagination
    serializer_class = FailedSendSerializer

    @extend_schema(
        tags=[TAG],
        operation_id="exchange_failed_sends_list",
        responses=FailedSendSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        user = request_staff(request)
        page = self.paginate_queryset(selectors.failed_send_list(user=user))
        return self.get_paginated_response(FailedSendSerializer(page, many=True).data)


class FailedSendRetryApi(APIView):
    """Send a failed row again, with a fresh budget of attempts."""

    permission_classes = [IsAuthenticated, IsStaffMember, HasRole.of(Role.CLERK)]

    @extend_schema(
        tags=[TAG],
        operation_id="exchange_failed_sends_retry",
        request=None,
        responses={202: FailedSendSerializer},
    )
    def post(self, request: Request, outbox_id: int) -> Response:
        user = request_staff(request)
        message = access.access_failed_send_by_id(user=user, outbox_id=outbox_id)
        message = outbox_message_retry(actor=user, message=message)
        return Response(FailedSendSerializer(message).data, status=202)


class ExternalSendListApi(GenericAPIView):
    """Documents sent through the hub, one row per outside recipient, newest first; filters
    `status` (pending/sent/failed/cancelled, a status code, or 00 = no reply), `recipient`
    (code or name), `date_from`/`date_to` (issue date, YYYY-MM-DD)."""

    permission_classes = [IsAuthenticated, IsStaffMember, WATCHERS]
    pagination_class = CursorPagination
    serializer_class = ExternalSendSerializer

    @extend_schema(
        tags=[TAG],
        operation_id="exchange_sends_list",
        parameters=[
            OpenApiParameter("status", str, required=False),
            OpenApiParameter("recipient", str, required=False),
            OpenApiParameter("date_from", OpenApiTypes.DATE, required=False),
            OpenApiParameter("date_to", OpenApiTypes.DATE, required=False),
        ],
        responses=ExternalSendSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        user = request_staff(request)
        params = request.query_params
        rows = selectors.external_send_list(
            user=user,
            status=params.get("status", ""),
            recipient=params.get("recipient", "").strip()[:100],
            date_from=_date(params.get("date_from", ""), "date_from"),
            date_to=_date(params.get("date_to", ""), "date_to"),
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ExternalSendSerializer(page, many=True).data)


def _date(value: str, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationFailed("Ngày không đúng dạng YYYY-MM-DD.", field=field) from exc


class RecipientStatusListApi(APIView):
    """The full status history one outside recipient reported (01 → 03 → …), oldest first."""

    permission_classes = [IsAuthenticated, IsStaffMember, WATCHERS]

    @extend_schema(
        tags=[TAG],
        operation_id="exchange_recipient_statuses",
        responses=StatusEventSerializer(many=True),
    )
    def get(self, request: Request, recipient_id: int) -> Response:
        user = request_staff(request)
        recipient = access.access_external_recipient_by_id(user=user, recipient_id=recipient_id)
        events = selectors.recipient_history(recipient)
        return Response(StatusEventSerializer(events, many=True).data)


class RevokeAskApi(APIView):
    """The clerk asks an outside recipient to give the document back: a revoke package; the
    recipient answers 13, then 15 or 16 (they appear in the recipient's status history)."""

    permission_classes = [IsAuthenticated, IsStaffMember, HasRole.of(Role.CLERK)]

    @extend_schema(
        tags=[TAG],
        operation_id="exchange_recipient_revoke_request",
        request=RevokeReasonSerializer,
        responses={201: BusinessMessageSerializer},
    )
    def post(self, request: Request, recipient_id: int) -> Response:
        user = request_staff(request)
        recipient = access.access_external_recipient_by_id(user=user, recipient_id=recipient_id)
        body = RevokeReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        message = revoke_request_send(
            actor=user, recipient=recipient, reason=body.validated_data["reason"]
        )
        return Response(BusinessMessageSerializer(message).data, status=201)


class RevokeRequestListApi(GenericAPIView):
    """Revoke requests received by the agency (`state`=pending|accepted|refused)."""

    permission_classes = [IsAuthenticated, IsStaffMember, WATCHERS]
    pagination_class = CursorPagination
    serializer_class = RevokeRequestSerializer

    @extend_schema(
        tags=[TAG],
        operation_id="exchange_revoke_requests_list",
        parameters=[OpenApiParameter("state", str, required=False)],
        responses=RevokeRequestSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        user = request_staff(request)
        rows = access.revoke_requests_visible_to(user)
        if state := request.query_params.get("state", ""):
            rows = rows.filter(state=state)
        page = self.paginate_queryset(rows.order_by("-created_at", "-pk"))
        return self.get_paginated_response(RevokeRequestSerializer(page, many=True).data)


class RevokeDecideApi(APIView):
    """The clerk agrees (15: the incoming document is revoked) or refuses with a reason (16)."""

    permission_classes = [IsAuthenticated, IsStaffMember, HasRole.of(Role.CLERK)]

    @extend_schema(
        tags=[TAG],
        operation_id="exchange_revoke_requests_decide",
        request=DecisionSerializer,
        responses={200: RevokeRequestSerializer},
    )
    def post(self, request: Request, request_id: int) -> Response:
        user = request_staff(request)
        found = access.access_revoke_request_by_id(user=user, request_id=request_id)
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        decided = revoke_request_decide(
            actor=user,
            request=found,
            accept=body.validated_data["decision"] == "accept",
            reason=body.validated_data["reason"],
        )
        return Response(RevokeRequestSerializer(decided).data)
