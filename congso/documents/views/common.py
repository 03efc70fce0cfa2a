"""Shared helpers for the documents pages: staff-only access and error rendering."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect


def staff_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Logged-in staff only; citizens and businesses are sent to the public home."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if getattr(request.user, "kind", "") != "staff":
            return redirect("web:public-home")
        return view(request, *args, **kwargs)

    return wrapper


__all__ = ["HttpResponse", "staff_required"]
