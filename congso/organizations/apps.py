from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "congso.organizations"
    label = "organizations"
    default_auto_field = "django.db.models.BigAutoField"
