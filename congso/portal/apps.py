from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "congso.portal"
    label = "portal"
    verbose_name = "Cổng dịch vụ công"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from congso.dossiers import hooks
        from congso.portal.notify import dossier_event_notify

        hooks.on_status_change(dossier_event_notify)
