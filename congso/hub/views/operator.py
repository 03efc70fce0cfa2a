"""Operator pages of the hub (Vietnamese, server-rendered): traffic, delivery times, stuck items."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from congso.hub import conf
from congso.hub.access import is_operator
from congso.hub.selectors import delivery_times, member_list, stuck_list, traffic_by_pair


def operator_required(view: Any) -> Any:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_operator(request.user):
            return redirect_to_login(request.get_full_path(), reverse("hub-ui:login"))
        return view(request, *args, **kwargs)

    return wrapper


class OperatorLoginView(auth_views.LoginView):
    template_name = "hub/login.html"
    redirect_authenticated_user = False

    def get_default_redirect_url(self) -> str:
        return reverse("hub-ui:dashboard")


class OperatorLogoutView(auth_views.LogoutView):
    def get_default_redirect_url(self) -> str:
        return reverse("hub-ui:login")


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 60:
        return f"{seconds:.1f} giây"
    if seconds < 3600:
        return f"{seconds / 60:.1f} phút"
    return f"{seconds / 3600:.1f} giờ"


@operator_required
def dashboard(request: HttpRequest) -> HttpResponse:
    times = delivery_times()
    return render(
        request,
        "hub/dashboard.html",
        {
            "traffic": traffic_by_pair(),
            "times": times,
            "p50": _duration(times.p50_seconds),
            "p95": _duration(times.p95_seconds),
            "stuck": stuck_list(),
            "stuck_after": conf.stuck_after_minutes(),
        },
    )


@operator_required
def members(request: HttpRequest) -> HttpResponse:
    return render(request, "hub/members.html", {"members": member_list()})
