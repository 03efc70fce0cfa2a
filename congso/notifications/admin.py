from django.contrib import admin

from congso.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: rows change only through the services (house style §2.2)."""

    list_display = ("created_at", "channel", "recipient", "template_key", "status", "attempts")
    list_filter = ("channel", "status", "template_key")
    search_fields = ("recipient", "reference")
    readonly_fields = [field.name for field in Notification._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
