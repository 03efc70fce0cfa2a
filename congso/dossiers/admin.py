"""Admin: the portal status mapping is editable (through its audited service); the rest is
read-only here — dossiers change only through their services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from congso.dossiers.models import Dossier, PortalStatusMapping, ServiceCounter
from congso.dossiers.services.mapping import portal_status_mapping_set


@admin.register(PortalStatusMapping)
class PortalStatusMappingAdmin(admin.ModelAdmin):
    list_display = ["status", "portal_code", "portal_name"]
    ordering = ["portal_code"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: PortalStatusMapping, form: Any, change: bool
    ) -> None:
        saved = portal_status_mapping_set(
            actor=request.user,
            status=obj.status,
            portal_code=obj.portal_code,
            portal_name=obj.portal_name,
        )
        obj.pk = saved.pk


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    list_display = ["code", "status", "procedure", "receiving_agency", "handling_agency", "due_at"]
    list_filter = ["status"]
    search_fields = ["code", "applicant_name"]
    list_select_related = ["procedure", "receiving_agency", "handling_agency"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ServiceCounter)
class ServiceCounterAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "agency", "is_active"]
    list_select_related = ["agency"]
