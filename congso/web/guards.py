"""Who may open which page: staff pages for staff, citizen pages for citizens and businesses.

These are role questions about the signed-in person (house style §2.2); object questions stay in
each domain app's `access.py`.
"""

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

from congso.accounts.constants import UserKind

View = Callable[..., HttpResponse]


def is_staff_member(user: Any) -> bool:
    return bool(user.is_authenticated and getattr(user, "kind", None) == UserKind.STAFF)


def staff_required(view: View) -> View:
    """Anonymous visitors go to the staff login; citizens go back to the public home."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("web:login"))
        if not is_staff_member(user):
            messages.warning(
                request,
                _(
                    "Trang này chỉ dành cho cán bộ, công chức. Tài khoản công dân dùng các dịch vụ "
                    "trên cổng công dân."
                ),
            )
            return redirect("web:public-home")
        return view(request, *args, **kwargs)

    return wrapper


def public_account_required(view: View) -> View:
    """Anonymous visitors go to the citizen login; staff go back to their workspace."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("web:public-login"))
        if is_staff_member(user):
            messages.info(
                request,
                _("Trang này dành cho công dân và doanh nghiệp. Bạn đang dùng tài khoản cán bộ."),
            )
            return redirect("web:staff-home")
        return view(request, *args, **kwargs)

    return wrapper
