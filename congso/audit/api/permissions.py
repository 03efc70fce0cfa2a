from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from congso.core.identity import Role


class IsAuditReader(BasePermission):
    """Django staff (`is_staff`) or holders of the administrator role may read the audit log."""

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if user.is_staff:
            return True
        has_role = getattr(user, "has_role", None)
        return bool(has_role is not None and has_role(Role.ADMINISTRATOR))
