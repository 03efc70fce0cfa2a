"""Changing the working-day calendar: the decision table that overrides weekends and holidays."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from congso.audit.services import audit_record
from congso.core.errors import NotFound
from congso.workdays.calendar import calendar_cache_clear
from congso.workdays.constants import CALENDAR_DECISION_REMOVED, CALENDAR_DECISION_SET
from congso.workdays.models import CalendarDecision

_FIELDS = ("kind", "reason", "legal_basis")


def _snapshot(decision: CalendarDecision) -> dict[str, str]:
    return {
        "day": decision.day.isoformat(),
        "kind": decision.kind,
        "reason": decision.reason,
        "legal_basis": decision.legal_basis,
    }


@transaction.atomic
def calendar_decision_set(
    *, actor: Any, day: date, kind: str, reason: str, legal_basis: str = ""
) -> CalendarDecision:
    """Fix `day` as a day off or a working day, whatever weekends and holidays say.

    Each year the Prime Minister or Bộ LĐTBXH fixes the Tết window for civil servants and may swap
    a weekday off against a working Saturday (standards.md §9); this records such a decision, or
    corrects an earlier one for the same day. Deadlines computed after commit use it.
    Raises django's ValidationError on an unknown kind or an empty reason.
    """
    decision = CalendarDecision.objects.select_for_update().filter(day=day).first()
    previous = None if decision is None else _snapshot(decision)
    if decision is None:
        decision = CalendarDecision(day=day)
    decision.kind = kind
    decision.reason = reason.strip()
    decision.legal_basis = legal_basis.strip()
    if previous is not None and _snapshot(decision) == previous:
        return decision
    decision.full_clean()
    if previous is None:
        decision.save()
    else:
        decision.save(update_fields=[*_FIELDS, "updated_at"])
    audit_record(
        actor=actor,
        action=CALENDAR_DECISION_SET,
        target=decision,
        data={**_snapshot(decision), "previous": previous},
    )
    transaction.on_commit(calendar_cache_clear)
    return decision


@transaction.atomic
def calendar_decision_remove(*, actor: Any, day: date) -> None:
    """Drop the decision for `day`, which then follows the weekend and holiday rules again."""
    decision = CalendarDecision.objects.select_for_update().filter(day=day).first()
    if decision is None:
        raise NotFound(
            _("Không có quyết định lịch làm việc cho ngày %(day)s.") % {"day": day.isoformat()},
            code="calendar_decision_not_found",
            field="day",
        )
    audit_record(
        actor=actor, action=CALENDAR_DECISION_REMOVED, target=decision, data=_snapshot(decision)
    )
    decision.delete()
    transaction.on_commit(calendar_cache_clear)
