"""Dossiers over HTTP: list, detail (one call, fixed queries), paged relations, public lookup,
deadline lists, delay attribution, one action endpoint per service, queue numbers.

Views parse, load through the access gate, call one service or selector and render; errors are
the services' (stable codes, Vietnamese messages); another's dossier is a 404.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from congso.accounts.api.permissions import IsStaffMember
from congso.accounts.api.request import request_staff, request_user
from congso.core.api.parsers import JSONParser
from congso.core.errors import NotFound
from congso.core.throttle import client_address, throttle_check
from congso.dossiers import services
from congso.dossiers.access import access_dossier_by_id, dossier_visible_to
from congso.dossiers.api import serializers as s
from congso.dossiers.errors import DossierNotFound
from congso.dossiers.models import DossierComponentFile, DossierEvent, DossierStep, ServiceCounter
from congso.dossiers.selectors import (
    RELATION_PAGE,
    dossier_delay_attribution,
    dossier_detail,
    dossier_list,
    dossier_public_status,
    dossiers_nearing_due,
    dossiers_overdue,
)
from congso.procedures.models import Procedure

STAFF = [IsAuthenticated, IsStaffMember]
LOOKUP_CODE_MAX, LOOKUP_SECRET_MAX = 40, 20  # as LookupQuerySerializer documents them
ERRORS = {
    400: OpenApiResponse(description="validation_failed, upload_invalid_type … (error.code)"),
    403: OpenApiResponse(description="dossier_step_forbidden"),
    404: OpenApiResponse(description="dossier_not_found"),
    409: OpenApiResponse(description="dossier_invalid_transition, dossier_extension_once"),
}


def detail_response(request: Request, dossier_id: int, code: int = status.HTTP_200_OK) -> Response:
    user = request_user(request)
    dossier = dossier_detail(dossier_id, visible=dossier_visible_to(user))
    if dossier is None:
        raise DossierNotFound(dossier_id)
    data = s.DossierDetailSerializer(
        dossier, context={"request": request, "page": RELATION_PAGE}
    ).data
    return Response(data, status=code)


def _procedure(code: str) -> Any:
    found = Procedure.objects.filter(code=code).first()
    if found is None:
        raise NotFound("Không tìm thấy thủ tục.", code="procedure_not_found", field="procedure")
    return found


class DossierListApi(generics.ListAPIView):
    """GET: dossiers the user may see (staff: their agency's; citizens: their own), newest
    first. POST (citizen or business account): start an online dossier as a draft."""

    serializer_class = s.DossierListItemSerializer
    parser_classes = [JSONParser]

    @extend_schema(
        request=s.DraftInputSerializer, responses={201: s.DossierDetailSerializer, **ERRORS}
    )
    def post(self, request: Request) -> Response:
        form = s.DraftInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        values = dict(form.validated_data)
        procedure = _procedure(values.pop("procedure"))
        draft = services.dossier_draft_create(request_user(request), procedure, values)
        return detail_response(request, draft.pk, status.HTTP_201_CREATED)

    def get_queryset(self) -> Any:
        filters = s.ListFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return dossier_list(
            dossier_visible_to(request_user(self.request)), **filters.validated_data
        )

    @extend_schema(parameters=[s.ListFilterSerializer])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class DossierDetailApi(APIView):
    @extend_schema(responses={200: s.DossierDetailSerializer, 404: ERRORS[404]})
    def get(self, request: Request, dossier_id: int) -> Response:
        """The dossier with its history, components, steps, sub-dossiers, rating and result."""
        return detail_response(request, dossier_id)


class _RelationApi(generics.ListAPIView):
    model: Any = None
    order: tuple[str, ...] = ("pk",)

    def get_queryset(self) -> Any:
        dossier = access_dossier_by_id(request_user(self.request), self.kwargs["dossier_id"])
        return self.model.objects.filter(dossier=dossier)


class EventListApi(_RelationApi):
    serializer_class = s.EventSerializer

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("actor")

    model = DossierEvent


class FileListApi(_RelationApi):
    serializer_class = s.FileSerializer
    model = DossierComponentFile


class StepListApi(_RelationApi):
    serializer_class = s.StepSerializer
    model = DossierStep

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("agency", "assignee", "sender", "sub_dossier")


def rate_limit(request: Request, scope: str) -> None:
    """Public endpoints: DOSSIER_LOOKUP_RATE tries per client address and window, then
    `rate_limited` (429); one cache operation per try while the window is open."""
    throttle_check(
        f"dossiers-{scope}",
        client_address(request),
        limit=int(settings.DOSSIER_LOOKUP_RATE),
        window_seconds=int(settings.DOSSIER_LOOKUP_WINDOW_SECONDS),
        message="Bạn tra cứu quá nhiều lần; vui lòng thử lại sau ít phút.",
    )


class PublicLookupApi(APIView):
    """Track a dossier by its code and lookup secret, without logging in."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(
        parameters=[s.LookupQuerySerializer],
        responses={
            200: s.PublicLookupSerializer,
            404: OpenApiResponse(description="dossier_not_found (unknown code or wrong secret)"),
            429: OpenApiResponse(description="rate_limited"),
        },
    )
    def get(self, request: Request) -> Response:
        # the lean path (issue 6, Performance): one cache op for the rate limit, then the
        # cached or one-query answer rendered from a dict; bad input answers like a miss
        rate_limit(request, "lookup")
        code = str(request.query_params.get("code") or "").strip()
        secret = str(request.query_params.get("secret") or "").strip()
        if len(code) > LOOKUP_CODE_MAX or len(secret) > LOOKUP_SECRET_MAX:
            raise DossierNotFound()
        answer = dossier_public_status(code, secret)
        if answer is None:
            raise DossierNotFound()
        return Response(s.public_lookup_data(answer))


