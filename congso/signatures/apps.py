from django.apps import AppConfig


class SignaturesConfig(AppConfig):
    name = "congso.signatures"
    label = "signatures"
    verbose_name = "Chữ ký số"
    default_auto_field = "django.db.models.BigAutoField"
