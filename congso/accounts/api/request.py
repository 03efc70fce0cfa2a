"""The typed user behind an API request, for views of every app."""

from __future__ import annotations

from typing import cast

from rest_framework.exceptions import NotAuthenticated, PermissionDenied
from rest_framework.request import Request

from congso.accounts.constants import UserKind
from congso.accounts.models import User


def request_user(request: Request) -> User:
    """The signed-in `User`; NotAuthenticated for an anonymous request."""
    user = request.user
    if not user or not user.is_authenticated:
        raise NotAuthenticated()
    return cast(User, user)


def request_staff(request: Request) -> User:
    """The signed-in staff `User`; PermissionDenied for a citizen or business account."""
    user = request_user(request)
    if user.kind != UserKind.STAFF:
        raise PermissionDenied("Chức năng này chỉ dành cho cán bộ, công chức.")
    return user
