"""Admin lists of the outbox (with "resend") and the reconciliation runs.

Writes go through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from congso.core.errors import CongsoError
from congso.portalsync.models import PortalOutbox, PortalReconciliation, PortalReconciliationRun
from congso.portalsync.services.outbox import portal_outbox_resend


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PortalOutbox)
class PortalOutboxAdmin(ReadOnlyAdmin):
    list_display = ["ma_ho_so", "kind", "portal_status", "status", "attempts", "next_attempt_at"]
    list_filter = ["status", "kind"]
    search_fields = ["ma_ho_so"]
    readonly_fields = [f.name for f in PortalOutbox._meta.fields]
    actions = ["resend"]

    @admin.action(description="Gửi lại các bản tin đã thất bại")
    def resend(self, request: HttpRequest, queryset: QuerySet[PortalOutbox]) -> None:
        done = 0
        for row_id in queryset.values_list("pk", flat=True):
            try:
                portal_outbox_resend(actor=request.user, outbox_id=row_id)
                done += 1
            except CongsoError as error:
                self.message_user(request, error.message, messages.WARNING)
        self.message_user(request, f"Đã đưa {done} bản tin vào hàng đợi gửi lại.")


class DifferenceInline(admin.TabularInline):
    model = PortalReconciliation
    fields = ["ma_ho_so", "local_status", "expected_portal_status", "portal_status", "issue"]
    readonly_fields = (
        "ma_ho_so",
        "local_status",
        "expected_portal_status",
        "portal_status",
        "issue",
    )
    extra = 0
    can_delete = False


@admin.register(PortalReconciliationRun)
class PortalReconciliationRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "finished_at", "checked", "differing", "error"]
    inlines = [DifferenceInline]
