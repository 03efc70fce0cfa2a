"""Deadline lists (overdue, nearing due — per agency and per officer) and the queue numbers of
the service-center counters."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congso.core.errors import CongsoError
from congso.dossiers.models import ServiceCounter
from congso.dossiers.selectors import dossiers_nearing_due, dossiers_overdue, steps_overdue
from congso.dossiers.selectors_queue import queue_state, queue_ticket_get, service_counter_get
from congso.dossiers.services import queue_ticket_call_next, queue_ticket_take
from congso.dossiers.views.common import deadline_badge, officer, staff_required

LIST_LIMIT = 200


@staff_required
def deadlines_page(request: HttpRequest) -> HttpResponse:
    """ "Quá hạn, sắp đến hạn" of the officer's agency, or only the officer's own (?cua_toi=1)."""
    mine = request.GET.get("cua_toi") == "1"
    me = officer(request) if mine else None
    agency = officer(request).agency_id
    now = timezone.now()
    related = ("procedure", "handling_agency")
    overdue = list(dossiers_overdue(agency, now, officer=me).select_related(*related)[:LIST_LIMIT])
    nearing = list(
        dossiers_nearing_due(agency, as_of=now, officer=me).select_related(*related)[:LIST_LIMIT]
    )
    late_steps = list(steps_overdue(agency=agency, officer=me, as_of=now)[:LIST_LIMIT])
    return render(
        request,
        "dossiers/deadlines.html",
        {
            "mine": mine,
            "overdue": [{"dossier": d, "badge": deadline_badge(d, now)} for d in overdue],
            "nearing": [{"dossier": d, "badge": deadline_badge(d, now)} for d in nearing],
            "late_steps": late_steps,
            "limit": LIST_LIMIT,
        },
    )


@staff_required
def queue_numbers_page(request: HttpRequest) -> HttpResponse:
    """The counters of the officer's agency: who is being served, how many wait, a ticket."""
    today = timezone.localdate()
    agency = officer(request).agency_id
    rows = [
        {"counter": s.counter, "serving": s.serving, "waiting": s.waiting, "last": s.last_number}
        for s in queue_state(agency, today)
    ]
    ticket_id = request.GET.get("so", "")
    ticket = queue_ticket_get(int(ticket_id), agency) if ticket_id.isdigit() else None
    return render(
        request, "dossiers/queue_numbers.html", {"rows": rows, "ticket": ticket, "today": today}
    )


def _counter(request: HttpRequest, counter_id: int) -> ServiceCounter | None:
    return service_counter_get(officer(request).agency_id, counter_id)


@staff_required
@require_POST
def queue_ticket_new(request: HttpRequest, counter_id: int) -> HttpResponseBase:
    """Print a number for the person at the kiosk (the ticket shows large on the page)."""
    counter = _counter(request, counter_id)
    if counter is None:
        messages.error(request, _("Không tìm thấy quầy tiếp nhận."))
        return redirect("dossiers:queue-numbers")
    try:
        ticket = queue_ticket_take(counter, actor=request.user)
    except CongsoError as error:
        messages.error(request, error.message)
        return redirect("dossiers:queue-numbers")
    return redirect(f"{reverse('dossiers:queue-numbers')}?so={ticket.pk}")


@staff_required
@require_POST
def queue_ticket_call(request: HttpRequest, counter_id: int) -> HttpResponseBase:
    counter = _counter(request, counter_id)
    if counter is None:
        messages.error(request, _("Không tìm thấy quầy tiếp nhận."))
        return redirect("dossiers:queue-numbers")
    try:
        ticket = queue_ticket_call_next(request.user, counter)
    except CongsoError as error:
        messages.error(request, error.message)
    else:
        if ticket is None:
            messages.info(
                request, _("Không còn ai đang chờ ở %(counter)s.") % {"counter": counter.name}
            )
        else:
            messages.success(
                request,
                _("Mời số %(number)s đến %(counter)s.")
                % {"number": ticket.number, "counter": counter.name},
            )
    return redirect("dossiers:queue-numbers")
