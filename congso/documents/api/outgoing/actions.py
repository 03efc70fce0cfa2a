"""HTTP endpoints that move an outgoing document through its life: recipients, submit, approve,
return, seal, issue, revoke, replace, correct. Each parses, calls one service, answers the
detail."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from congso.accounts.api.permissions import IsStaffMember
from congso.core.api.parsers import JSONParser
from congso.documents.access import access_outgoing_by_id
from congso.documents.api.outgoing import serializers as s
from congso.documents.api.outgoing.views import TAG, detail_response, load, recipient_specs
from congso.documents.services import outgoing as services
from congso.documents.services.outgoing_signing import outgoing_document_seal


class _ActionApi(APIView):
    permission_classes = [IsAuthenticated, IsStaffMember]
    parser_classes = [JSONParser]


class OutgoingRecipientsApi(_ActionApi):
    @extend_schema(
        tags=[TAG],
        operation_id="documents_outgoing_recipients_set",
        request=s.OutgoingRecipientsInputSerializer,
        responses=s.OutgoingRecipientSerializer(many=True),
    )
    def put(self, request: Request, document_id: int) -> Response:
        user, document = load(request, document_id)
        serializer = s.OutgoingRecipientsInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        recipients = services.outgoing_recipients_set(
            actor=user,
            document=document,
            recipients=recipient_specs(serializer.validated_data["recipients"]),
        )
        return Response(s.OutgoingRecipientSerializer(recipients, many=True).data)


class OutgoingSubmitApi(_ActionApi):
    @extend_schema(
        tags=[TAG],
        operation_id="documents_outgoing_submit",
        request=None,
        responses=s.OutgoingDetailSerializer,
    )
    def post(self, request: Request, document_id: int) -> Response:
        user, document = load(request, document_id)
        services.outgoing_document_submit(actor=user, document=document)
        return detail_response(user, document)


class OutgoingApproveApi(_ActionApi):
    @extend_schema(
        tags=[TAG],
        operation_id="documents_outgoing_approve",
        request=s.OutgoingApproveInputSerializer,
        responses=s.OutgoingDetailSerializer,
    )
    def post(self, request: Request, document_id: int) -> Response:
        user, document = load(request, document_id)
        serializer = s.OutgoingApproveInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.outgoing_step_approve(
            actor=user, document=document, comment=serializer.validated_data["comment"]
        )
        return detail_response(user, document)


class OutgoingReturnApi(_ActionApi):
    @extend_schema(
        tags=[TAG],
        operation_id="documents_outgoing_return",
        request=s.OutgoingReturnInputSerializer,
        responses=s.OutgoingDetailSerializer,
    )
    def post(self, request: Request, document_id: int) -> Response:
        user, document = load(request, document_id)
        serializer = s.OutgoingReturnInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.outgoing_step_return(
            actor=user, document=document, comment=serializer.validated_data["comment"]
        )
        return detail_response(user, document)


class OutgoingIssueApi(_ActionApi):
    @extend_schema(
        tags=[TAG],
        operation_id="documents_outgoing_issue",
        request=None,
        responses=s.OutgoingDetailSerializer,
    )
    def post(self, request: Request, document_id: int) -> Response:
        user, document = load(request, document_id)
        services.outgoing_document_issue(clerk=user, document=document)
        return detail_response(user, document)


class OutgoingSealApi(_ActionApi):
    @extend_schema(
        tags=[TAG],
        operation_id="documents_outgoing_seal",
        request=None,
        responses=s.OutgoingDetailSerializer,
        description=(
            "Văn thư ký số của cơ quan lên văn bản người có thẩm quyền đã ký (trước khi ban hành)."
        ),
    )
    def post(self, request: Request, document_id: int) -> Response:
        user, document = load(request, document_id)
        outgoing_document_seal(clerk=user, document=document)
        return detail_response(user, document)


class OutgoingRevokeApi(_ActionApi):
    @extend_schema(
        tags=[TAG],
        operation_id="documents_outgoing_revoke",
        request=s.OutgoingRevokeInputSerializer,
        responses=s.OutgoingDetailSerializer,
    )
    def post(self, request: Request, document_id: int) -> Response:
        user, document = load(request, document_id)
        serializer = s.OutgoingRevokeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.outgoing_document_revoke(
            actor=user, document=document, reason=serializer.validated_data["reason"]
        )
        return detail_response(user, document)


class OutgoingReplaceApi(_ActionApi):
    """This (not yet issued) document replaces the issued document `target_id`."""

    @extend_schema(
        tags=[TAG],
        operation_id="documents_outgoing_replace",
        request=s.OutgoingRelationInputSerializer,
        responses={201: s.OutgoingDetailSerializer},
    )
    def post(self, request: Request, document_id: int) -> Response:
        user, document = load(request, document_id)
        serializer = s.OutgoingRelationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        old = access_outgoing_by_id(user=user, document_id=serializer.validated_data["target_id"])
        services.outgoing_document_replace(
            actor=user, old=old, new=document, reason=serializer.validated_data["reason"]
        )
        return detail_response(user, document, status.HTTP_201_CREATED)


class OutgoingCorrectApi(_ActionApi):
    """This công văn (not yet issued) corrects the issued document `target_id`."""

    @extend_schema(
        tags=[TAG],
        operation_id="documents_outgoing_correct",
        request=s.OutgoingRelationInputSerializer,
        responses={201: s.OutgoingDetailSerializer},
    )
    def post(self, request: Request, document_id: int) -> Response:
        user, document = load(request, document_id)
        serializer = s.OutgoingRelationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        original = access_outgoing_by_id(
            user=user, document_id=serializer.validated_data["target_id"]
        )
        services.outgoing_document_correct(
            actor=user,
            original=original,
            correction=document,
            reason=serializer.validated_data["reason"],
        )
        return detail_response(user, document, status.HTTP_201_CREATED)
