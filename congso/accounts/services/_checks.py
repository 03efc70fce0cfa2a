"""Checks shared by the accounts services (and by admin forms, to report errors before saving)."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _

from congso.accounts.constants import Role
from congso.accounts.models import User
from congso.core.errors import ValidationFailed
from congso.organizations.constants import AgencyKind
from congso.organizations.models import Agency


def password_check(password: str, user: User | None = None) -> None:
    """Apply AUTH_PASSWORD_VALIDATORS; raise `password_invalid` with their Vietnamese messages."""
    try:
        validate_password(password, user)
    except DjangoValidationError as error:
        raise ValidationFailed(
            " ".join(error.messages), code="password_invalid", field="password"
        ) from error


def roles_check(roles: Iterable[str]) -> frozenset[str]:
    """Return the roles as a set, refusing any value that is not a `Role`."""
    wanted = frozenset(str(role) for role in roles)
    unknown = sorted(wanted - set(Role.values))
    if unknown:
        raise ValidationFailed(
            _("Vai trò không hợp lệ: %(roles)s.") % {"roles": ", ".join(unknown)},
            code="invalid_role",
            field="roles",
        )
    return wanted


def staff_agency_check(agency: Agency) -> None:
    """Staff belong to an active agency, never directly to an internal unit (phòng, ban)."""
    if agency.kind == AgencyKind.INTERNAL_UNIT:
        raise ValidationFailed(
            _("Cơ quan của cán bộ không được là một phòng, ban nội bộ; hãy chọn cơ quan chủ quản."),
            code="agency_is_internal_unit",
            field="agency",
        )
    if not agency.is_active:
        raise ValidationFailed(
            _("Cơ quan đã ngừng hoạt động."), code="agency_inactive", field="agency"
        )


def unit_check(*, agency: Agency | None, unit: Agency | None) -> None:
    """A staff member's unit must be an internal unit (phòng, ban) of their own agency."""
    if unit is None:
        return
    if agency is None or unit.kind != AgencyKind.INTERNAL_UNIT or unit.parent_id != agency.pk:
        raise ValidationFailed(
            _("Đơn vị phải là một phòng, ban thuộc cơ quan của cán bộ."),
            code="unit_not_in_agency",
            field="unit",
        )


def full_name_check(full_name: str, *, field: str = "full_name") -> str:
    name = " ".join((full_name or "").split())
    if not name:
        raise ValidationFailed(
            _("Vui lòng nhập họ và tên."), code="full_name_required", field=field
        )
    return name


def forget_cached_roles(*users: User | None) -> None:
    """Drop the per-instance role cache so the next `has_role` reads the database."""
    for user in users:
        if user is not None:
            user.__dict__.pop("role_set", None)