class _DeadlineListApi(generics.ListAPIView):
    permission_classes = STAFF
    serializer_class = s.DossierListItemSerializer

    def filters(self) -> dict[str, Any]:
        query = s.DeadlineQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        user = request_staff(self.request)
        return {
            "agency": query.validated_data.get("agency") or user.agency_id,
            "officer": query.validated_data.get("officer"),
            "days": query.validated_data.get("days"),
        }

    @extend_schema(parameters=[s.DeadlineQuerySerializer])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class OverdueListApi(_DeadlineListApi):
    """Open dossiers past their return date, per agency (default: the user's) or officer."""

    def get_queryset(self) -> Any:
        values = self.filters()
        visible = dossier_visible_to(request_staff(self.request))
        found = dossiers_overdue(agency=values["agency"], officer=values["officer"])
        return found.filter(pk__in=visible.values("pk")).select_related(
            "procedure", "receiving_agency", "handling_agency"
        )


class NearingDueListApi(_DeadlineListApi):
    """Open dossiers due within `days` working days."""

    def get_queryset(self) -> Any:
        values = self.filters()
        visible = dossier_visible_to(request_staff(self.request))
        found = dossiers_nearing_due(
            agency=values["agency"], days=values["days"], officer=values["officer"]
        )
        return found.filter(pk__in=visible.values("pk")).select_related(
            "procedure", "receiving_agency", "handling_agency"
        )


class DelayApi(APIView):
    permission_classes = STAFF

    @extend_schema(responses={200: s.DelaySerializer, 404: ERRORS[404]})
    def get(self, request: Request, dossier_id: int) -> Response:
        """Working days of delay, attributed to the step and agency that held the dossier."""
        dossier = access_dossier_by_id(request_staff(request), dossier_id)
        return Response(s.DelaySerializer(dossier_delay_attribution(dossier)).data)


# --- Actions -----------------------------------------------------------------------------------


class _ActionApi(APIView):
    """POST runs one service on a dossier the user can see and answers with the detail."""

    input_serializer: Any = None
    staff_only = True
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def load(self, request: Request, dossier_id: int) -> tuple[Any, Any, dict[str, Any]]:
        user = request_staff(request) if self.staff_only else request_user(request)
        dossier = access_dossier_by_id(user, dossier_id)
        values: dict[str, Any] = {}
        if self.input_serializer is not None:
            form = self.input_serializer(data=request.data)
            form.is_valid(raise_exception=True)
            values = dict(form.validated_data)
        return user, dossier, values

    def act(self, user: Any, dossier: Any, values: dict[str, Any]) -> None:
        raise NotImplementedError

    def post(self, request: Request, dossier_id: int) -> Response:
        user, dossier, values = self.load(request, dossier_id)
        self.act(user, dossier, values)
        return detail_response(request, dossier_id)


def action(input_serializer: Any, doc: str, *, multipart: bool = False) -> Any:
    request = {"multipart/form-data": input_serializer} if multipart else input_serializer
    return extend_schema(
        request=request, responses={200: s.DossierDetailSerializer, **ERRORS}, description=doc
    )


