"""DRF permission classes for role questions, reusable by every app.

    permission_classes = [IsAuthenticated, IsStaffMember, HasRole.of(Role.CLERK)]

Object questions ("may this user see that document?") belong in each app's `access.py`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from congso.accounts.constants import UserKind


def _active_user(request: Request) -> Any:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return user


class IsStaffMember(BasePermission):
    """An active staff account (cán bộ, công chức); citizens and businesses are refused."""

    message = _("Chức năng này chỉ dành cho cán bộ, công chức.")

    def has_permission(self, request: Request, view: Any) -> bool:
        user = _active_user(request)
        return user is not None and getattr(user, "kind", None) == UserKind.STAFF


class IsPublicAccount(BasePermission):
    """An active citizen or business account."""

    message = _("Chức năng này chỉ dành cho công dân, doanh nghiệp.")

    def has_permission(self, request: Request, view: Any) -> bool:
        user = _active_user(request)
        return user is not None and getattr(user, "kind", None) in (
            UserKind.CITIZEN,
            UserKind.BUSINESS,
        )


class HasRole(BasePermission):
    """The user holds at least one of `roles`; build with `HasRole.of(Role.CLERK, ...)`.

    With `include_delegated=True` roles held today through a delegation (ủy quyền) count too.
    """

    roles: ClassVar[frozenset[str]] = frozenset()
    include_delegated: ClassVar[bool] = False
    message = _("Bạn không có vai trò cần thiết để dùng chức năng này.")

    @classmethod
    def of(cls, *roles: str, include_delegated: bool = False) -> type[HasRole]:
        if not roles:
            raise ValueError("HasRole.of() needs at least one role")
        name = "HasRole_" + "_".join(sorted(str(role) for role in roles))
        return type(
            name,
            (cls,),
            {
                "roles": frozenset(str(role) for role in roles),
                "include_delegated": include_delegated,
            },
        )

    def has_permission(self, request: Request, view: Any) -> bool:
        user = _active_user(request)
        if user is None or not self.roles:
            return False
        if any(user.has_role(role) for role in self.roles):
            return True
        if not self.include_delegated:
            return False
        from congso.accounts.selectors import user_effective_roles

        return bool(self.roles & user_effective_roles(user=user, on=timezone.localdate()))
