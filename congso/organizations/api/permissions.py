"""Role questions for the directory API; the answers live in `congso.organizations.access`."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from congso.organizations.access import can_manage_directory, can_read_directory


class DirectoryPermission(BasePermission):
    """Staff read the directory; only administrators change it."""

    message = _("Chỉ cán bộ được xem danh bạ cơ quan; chỉ quản trị hệ thống được sửa.")

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return can_read_directory(request.user)
        return can_manage_directory(request.user)
