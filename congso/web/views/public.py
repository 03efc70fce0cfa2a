"""Public pages: the citizens' and businesses' home with the deadline calculator, citizen home."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from congso.core.errors import CongsoError
from congso.web.forms import WorkingDayForm
from congso.web.guards import public_account_required
from congso.workdays.calendar import add_working_days

# Which calculator field a refusal of the working-day calendar is about.
CALENDAR_ERROR_FIELDS = {"invalid_date": "received_on", "invalid_days": "working_days"}


def public_home(request: HttpRequest) -> HttpResponse:
    """Intro for citizens and businesses, and a working-day deadline calculator (GET form)."""
    due_on: date | None = None
    submitted = bool(request.GET)
    form = WorkingDayForm(request.GET if submitted else None)
    if submitted and form.is_valid():
        try:
            due_on = add_working_days(
                form.cleaned_data["received_on"], form.cleaned_data["working_days"]
            )
        except CongsoError as error:
            form.add_error(CALENDAR_ERROR_FIELDS.get(error.code), error.message)
    return render(
        request,
        "web/public_home.html",
        {"calculator": form, "due_on": due_on},
    )


@public_account_required
def citizen_home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/citizen_home.html", {"account": request.user})
