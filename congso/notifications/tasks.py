"""Celery tasks of the notifications app: ids in, one service call, idempotent."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from congso.notifications.constants import RETRY_BACKOFF_SECONDS


@shared_task(
    bind=True,
    name="notifications.tasks.notification_deliver",
    max_retries=len(RETRY_BACKOFF_SECONDS),
)
def notification_deliver_task(self: Any, notification_id: int) -> str:
    """Deliver one notification; on a failed attempt retry later with back-off.

    Run eagerly (no broker) a failed attempt is not retried in-process: the row stays queued with
    its next attempt time and the periodic `notifications_retry_due` picks it up.
    """
    from congso.notifications.services import notification_deliver

    outcome = notification_deliver(notification_id=notification_id)
    if outcome.retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.status


@shared_task(name="notifications.tasks.notifications_retry_due")
def notifications_retry_due() -> int:
    """Periodic (beat, every minute): resend queued notifications that are due or orphaned."""
    from congso.notifications.services import notifications_due_ids

    ids = notifications_due_ids()
    for notification_id in ids:
        notification_deliver_task.delay(notification_id)
    return len(ids)
