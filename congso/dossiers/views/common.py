"""Shared pieces of the desk pages: staff-only access, the action wrapper, status badges."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congso.core.errors import CongsoError
from congso.core.identity import Role
from congso.dossiers import deadlines
from congso.dossiers.constants import CLOCK_RUNNING, DossierStatus
from congso.dossiers.errors import DossierNotFound
from congso.dossiers.printing.fonts import FontMissing

SECRETS_KEY = "dossiers.lookup_secrets"
SECRETS_KEPT = 10


def staff_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Logged-in staff only; citizens and businesses are sent to the public home."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if getattr(request.user, "kind", "") != "staff":
            return redirect("web:public-home")
        try:
            return view(request, *args, **kwargs)
        except DossierNotFound:
            return not_found(request)

    return wrapper


def officer(request: HttpRequest) -> Any:
    """The signed-in staff member (the decorators above have checked it)."""
    return request.user


def not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "dossiers/not_found.html", status=404)


class FormInvalid(Exception):
    def __init__(self, form: Any) -> None:
        self.form = form


_action_form: ContextVar[Any] = ContextVar("dossier_action_form", default=None)


def valid(form: Any) -> dict[str, Any]:
    """The form's cleaned data, or FormInvalid; the action wrapper shows the form again (with
    what the officer typed) if this or the service refuses."""
    _action_form.set(form)
    if not form.is_valid():
        raise FormInvalid(form)
    return dict(form.cleaned_data)


def detail_url(dossier_id: int) -> str:
    return reverse("dossiers:detail", kwargs={"dossier_id": dossier_id})


def dossier_action(view: Callable[..., str | None]) -> Callable[..., HttpResponseBase]:
    """Staff only, POST only: the wrapped function calls one service and returns the success
    message; the officer lands on the dossier again (post/redirect/get). A refusal (business
    rule, bad form, missing font) is said in the messages; if the action had a form, the
    dossier page is shown again (400, or the refusal's status) with that action's panel open,
    its form keeping what was typed and each problem next to its field."""

    @staff_required
    @require_POST
    @wraps(view)
    def wrapper(request: HttpRequest, dossier_id: int, **kwargs: Any) -> HttpResponseBase:
        token = _action_form.set(None)
        status = 400
        try:
            done = view(request, dossier_id, **kwargs)
        except DossierNotFound:
            return not_found(request)
        except FormInvalid as invalid:
            for field, problems in invalid.form.errors.items():
                label = invalid.form.fields[field].label if field in invalid.form.fields else ""
                for problem in problems:
                    messages.error(request, f"{label}: {problem}" if label else problem)
        except DjangoValidationError as error:
            for problem in error.messages:
                messages.error(request, problem)
        except CongsoError as error:
            messages.error(request, error.message)
            status = error.http_status
        except FontMissing as error:
            messages.error(request, str(error))
            status = 503
        else:
            if done:
                messages.success(request, done)
            return redirect(detail_url(dossier_id))
        finally:
            form = _action_form.get()
            _action_form.reset(token)
        if form is None:  # nothing typed to keep (a button): back to the page, as on success
            return redirect(detail_url(dossier_id))
        from congso.dossiers.views.pages import detail_response  # the page renders the panels

        return detail_response(request, dossier_id, failed=view.__name__, bound=form, status=status)

    return wrapper


def remember_secret(request: HttpRequest, dossier_id: int, secret: str) -> None:
    """The lookup secret is shown once: keep it in this officer's session only, so the receipt
    printed right after the counter intake carries it (liên 2), then it is forgotten."""
    kept = dict(request.session.get(SECRETS_KEY, {}))
    kept[str(dossier_id)] = secret
    request.session[SECRETS_KEY] = dict(list(kept.items())[-SECRETS_KEPT:])


def recalled_secret(request: HttpRequest, dossier_id: int) -> str:
    return str(request.session.get(SECRETS_KEY, {}).get(str(dossier_id), ""))


def is_desk_officer(user: Any) -> bool:
    return getattr(user, "kind", "") == "staff" and user.has_role(Role.ONE_STOP_OFFICER)


@dataclass(frozen=True)
class Badge:
    """A deadline state in words (and a CSS class: never colour alone)."""

    css: str
    text: str


def deadline_badge(dossier: Any, now: datetime | None = None) -> Badge | None:
    """Trước hạn / Đúng hạn / Quá hạn for finished dossiers; Quá hạn N ngày, Sắp đến hạn or
    Trong hạn while the clock runs; Tạm dừng while waiting for a supplement."""
    now = now or timezone.now()
    due = dossier.due_at
    if due is None:
        return None
    done = dossier.finished_at
    if done is not None:
        outcome = deadlines.step_outcome(due, done)
        labels = {
            "early": _("Trước hạn"),
            "on_time": _("Đúng hạn"),
            "late": _("Quá hạn"),
        }
        return Badge(f"badge-{outcome}", labels[outcome])
    if dossier.status == DossierStatus.SUPPLEMENT_REQUESTED:
        return Badge("badge-paused", _("Tạm dừng chờ bổ sung"))
    if dossier.status not in CLOCK_RUNNING:
        return None
    if due < now:
        late = deadlines.delay_working_days(due, now)
        return Badge(
            "badge-late",
            _("Quá hạn %(days)s ngày làm việc") % {"days": max(late, 1)} if late else _("Quá hạn"),
        )
    left = deadlines.remaining_working_days(due, now)
    if left <= getattr(settings, "DOSSIER_NEARING_DUE_DAYS", 1):
        return Badge("badge-nearing", _("Sắp đến hạn"))
    return Badge("badge-on-time", _("Trong hạn"))
