"""Celery tasks of the documents app: ids in (or nothing for periodic ones), one service call,
idempotent because a task may be delivered twice (house style §2.2)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="documents.tasks.deadline_reminders_send")
def deadline_reminders_send() -> dict[str, int]:
    """Daily (beat, 07:00 Asia/Ho_Chi_Minh): reminders before and on assignment deadlines."""
    from congso.documents.services.incoming_common import local_today
    from congso.documents.services.incoming_reminders import assignment_reminders_send

    run = assignment_reminders_send(on=local_today())
    return {"before": run.before, "due": run.due}
