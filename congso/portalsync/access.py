"""Who may see and act on the portal sync: staff administrators and one-stop officers."""

from __future__ import annotations

from typing import Any

from congso.core.identity import Role

ALLOWED_ROLES = {Role.ADMINISTRATOR, Role.ONE_STOP_OFFICER}


def can_manage_portal_sync(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    if getattr(user, "kind", None) != "staff":
        return False
    return bool(set(getattr(user, "role_set", frozenset())) & {str(r) for r in ALLOWED_ROLES})
