from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "congso.dossiers"
    label = "dossiers"
    verbose_name = "Hồ sơ thủ tục hành chính (một cửa)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from congso.dossiers import hooks
        from congso.dossiers.selectors import public_status_forget

        # The cached public answer goes with every status change (in the transaction and after).
        hooks.in_transaction(public_status_forget)
        hooks.on_status_change(public_status_forget)
