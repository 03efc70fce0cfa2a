"""Celery tasks of the documents app: ids in (or nothing for periodic ones), one service call,
idempotent because a task may be delivered twice (house style §2.2)."""

from __future__ import annotations

from typing import Any

from celery import shared_task


@shared_task(name="documents.tasks.deadline_reminders_send")
def deadline_reminders_send() -> dict[str, int]:
    """Daily (beat, 07:00 Asia/Ho_Chi_Minh): reminders before and on assignment deadlines."""
    from congso.documents.services.incoming_common import local_today
    from congso.documents.services.incoming_reminders import assignment_reminders_send

    run = assignment_reminders_send(on=local_today())
    return {"before": run.before, "due": run.due}


@shared_task(
    bind=True,
    name="documents.tasks.stored_files_text_fill",
    acks_late=True,
    max_retries=5,
)
def stored_files_text_fill_task(self: Any, file_ids: list[int]) -> int:
    """After the commit that stored them: the text layer of these PDFs, then the search entries of
    the documents holding them. A database error is retried with back-off (a worker); run eagerly
    (no broker) it is raised to the on-commit hook, which logs it (the files keep no text)."""
    from django.db import DatabaseError

    from congso.documents.services.files import stored_files_text_fill

    try:
        return stored_files_text_fill(file_ids=file_ids)
    except DatabaseError as exc:
        if self.request.is_eager:
            raise
        raise self.retry(exc=exc, countdown=min(300, 10 * 2**self.request.retries)) from exc
