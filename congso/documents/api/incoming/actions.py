"""Transitions of incoming documents over HTTP: one endpoint per service function.

Each answers with the document's detail (what changed, the history, the next allowed actions).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from congso.accounts.access import access_colleague_by_id
from congso.accounts.api.request import request_staff
from congso.documents.access import access_assignment_by_id, access_incoming_by_id
from congso.documents.api.incoming import serializers as s
from congso.documents.api.incoming.views import ERRORS, STAFF, detail_response
from congso.documents.services.distribution import (
    AssignmentEntry,
    assignment_reassign,
    assignment_sub_assign,
    incoming_document_assign,
)
from congso.documents.services.incoming_handling import (
    assignment_complete,
    assignment_return,
    assignment_start,
    handling_note_add,
)
from congso.documents.services.incoming_internal import (
    incoming_document_accept,
    incoming_document_return_to_sender,
)
from congso.documents.services.incoming_signatures import incoming_signatures_recheck
from congso.documents.services.secrets import secret_access_grant

DETAIL = {200: s.IncomingDetailSerializer, **ERRORS}


def _parsed(serializer_class: Any, request: Request) -> dict[str, Any]:
    form = serializer_class(data=request.data)
    form.is_valid(raise_exception=True)
    return dict(form.validated_data)


class IncomingAcceptApi(APIView):
    permission_classes = STAFF

    @extend_schema(request=None, responses=DETAIL)
    def post(self, request: Request, document_id: int) -> Response:
        """Accept an internal arrival: it gets its số đến (status accepted, code 03)."""
        clerk = request_staff(request)
        document = access_incoming_by_id(user=clerk, document_id=document_id)
        return detail_response(request, incoming_document_accept(clerk=clerk, document=document))


class IncomingSignaturesRecheckApi(APIView):
    permission_classes = STAFF

    @extend_schema(request=None, responses=DETAIL)
    def post(self, request: Request, document_id: int) -> Response:
        """Check the signatures of every PDF of the document again ("Kiểm tra lại")."""
        user = request_staff(request)
        document = access_incoming_by_id(user=user, document_id=document_id)
        incoming_signatures_recheck(actor=user, document=document)
        return detail_response(request, document)


class IncomingReturnApi(APIView):
    permission_classes = STAFF

    @extend_schema(request=s.ReasonInputSerializer, responses=DETAIL)
    def post(self, request: Request, document_id: int) -> Response:
        """Return a misaddressed internal arrival to its sender (status returned, code 02)."""
        clerk = request_staff(request)
        document = access_incoming_by_id(user=clerk, document_id=document_id)
        data = _parsed(s.ReasonInputSerializer, request)
        incoming_document_return_to_sender(clerk=clerk, document=document, reason=data["reason"])
        return detail_response(request, document)


class IncomingAssignApi(APIView):
    permission_classes = STAFF

    @extend_schema(
        request=s.AssignInputSerializer, responses={201: s.IncomingDetailSerializer, **ERRORS}
    )
    def post(self, request: Request, document_id: int) -> Response:
        """Distribute: exactly one lead, co-handlers, readers, a direction note, a deadline."""
        actor = request_staff(request)
        document = access_incoming_by_id(user=actor, document_id=document_id)
        data = _parsed(s.AssignInputSerializer, request)
        incoming_document_assign(
            actor=actor,
            document=document,
            entries=[AssignmentEntry(**entry) for entry in data["entries"]],
            direction_note=data["direction_note"],
            days=data["days"],
            due_on=data["due_on"],
        )
        return detail_response(request, document, status.HTTP_201_CREATED)


class _AssignmentApi(APIView):
    permission_classes = STAFF

    def assignment(self, request: Request, document_id: int, assignment_id: int) -> Any:
        return access_assignment_by_id(
            user=request_staff(request), document_id=document_id, assignment_id=assignment_id
        )


class AssignmentSubAssignApi(_AssignmentApi):
    @extend_schema(
        request=s.SubAssignInputSerializer, responses={201: s.IncomingDetailSerializer, **ERRORS}
    )
    def post(self, request: Request, document_id: int, assignment_id: int) -> Response:
        """A unit head gives the unit's share to a person of the unit."""
        parent = self.assignment(request, document_id, assignment_id)
        data = _parsed(s.SubAssignInputSerializer, request)
        assignment_sub_assign(actor=request_staff(request), assignment=parent, **data)
        return detail_response(request, parent.document, status.HTTP_201_CREATED)


