"""HTTP endpoints of the accounts app: parse, call one service or selector, render."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from congso.accounts.access import (
    access_colleague_by_id,
    access_delegation_by_id,
    access_user_by_id,
)
from congso.accounts.api.permissions import HasRole, IsStaffMember
from congso.accounts.api.request import request_staff, request_user
from congso.accounts.api.serializers import (
    CitizenRegisterInputSerializer,
    DelegationGrantInputSerializer,
    DelegationListFilterSerializer,
    DelegationOutputSerializer,
    MeOutputSerializer,
    PublicAccountOutputSerializer,
    StaffUserCreateInputSerializer,
    UserListFilterSerializer,
    UserOutputSerializer,
)
from congso.accounts.constants import Role
from congso.accounts.selectors import (
    delegation_list_visible_to,
    user_effective_roles,
    user_list_visible_to,
)
from congso.accounts.services import (
    citizen_register,
    delegation_grant,
    delegation_revoke,
    staff_user_create,
    user_unlock,
)
from congso.accounts.throttle import registration_throttle
from congso.core.api.pagination import CursorPagination
from congso.core.errors import ValidationFailed
from congso.core.throttle import client_address

TAG = "accounts"
IsAdministrator = HasRole.of(Role.ADMINISTRATOR)


class MeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], operation_id="accounts_me", responses=MeOutputSerializer)
    def get(self, request: Request) -> Response:
        user = request_user(request)
        me = access_user_by_id(actor=user, user_id=user.pk)
        effective = user_effective_roles(user=me, on=timezone.localdate())
        return Response(MeOutputSerializer(me, context={"effective_roles": effective}).data)


class UserListCreateApi(GenericAPIView[Any]):
    """Staff of the administrator's own agency (a superuser sees every agency)."""

    permission_classes = [IsAuthenticated, IsStaffMember, IsAdministrator]
    serializer_class = UserOutputSerializer
    pagination_class = CursorPagination

    @extend_schema(
        tags=[TAG],
        operation_id="accounts_users_list",
        parameters=[
            OpenApiParameter("role", str, enum=Role.values, description="Only holders of this role")
        ],
        responses=UserOutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        actor = request_staff(request)
        filters = UserListFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        users = user_list_visible_to(actor=actor, role=filters.validated_data.get("role"))
        page = self.paginate_queryset(users)
        return self.get_paginated_response(UserOutputSerializer(page, many=True).data)

    @extend_schema(
        tags=[TAG],
        operation_id="accounts_users_create",
        request=StaffUserCreateInputSerializer,
        responses={201: UserOutputSerializer},
    )
    def post(self, request: Request) -> Response:
        actor = request_staff(request)
        serializer = StaffUserCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        agency = data.pop("agency", None) or actor.agency
        if agency is None:
            raise ValidationFailed(
                _("Cần chọn cơ quan của cán bộ."), code="agency_required", field="agency"
            )
        user = staff_user_create(actor=actor, agency=agency, **data)
        created = access_user_by_id(actor=actor, user_id=user.pk)
        return Response(UserOutputSerializer(created).data, status=status.HTTP_201_CREATED)


class UserUnlockApi(APIView):
    permission_classes = [IsAuthenticated, IsStaffMember, IsAdministrator]

    @extend_schema(
        tags=[TAG],
        operation_id="accounts_users_unlock",
        request=None,
        responses=UserOutputSerializer,
    )
    def post(self, request: Request, user_id: int) -> Response:
        actor = request_staff(request)
        user = access_user_by_id(actor=actor, user_id=user_id)
        user_unlock(actor=actor, user=user)
        return Response(UserOutputSerializer(user).data)


class DelegationListCreateApi(GenericAPIView[Any]):
    """Delegations the user gave or holds; an administrator sees all of their agency's."""

    permission_classes = [IsAuthenticated, IsStaffMember]
    serializer_class = DelegationOutputSerializer
    pagination_class = CursorPagination

    @extend_schema(
        tags=[TAG],
        operation_id="accounts_delegations_list",
        parameters=[
            OpenApiParameter(
                "active_on", OpenApiTypes.DATE, description="Only those in force that day"
            )
        ],
        responses=DelegationOutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        actor = request_staff(request)
        filters = DelegationListFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        delegations = delegation_list_visible_to(
            actor=actor, active_on=filters.validated_data.get("active_on")
        )
        page = self.paginate_queryset(delegations)
        return self.get_paginated_response(DelegationOutputSerializer(page, many=True).data)

    @extend_schema(
        tags=[TAG],
        operation_id="accounts_delegations_grant",
        request=DelegationGrantInputSerializer,
        responses={201: DelegationOutputSerializer},
    )
    def post(self, request: Request) -> Response:
        actor = request_staff(request)
        serializer = DelegationGrantInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        delegator_id = data.get("delegator", actor.pk)
        delegator = (
            actor
            if delegator_id == actor.pk
            else access_colleague_by_id(actor=actor, user_id=delegator_id)
        )
        delegate = access_colleague_by_id(actor=actor, user_id=data["delegate"])
        delegation = delegation_grant(
            actor=actor,
            delegator=delegator,
            delegate=delegate,
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            scope=data["scope"],
        )
        return Response(DelegationOutputSerializer(delegation).data, status=status.HTTP_201_CREATED)


class DelegationRevokeApi(APIView):
    permission_classes = [IsAuthenticated, IsStaffMember]

    @extend_schema(
        tags=[TAG],
        operation_id="accounts_delegations_revoke",
        request=None,
        responses=DelegationOutputSerializer,
    )
    def post(self, request: Request, delegation_id: int) -> Response:
        actor = request_staff(request)
        delegation = access_delegation_by_id(actor=actor, delegation_id=delegation_id)
        delegation_revoke(actor=actor, delegation=delegation)
        return Response(DelegationOutputSerializer(delegation).data)


class CitizenRegisterApi(APIView):
    """Open a citizen account with a CCCD number (no sign-in needed)."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(
        tags=[TAG],
        operation_id="accounts_citizens_register",
        request=CitizenRegisterInputSerializer,
        responses={
            201: PublicAccountOutputSerializer,
            429: OpenApiResponse(description="rate_limited"),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        serializer = CitizenRegisterInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        registration_throttle(client_address(request))
        user = citizen_register(**serializer.validated_data)
        return Response(PublicAccountOutputSerializer(user).data, status=status.HTTP_201_CREATED)
