"""Reading the audit log over HTTP (staff and system administrators only)."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated

from congso.audit.api.permissions import IsAuditReader
from congso.audit.api.serializers import AuditEntryFilterSerializer, AuditEntrySerializer
from congso.audit.models import AuditEntry
from congso.audit.selectors import audit_entry_list
from congso.core.api.pagination import CursorPagination


class AuditEntryPagination(CursorPagination):
    ordering = "-sequence"


@extend_schema_view(
    get=extend_schema(
        tags=["audit"],
        operation_id="audit_entries_list",
        summary="Nhật ký kiểm toán, mới nhất trước",
        parameters=[AuditEntryFilterSerializer],
    )
)
class AuditEntryListApi(ListAPIView):
    permission_classes = [IsAuthenticated, IsAuditReader]
    serializer_class = AuditEntrySerializer
    pagination_class = AuditEntryPagination

    def get_queryset(self) -> QuerySet[AuditEntry]:
        filters = AuditEntryFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return audit_entry_list(**filters.validated_data)
