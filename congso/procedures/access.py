"""The one gate of the procedure catalogue.

Reading published procedures is public. Managing the catalogue (import, export, drift report,
unpublished entries) is for staff holding the administrator role.
"""

from __future__ import annotations

from typing import Any

from congso.core.errors import PermissionDenied
from congso.core.identity import Role

STAFF_KIND = "staff"  # congso.accounts.constants.UserKind.STAFF (accounts sits below; same value)


def can_manage_catalogue(user: Any) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and getattr(user, "kind", None) == STAFF_KIND
        and user.has_role(Role.ADMINISTRATOR)
    )


def access_catalogue_management(user: Any) -> Any:
    """The user, if they may manage the catalogue; PermissionDenied otherwise."""
    if not can_manage_catalogue(user):
        raise PermissionDenied(
            "Chỉ cán bộ quản trị hệ thống được quản lý danh mục thủ tục hành chính.",
            code="catalogue_management_denied",
        )
    return user
