from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "congso.exchange"
    label = "exchange"
    verbose_name = "Liên thông văn bản"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The connector listens to documents hooks (ADR 0017): status replies, outbox sends.
        from congso.exchange.services import listeners

        listeners.register()
