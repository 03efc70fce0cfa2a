"""Queue numbers at the counters (số thứ tự): gap-free per counter and day, called in order."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.audit.services import audit_record
from congso.core.errors import NotFound
from congso.dossiers.constants import DossierAction, QueueTicketStatus
from congso.dossiers.errors import StepForbidden
from congso.dossiers.models import QueueTicket, ServiceCounter
from congso.dossiers.services.common import is_staff, user_or_none
from congso.workdays.calendar import local_day


def _locked_counter(counter: ServiceCounter | int) -> ServiceCounter:
    pk = counter if isinstance(counter, int) else counter.pk
    found = ServiceCounter.objects.select_for_update().filter(pk=pk, is_active=True).first()
    if found is None:
        raise NotFound(_("Không tìm thấy quầy tiếp nhận."), code="counter_not_found")
    return found


@transaction.atomic
def queue_ticket_take(counter: ServiceCounter | int, actor: Any = None) -> QueueTicket:
    """The next number of the counter today (the counter row is locked: no gaps, no repeats)."""
    locked = _locked_counter(counter)
    now = timezone.now()
    day = local_day(now)
    last = QueueTicket.objects.filter(counter=locked, day=day).aggregate(last=Max("number"))["last"]
    ticket = QueueTicket.objects.create(
        counter=locked, day=day, number=(last or 0) + 1, taken_at=now
    )
    audit_record(
        actor=user_or_none(actor),
        action=DossierAction.QUEUE_TICKET_TAKEN,
        target=ticket,
        agency_id=locked.agency_id,
        data={"counter": locked.code, "day": day.isoformat(), "number": ticket.number},
    )
    return ticket


@transaction.atomic
def queue_ticket_call_next(officer: Any, counter: ServiceCounter | int) -> QueueTicket | None:
    """The desk calls the next waiting number of today (None when nobody waits)."""
    locked = _locked_counter(counter)
    if not is_staff(officer) or officer.agency_id != locked.agency_id:
        raise StepForbidden(_("Chỉ cán bộ của cơ quan có quầy này mới gọi số được."))
    now = timezone.now()
    ticket = (
        QueueTicket.objects.select_for_update()
        .filter(counter=locked, day=local_day(now), status=QueueTicketStatus.WAITING)
        .order_by("number")
        .first()
    )
    if ticket is None:
        return None
    ticket.status = QueueTicketStatus.CALLED
    ticket.called_at = now
    ticket.called_by = officer
    ticket.save(update_fields=["status", "called_at", "called_by"])
    audit_record(
        actor=officer,
        action=DossierAction.QUEUE_TICKET_CALLED,
        target=ticket,
        agency_id=locked.agency_id,
        data={"counter": locked.code, "number": ticket.number},
    )
    return ticket
