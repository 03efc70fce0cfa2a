from django.apps import AppConfig


class HubConfig(AppConfig):
    name = "congso.hub"
    label = "hub"
    verbose_name = "Trục liên thông văn bản"
    default_auto_field = "django.db.models.BigAutoField"