class AssignmentStartApi(_AssignmentApi):
    @extend_schema(request=None, responses=DETAIL)
    def post(self, request: Request, document_id: int, assignment_id: int) -> Response:
        """The holder starts work (status in progress, code 05)."""
        assignment = self.assignment(request, document_id, assignment_id)
        assignment_start(actor=request_staff(request), assignment=assignment)
        return detail_response(request, assignment.document)


class AssignmentCompleteApi(_AssignmentApi):
    @extend_schema(request=s.CompleteInputSerializer, responses=DETAIL)
    def post(self, request: Request, document_id: int, assignment_id: int) -> Response:
        """The holder finishes; the lead's completion closes the document (code 06)."""
        assignment = self.assignment(request, document_id, assignment_id)
        data = _parsed(s.CompleteInputSerializer, request)
        assignment_complete(actor=request_staff(request), assignment=assignment, note=data["note"])
        return detail_response(request, assignment.document)


class AssignmentReassignApi(_AssignmentApi):
    @extend_schema(
        request=s.ReassignInputSerializer, responses={201: s.IncomingDetailSerializer, **ERRORS}
    )
    def post(self, request: Request, document_id: int, assignment_id: int) -> Response:
        """Move an open assignment to another unit or person."""
        assignment = self.assignment(request, document_id, assignment_id)
        data = _parsed(s.ReassignInputSerializer, request)
        assignment_reassign(actor=request_staff(request), assignment=assignment, **data)
        return detail_response(request, assignment.document, status.HTTP_201_CREATED)


class AssignmentReturnApi(_AssignmentApi):
    @extend_schema(request=s.ReasonInputSerializer, responses=DETAIL)
    def post(self, request: Request, document_id: int, assignment_id: int) -> Response:
        """Hand the share back with a reason (to the leader, or to the unit head)."""
        assignment = self.assignment(request, document_id, assignment_id)
        data = _parsed(s.ReasonInputSerializer, request)
        assignment_return(
            actor=request_staff(request), assignment=assignment, reason=data["reason"]
        )
        return detail_response(request, assignment.document)


class HandlingNoteApi(APIView):
    permission_classes = STAFF

    @extend_schema(
        request=s.NoteInputSerializer, responses={201: s.IncomingDetailSerializer, **ERRORS}
    )
    def post(self, request: Request, document_id: int) -> Response:
        """Record an opinion, progress (on the author's assignment) or a leader's direction."""
        actor = request_staff(request)
        document = access_incoming_by_id(user=actor, document_id=document_id)
        data = _parsed(s.NoteInputSerializer, request)
        assignment_id = data.pop("assignment")
        assignment = (
            access_assignment_by_id(
                user=actor, document_id=document.pk, assignment_id=assignment_id
            )
            if assignment_id
            else None
        )
        handling_note_add(actor=actor, document=document, assignment=assignment, **data)
        return detail_response(request, document, status.HTTP_201_CREATED)


class SecretGrantApi(APIView):
    permission_classes = STAFF

    @extend_schema(
        request=s.SecretGrantInputSerializer,
        responses={
            201: s.SecretGrantSerializer,
            **ERRORS,
            404: OpenApiResponse(description="document_not_found, user_not_found"),
        },
    )
    def post(self, request: Request, document_id: int) -> Response:
        """Let a colleague read this secret document (leaders, or clerks holding a grant)."""
        actor = request_staff(request)
        document = access_incoming_by_id(user=actor, document_id=document_id)
        data = _parsed(s.SecretGrantInputSerializer, request)
        user = access_colleague_by_id(actor=actor, user_id=data["user"])
        grant = secret_access_grant(actor=actor, document=document, user=user)
        return Response(s.SecretGrantSerializer(grant).data, status=status.HTTP_201_CREATED)