class ReceiveApi(_ActionApi):
    @action(None, "Tiếp nhận hồ sơ (Mẫu 01): số biên nhận, hạn trả, bước đầu tiên.")
    def post(self, request: Request, dossier_id: int) -> Response:
        return super().post(request, dossier_id)

    def act(self, user: Any, dossier: Any, values: dict[str, Any]) -> None:
        services.dossier_receive(user, dossier)


class SupplementRequestApi(_ActionApi):
    input_serializer = s.SupplementRequestSerializer

    @action(s.SupplementRequestSerializer, "Yêu cầu bổ sung (Mẫu 02); tạm dừng thời hạn.")
    def post(self, request: Request, dossier_id: int) -> Response:
        return super().post(request, dossier_id)

    def act(self, user: Any, dossier: Any, values: dict[str, Any]) -> None:
        services.dossier_supplement_request(user, dossier, values["items"], values["reason"])


class SupplementApi(_ActionApi):
    input_serializer = s.SupplementSerializer
    staff_only = False
    parser_classes = [MultiPartParser, FormParser]

    @action(
        s.SupplementSerializer, "Nộp bổ sung; thời hạn chạy lại và được tính lại.", multipart=True
    )
    def post(self, request: Request, dossier_id: int) -> Response:
        return super().post(request, dossier_id)

    def act(self, user: Any, dossier: Any, values: dict[str, Any]) -> None:
        services.dossier_supplement_submit(
            user, dossier, [(values["component_code"], item) for item in values["files"]]
        )


class RefuseApi(_ActionApi):
    input_serializer = s.ReasonSerializer

    @action(s.ReasonSerializer, "Từ chối tiếp nhận (Mẫu 03).")
    def post(self, request: Request, dossier_id: int) -> Response:
        return super().post(request, dossier_id)

    def act(self, user: Any, dossier: Any, values: dict[str, Any]) -> None:
        services.dossier_refuse(user, dossier, values["reason"])


class ForwardApi(_ActionApi):
    input_serializer = s.ForwardSerializer

    @action(
        s.ForwardSerializer, "Chuyển bước tiếp theo (giao/nhận, Mẫu 05); liên thông tạo hồ sơ con."
    )
    def post(self, request: Request, dossier_id: int) -> Response:
        return super().post(request, dossier_id)

    def act(self, user: Any, dossier: Any, values: dict[str, Any]) -> None:
        services.dossier_step_forward(
            user,
            dossier,
            to_agency=values.get("to_agency"),
            assignee=values.get("assignee"),
            note=values.get("note", ""),
        )


class CompleteStepApi(_ActionApi):
    input_serializer = s.NoteSerializer

    @action(s.NoteSerializer, "Hoàn thành bước đang giữ.")
    def post(self, request: Request, dossier_id: int) -> Response:
        return super().post(request, dossier_id)

    def act(self, user: Any, dossier: Any, values: dict[str, Any]) -> None:
        services.dossier_step_complete(user, dossier, note=values.get("note", ""))


class ExtendApi(_ActionApi):
    input_serializer = s.ExtendSerializer

    @action(s.ExtendSerializer, "Gia hạn một lần, kèm thư xin lỗi (Mẫu 04).")
    def post(self, request: Request, dossier_id: int) -> Response:
        return super().post(request, dossier_id)

    def act(self, user: Any, dossier: Any, values: dict[str, Any]) -> None:
        services.dossier_extend(user, dossier, values["new_due"], values["reason"])


class FinishApi(_ActionApi):
    input_serializer = s.FinishSerializer
    parser_classes = [MultiPartParser, FormParser]

    @action(s.FinishSerializer, "Kết quả (PDF đã ký số): hồ sơ đã xử lý xong.", multipart=True)
    def post(self, request: Request, dossier_id: int) -> Response:
        return super().post(request, dossier_id)

    def act(self, user: Any, dossier: Any, values: dict[str, Any]) -> None:
        services.dossier_finish(user, dossier, values["result_file"])


class ReturnApi(_ActionApi):
    input_serializer = s.ReturnSerializer

    @action(s.ReturnSerializer, "Trả kết quả tại quầy, qua bưu chính hoặc trực tuyến.")
    def post(self, request: Request, dossier_id: int) -> Response:
        return super().post(request, dossier_id)

    def act(self, user: Any, dossier: Any, values: dict[str, Any]) -> None:
        services.dossier_return(user, dossier, values["channel"])


