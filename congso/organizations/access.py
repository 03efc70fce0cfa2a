"""Who may read and change the organisation directory.

Reading is open to every signed-in staff member (cán bộ) of any agency: documents are addressed to
agencies across the province. Citizens and businesses do not browse the internal directory.
Changing it is for system administrators.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from congso.core.errors import NotFound
from congso.core.identity import Role
from congso.organizations.constants import STAFF_USER_KIND
from congso.organizations.models import Agency
from congso.organizations.rules import UNKNOWN_AGENCY
from congso.organizations.selectors import agency_get


def can_read_directory(user: Any) -> bool:
    if user is None:
        return False
    if not getattr(user, "is_authenticated", False):
        return False
    return getattr(user, "kind", None) == STAFF_USER_KIND


def can_manage_directory(user: Any) -> bool:
    if not can_read_directory(user):
        return False
    return bool(user.has_role(Role.ADMINISTRATOR))


def access_agency_by_id(*, user: Any, agency_id: int) -> Agency:
    """The agency if `user` may read the directory; missing and forbidden look the same."""
    if not can_read_directory(user):
        raise _agency_not_found(agency_id)
    agency = agency_get(agency_id=agency_id)
    if agency is None:
        raise _agency_not_found(agency_id)
    return agency


def _agency_not_found(agency_id: int) -> NotFound:
    return NotFound(
        _("Không tìm thấy cơ quan, tổ chức (id %(id)s).") % {"id": agency_id},
        code=UNKNOWN_AGENCY,
    )
