"""The connector's listeners on documents hooks (registered in ExchangeConfig.ready)."""

from __future__ import annotations

from django.db import transaction

from congso.documents import hooks
from congso.exchange.services.business import superseded_listener
from congso.exchange.services.statuses import incoming_state_listener


def outbox_listener(message_ids: list[int]) -> None:
    """Issuing wrote outbox rows: send each once the issuing transaction has committed."""
    from congso.exchange.tasks import outbox_send

    def schedule() -> None:
        for message_id in message_ids:
            outbox_send.delay(outbox_id=message_id)

    # robust: a broker that is down must not fail the issuing; the sweep sends the rows later
    transaction.on_commit(schedule, robust=True)


def register() -> None:
    hooks.register_incoming_state_listener(incoming_state_listener)
    hooks.register_outbox_listener(outbox_listener)
    hooks.register_superseded_listener(superseded_listener)
    from congso.exchange import sections

    hooks.register_outgoing_detail_section(sections.outgoing_section)
    hooks.register_incoming_detail_section(sections.incoming_section)
