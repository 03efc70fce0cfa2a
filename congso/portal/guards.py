"""Citizen and business accounts only (the object question is `dossiers.access`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

PUBLIC_KINDS = ("citizen", "business")


def public_account_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("web:public-login"))
        if getattr(user, "kind", "") not in PUBLIC_KINDS:
            messages.info(
                request,
                _("Trang này dành cho công dân và doanh nghiệp. Bạn đang dùng tài khoản cán bộ."),
            )
            return redirect("web:staff-home")
        return view(request, *args, **kwargs)

    return wrapper
