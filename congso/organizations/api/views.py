"""Organisation directory API: thin views over the selectors, services and the access gate."""

from __future__ import annotations

from typing import Any, cast

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from congso.core.api.pagination import CursorPagination
from congso.core.identity import Actor
from congso.organizations.access import access_agency_by_id
from congso.organizations.api.permissions import DirectoryPermission
from congso.organizations.api.serializers import (
    AdministrativeUnitFilterSerializer,
    AdministrativeUnitSerializer,
    AgencyCreateSerializer,
    AgencyDetailSerializer,
    AgencyFilterSerializer,
    AgencyNodeSerializer,
    AgencySerializer,
    AgencyUpdateSerializer,
    agency_service_arguments,
)
from congso.organizations.models import Agency
from congso.organizations.selectors import (
    administrative_unit_list,
    agency_ancestors,
    agency_list,
    agency_tree,
)
from congso.organizations.services import agency_create, agency_update

TAGS = ["organizations"]

_ERRORS = {
    400: OpenApiResponse(description="Dữ liệu không hợp lệ (mã lỗi nêu quy tắc bị vi phạm)"),
    403: OpenApiResponse(description="Không có quyền"),
    404: OpenApiResponse(description="Không tìm thấy (unknown_agency)"),
    409: OpenApiResponse(description="Trùng mã định danh (duplicate_agency_code)"),
}


class DirectoryCursorPagination(CursorPagination):
    """Directory order: the order agencies were added (UBND tỉnh, sở, huyện, xã …)."""

    ordering = "pk"


def _actor(request: Request) -> Actor:
    return cast(Actor, request.user)  # IsAuthenticated has run


def _detail(agency: Agency) -> dict[str, Any]:
    context = {"ancestors": agency_ancestors(agency)}
    return AgencyDetailSerializer(agency, context=context).data


class AgencyListApi(APIView):
    permission_classes = [IsAuthenticated, DirectoryPermission]
    pagination_class = DirectoryCursorPagination

    @extend_schema(
        tags=TAGS,
        operation_id="organizations_agencies_list",
        summary="Danh sách cơ quan, tổ chức",
        parameters=[AgencyFilterSerializer],
        responses={200: AgencySerializer(many=True), 400: _ERRORS[400], 403: _ERRORS[403]},
    )
    def get(self, request: Request) -> Response:
        filters = AgencyFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        queryset = agency_list(kind=data.get("kind"), parent_id=data.get("parent"), q=data.get("q"))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(AgencySerializer(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="organizations_agencies_create",
        summary="Thêm cơ quan, tổ chức hoặc đơn vị nội bộ (quản trị hệ thống)",
        request=AgencyCreateSerializer,
        responses={201: AgencyDetailSerializer, **_ERRORS},
    )
    def post(self, request: Request) -> Response:
        serializer = AgencyCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        agency = agency_create(
            actor=_actor(request),
            **agency_service_arguments(serializer.validated_data),
        )
        return Response(_detail(agency), status=status.HTTP_201_CREATED)


class AgencyTreeApi(APIView):
    permission_classes = [IsAuthenticated, DirectoryPermission]

    @extend_schema(
        tags=TAGS,
        operation_id="organizations_agencies_tree",
        summary="Cây tổ chức (cơ quan đang hoạt động)",
        responses={200: AgencyNodeSerializer(many=True), 403: _ERRORS[403]},
    )
    def get(self, request: Request) -> Response:
        return Response(AgencyNodeSerializer(agency_tree(), many=True).data)


class AgencyDetailApi(APIView):
    permission_classes = [IsAuthenticated, DirectoryPermission]

    @extend_schema(
        tags=TAGS,
        operation_id="organizations_agencies_retrieve",
        summary="Thông tin một cơ quan, tổ chức",
        responses={200: AgencyDetailSerializer, 403: _ERRORS[403], 404: _ERRORS[404]},
    )
    def get(self, request: Request, agency_id: int) -> Response:
        agency = access_agency_by_id(user=request.user, agency_id=agency_id)
        return Response(_detail(agency))

    @extend_schema(
        tags=TAGS,
        operation_id="organizations_agencies_partial_update",
        summary="Sửa cơ quan, tổ chức (quản trị hệ thống)",
        request=AgencyUpdateSerializer,
        responses={200: AgencyDetailSerializer, **_ERRORS},
    )
    def patch(self, request: Request, agency_id: int) -> Response:
        agency = access_agency_by_id(user=request.user, agency_id=agency_id)
        serializer = AgencyUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        agency = agency_update(
            actor=_actor(request),
            agency=agency,
            **agency_service_arguments(serializer.validated_data),
        )
        return Response(_detail(agency))


class AdministrativeUnitListApi(APIView):
    permission_classes = [IsAuthenticated, DirectoryPermission]
    pagination_class = DirectoryCursorPagination

    @extend_schema(
        tags=TAGS,
        operation_id="organizations_administrative_units_list",
        summary="Đơn vị hành chính (tỉnh, huyện, xã)",
        parameters=[AdministrativeUnitFilterSerializer],
        responses={
            200: AdministrativeUnitSerializer(many=True),
            400: _ERRORS[400],
            403: _ERRORS[403],
        },
    )
    def get(self, request: Request) -> Response:
        filters = AdministrativeUnitFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        queryset = administrative_unit_list(level=data.get("level"), parent_id=data.get("parent"))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(AdministrativeUnitSerializer(page, many=True).data)
