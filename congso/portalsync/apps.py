from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalsyncConfig(AppConfig):
    name = "congso.portalsync"
    label = "portalsync"
    verbose_name = _("Đồng bộ Cổng DVC quốc gia")

    def ready(self) -> None:
        # ADR 0017: an explicit hook registry, not a Django signal.
        from congso.dossiers import hooks
        from congso.portalsync.services import outbox

        in_transaction = getattr(hooks, "in_transaction", None)
        if in_transaction is not None:
            in_transaction(outbox.on_dossier_event_in_transaction)
        else:
            hooks.on_status_change(outbox.on_dossier_event_after_commit)
