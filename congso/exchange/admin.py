"""Read-only admin of the connector's records (the administrator's view of incidents)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from congso.exchange.models import ExchangeIncident, ExchangeReceipt, StatusMessage


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(ExchangeIncident)
class ExchangeIncidentAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "code", "agency", "sender_code", "document_id"]
    list_filter = ["kind", "code"]
    search_fields = ["document_id", "sender_code", "hub_message_id", "message"]


@admin.register(ExchangeReceipt)
class ExchangeReceiptAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "sender_code",
        "document_id",
        "recipient_code",
        "last_status_code",
    ]
    search_fields = ["document_id", "sender_code"]


@admin.register(StatusMessage)
class StatusMessageAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "status_code", "from_code", "to_code", "state", "attempts"]
    list_filter = ["state", "status_code"]
    search_fields = ["document_id"]
