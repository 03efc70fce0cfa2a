"""Pausing and resuming the legal clock of a dossier and its open sub-dossiers (Mẫu 02, financial
obligations)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from congso.dossiers import deadlines
from congso.dossiers.constants import CLOCK_RUNNING
from congso.dossiers.models import Dossier, DossierStep
from congso.dossiers.services.common import record_event


def _family(dossier: Dossier) -> list[Dossier]:
    family = [dossier]
    frontier = [dossier.pk]
    while frontier:
        children = list(
            Dossier.objects.select_for_update().filter(
                parent_id__in=frontier, finished_at__isnull=True
            )
        )
        family.extend(children)
        frontier = [child.pk for child in children]
    return family


def clock_pause(dossier: Dossier, *, now: datetime) -> None:
    for member in _family(dossier):
        if member.paused_at is None and member.received_at is not None:
            member.paused_at = now
            member.save(update_fields=["paused_at", "updated_at"])
    if dossier.received_at is not None:
        dossier.paused_at = dossier.paused_at or now


def _shift(value: datetime | None, days: int) -> datetime | None:
    return deadlines.shift_by_working_days(value, days) if value is not None else None


def clock_resume(dossier: Dossier, *, now: datetime) -> dict[str, Any]:
    """Move every due date of the family by the working days paused; returns what changed."""
    if dossier.paused_at is None:
        return {"paused_days": 0}
    days = deadlines.paused_working_days(dossier.paused_at, now)
    before = {"due_at": dossier.due_at, "legal_due_at": dossier.legal_due_at}
    for member in _family(dossier):
        if member.paused_at is None:
            continue
        member.legal_due_at = _shift(member.legal_due_at, days)
        member.due_at = _shift(member.due_at, days)
        member.extended_due_at = _shift(member.extended_due_at, days)
        member.paused_days_total = member.paused_days_total + Decimal(days)
        member.paused_at = None
        member.save(
            update_fields=[
                "legal_due_at",
                "due_at",
                "extended_due_at",
                "paused_days_total",
                "paused_at",
                "updated_at",
            ]
        )
        if member.pk == dossier.pk:
            dossier.legal_due_at, dossier.due_at = member.legal_due_at, member.due_at
            dossier.extended_due_at = member.extended_due_at
            dossier.paused_days_total, dossier.paused_at = member.paused_days_total, None
        for step in DossierStep.objects.select_for_update().filter(
            dossier=member, finished_at__isnull=True
        ):
            step.due_at = deadlines.shift_by_working_days(step.due_at, days)
            step.save(update_fields=["due_at"])
    return {
        "paused_days": days,
        "old_due_at": before["due_at"],
        "new_due_at": dossier.due_at,
        "old_legal_due_at": before["legal_due_at"],
        "new_legal_due_at": dossier.legal_due_at,
    }


def clock_wait(
    dossier: Dossier, *, status: str, actor: Any, kind: str, action: str, data: dict[str, Any]
) -> None:
    """The dossier waits for the applicant (Mẫu 02 papers, a fee): it keeps the status to come
    back to, its clock pauses if it runs, it takes `status`; the event records `data` and the
    `paused_at` of the wait."""
    now = timezone.now()
    dossier.status_before_pause = dossier.status
    if dossier.status in CLOCK_RUNNING:
        clock_pause(dossier, now=now)
    dossier.status = status
    dossier.save()
    record_event(
        dossier=dossier,
        kind=kind,
        actor=actor,
        action=action,
        data={**data, "paused_at": dossier.paused_at},
        at=now,
    )


def clock_wait_end(
    dossier: Dossier, *, fallback: str, actor: Any, kind: str, action: str, data: dict[str, Any]
) -> None:
    """What the dossier waited for arrived: the clock resumes (`clock_resume`), the dossier is
    back in its status from before the wait (else `fallback`); the event records what the resume
    changed, then `data`."""
    now = timezone.now()
    change = clock_resume(dossier, now=now)
    dossier.status = dossier.status_before_pause or fallback
    dossier.status_before_pause = ""
    dossier.save()
    record_event(
        dossier=dossier, kind=kind, actor=actor, action=action, data={**change, **data}, at=now
    )
