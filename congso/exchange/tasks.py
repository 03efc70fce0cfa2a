"""Celery tasks of the connector: ids in (or nothing for periodic ones), one service call,
idempotent because a task may be delivered twice (house style §2.2).

Workers: `celery -A config worker -B` (see docs/exchange.md); the beat runs `exchange_poll` and
`exchange_sweep` every EXCHANGE_POLL_SECONDS.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task

logger = logging.getLogger("congso.exchange")


@shared_task(name="exchange.tasks.outbox_send", acks_late=True)
def outbox_send(outbox_id: int) -> str:
    """Send one outbox row (a no-op unless it is pending and due)."""
    from congso.exchange.services import config
    from congso.exchange.services.sending import outbox_message_send

    if not config.is_enabled():
        return "disabled"
    return outbox_message_send(outbox_id=outbox_id)


@shared_task(name="exchange.tasks.status_send", acks_late=True)
def status_send(status_id: int) -> str:
    """Send one queued status reply (a no-op unless it is pending and due)."""
    from congso.exchange.services import config
    from congso.exchange.services.statuses import status_message_send

    if not config.is_enabled():
        return "disabled"
    return status_message_send(status_id=status_id)


@shared_task(name="exchange.tasks.business_send", acks_late=True)
def business_send(message_id: int) -> str:
    """Send one revoke / update / replace package (a no-op unless it is pending and due)."""
    from congso.exchange.services import config
    from congso.exchange.services.business import business_message_send

    if not config.is_enabled():
        return "disabled"
    return business_message_send(message_id=message_id)


@shared_task(name="exchange.tasks.exchange_poll")
def exchange_poll() -> dict[str, Any]:
    """Periodic: take the packages and statuses waiting on the hub for every member."""
    from congso.exchange.services.polling import exchange_poll_all

    result = exchange_poll_all()
    if result.lingered:  # long polling: the next poll waits at the hub as soon as this one ends
        try:
            exchange_poll.apply_async()
        except Exception:  # the broker is away: the beat's next tick starts the next poll
            logger.warning("exchange: the next poll could not be queued", exc_info=True)
    return {
        "packages": dict(result.packages),
        "statuses": dict(result.statuses),
        "errors": result.errors,
    }


@shared_task(name="exchange.tasks.exchange_sweep")
def exchange_sweep() -> dict[str, int]:
    """Periodic: send every row that is due (never sent, retry due, lease lapsed), in this
    task (services/polling.exchange_sweep_send)."""
    from congso.exchange.services import config
    from congso.exchange.services.polling import exchange_sweep_send

    if not config.is_enabled():
        return {"outbox": 0, "statuses": 0, "business": 0}
    return exchange_sweep_send()
