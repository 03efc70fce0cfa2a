"""Reads of the service-center queue (quầy, số thứ tự): the counters of an agency and the state
of each counter on a day (last number taken, last number called, how many wait)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Max, Q, QuerySet

from congso.dossiers.constants import QueueTicketStatus
from congso.dossiers.models import QueueTicket, ServiceCounter


@dataclass(frozen=True)
class CounterState:
    """One counter on one day."""

    counter: ServiceCounter
    day: date
    last_number: int  # the last number taken (0: nobody yet)
    waiting: int
    serving: QueueTicket | None  # the last number called

    @property
    def last_called_number(self) -> int | None:
        return self.serving.number if self.serving is not None else None

    @property
    def last_called_at(self) -> datetime | None:
        return self.serving.called_at if self.serving is not None else None


def service_counters(agency_id: int | None) -> QuerySet[ServiceCounter]:
    """The active counters of an agency, by code (none without an agency)."""
    if agency_id is None:
        return ServiceCounter.objects.none()
    return ServiceCounter.objects.filter(agency_id=agency_id, is_active=True).order_by("code")


def service_counter_get(agency_id: int | None, counter_id: int) -> ServiceCounter | None:
    """An active counter of the agency (None for another agency's or a closed one)."""
    return service_counters(agency_id).filter(pk=counter_id).first()


def queue_state(agency_id: int | None, day: date) -> list[CounterState]:
    """Every active counter of the agency on `day`, in two queries whatever the queue length."""
    called = Q(tickets__day=day, tickets__status=QueueTicketStatus.CALLED)
    counters = list(
        service_counters(agency_id).annotate(
            last_number=Max("tickets__number", filter=Q(tickets__day=day)),
            waiting=Count(
                "tickets", filter=Q(tickets__day=day, tickets__status=QueueTicketStatus.WAITING)
            ),
            last_called=Max("tickets__number", filter=called),
        )
    )
    pairs = [(c.pk, c.last_called) for c in counters if c.last_called is not None]
    serving: dict[int, QueueTicket] = {}
    if pairs:
        wanted = Q()
        for counter_id, number in pairs:
            wanted |= Q(counter_id=counter_id, number=number)
        serving = {t.counter_id: t for t in QueueTicket.objects.filter(wanted, day=day)}
    return [
        CounterState(
            counter=counter,
            day=day,
            last_number=counter.last_number or 0,
            waiting=counter.waiting,
            serving=serving.get(counter.pk),
        )
        for counter in counters
    ]


def queue_ticket_get(ticket_id: int, agency_id: int | None) -> QueueTicket | None:
    """A ticket of one of the agency's counters (for the page that shows it large)."""
    if agency_id is None:
        return None
    return (
        QueueTicket.objects.filter(pk=ticket_id, counter__agency_id=agency_id)
        .select_related("counter")
        .first()
    )