class RateApi(_ActionApi):
    input_serializer = s.RateSerializer
    staff_only = False

    @action(s.RateSerializer, "Đánh giá mức độ hài lòng (người nộp, sau khi nhận kết quả).")
    def post(self, request: Request, dossier_id: int) -> Response:
        return super().post(request, dossier_id)

    def act(self, user: Any, dossier: Any, values: dict[str, Any]) -> None:
        services.dossier_rate(user, dossier, values["level"], values.get("comment", ""))


class WithdrawApi(_ActionApi):
    input_serializer = s.OptionalReasonSerializer
    staff_only = False

    @action(s.OptionalReasonSerializer, "Rút hồ sơ.")
    def post(self, request: Request, dossier_id: int) -> Response:
        return super().post(request, dossier_id)

    def act(self, user: Any, dossier: Any, values: dict[str, Any]) -> None:
        services.dossier_withdraw(user, dossier, values.get("reason", ""))


class FileAddApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": s.FileInputSerializer},
        responses={201: s.FileSerializer, **ERRORS},
    )
    def post(self, request: Request, dossier_id: int) -> Response:
        """Attach a component file to a draft (or to a counter dossier not yet received)."""
        user = request_user(request)
        dossier = access_dossier_by_id(user, dossier_id)
        form = s.FileInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        row = services.dossier_file_add(
            user, dossier, form.validated_data["component_code"], form.validated_data["file"]
        )
        return Response(s.FileSerializer(row).data, status=status.HTTP_201_CREATED)


def submitted_response(request: Request, dossier_id: int, secret: str) -> Response:
    detail = detail_response(request, dossier_id).data
    return Response({"dossier": detail, "lookup_secret": secret}, status=status.HTTP_201_CREATED)


class SubmitApi(APIView):
    @extend_schema(request=None, responses={201: s.SubmittedSerializer, **ERRORS})
    def post(self, request: Request, dossier_id: int) -> Response:
        """Submit a draft: code and lookup secret issued (the secret is shown only here)."""
        user = request_user(request)
        dossier, secret = services.dossier_submit(user, access_dossier_by_id(user, dossier_id))
        return submitted_response(request, dossier.pk, secret)


class CounterCreateApi(APIView):
    permission_classes = STAFF
    parser_classes = [JSONParser]

    @extend_schema(
        request=s.CounterInputSerializer, responses={201: s.SubmittedSerializer, **ERRORS}
    )
    def post(self, request: Request) -> Response:
        """The desk takes a dossier at the counter (files are added with files/)."""
        form = s.CounterInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        values = dict(form.validated_data)
        procedure = _procedure(values.pop("procedure"))
        values.pop("receiving_agency", None)
        dossier, secret = services.dossier_counter_create(request_staff(request), procedure, values)
        return submitted_response(request, dossier.pk, secret)


# --- Queue numbers -----------------------------------------------------------------------------


def _counter(counter_id: int) -> ServiceCounter:
    found = ServiceCounter.objects.filter(pk=counter_id, is_active=True).first()
    if found is None:
        raise NotFound("Không tìm thấy quầy tiếp nhận.", code="counter_not_found")
    return found


class QueueTakeApi(APIView):
    """A kiosk takes the next number of a counter (no login)."""

    permission_classes = [AllowAny]

    @extend_schema(
        request=None,
        responses={201: s.QueueTicketSerializer, 429: OpenApiResponse(description="rate_limited")},
    )
    def post(self, request: Request, counter_id: int) -> Response:
        rate_limit(request, "queue")
        ticket = services.queue_ticket_take(_counter(counter_id))
        return Response(s.QueueTicketSerializer(ticket).data, status=status.HTTP_201_CREATED)


class QueueCallNextApi(APIView):
    permission_classes = STAFF

    @extend_schema(
        request=None, responses={200: s.QueueTicketSerializer, 204: None, 403: ERRORS[403]}
    )
    def post(self, request: Request, counter_id: int) -> Response:
        """The desk calls the next waiting number (204 when nobody waits)."""
        ticket = services.queue_ticket_call_next(
            request_staff(request), get_object_or_404(ServiceCounter, pk=counter_id)
        )
        if ticket is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(s.QueueTicketSerializer(ticket).data)
