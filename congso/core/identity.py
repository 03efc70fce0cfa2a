"""What lower layers may know about the person acting, without importing `accounts`.

`congso.accounts.models.User` satisfies `Actor`; role values live here so every app can name them.
"""

from __future__ import annotations

from typing import Protocol

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CLERK = "clerk", _("Văn thư")
    LEADER = "leader", _("Lãnh đạo")
    SPECIALIST = "specialist", _("Chuyên viên")
    ONE_STOP_OFFICER = "one_stop_officer", _("Cán bộ một cửa")
    ADMINISTRATOR = "administrator", _("Quản trị hệ thống")


class Actor(Protocol):
    pk: int | None
    agency_id: int | None
    unit_id: int | None
    kind: str
    is_authenticated: bool

    def has_role(self, role: str) -> bool: ...
