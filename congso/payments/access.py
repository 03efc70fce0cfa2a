"""Who may see payments: the reconciliation list is for one-stop officers and administrators."""

from __future__ import annotations

from typing import Any

from congso.core.identity import Role

RECONCILIATION_ROLES = (Role.ONE_STOP_OFFICER, Role.ADMINISTRATOR)


def can_reconcile(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or getattr(user, "kind", "") != "staff":
        return False
    return any(user.has_role(role) for role in RECONCILIATION_ROLES)
