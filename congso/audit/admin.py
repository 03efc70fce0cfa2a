"""The audit log in the admin: read-only, since entries are written only by `audit_record`."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from congso.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["sequence", "occurred_at", "action", "actor_label", "target_type", "target_id"]
    list_filter = ["action", "target_type"]
    search_fields = ["=target_id", "=actor_label", "action"]
    ordering = ["-sequence"]
    show_full_result_count = False  # no COUNT(*) over the whole log on each page

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in AuditEntry._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
