from django.apps import AppConfig


class CataloguesConfig(AppConfig):
    name = "congso.catalogues"
    label = "catalogues"
    default_auto_field = "django.db.models.BigAutoField"
