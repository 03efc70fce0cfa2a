"""Staff accounts: creation by an administrator, roles, details, activation, unlocking."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

from django.db import transaction
from django.utils.translation import gettext as _

from congso.accounts.access import require_agency_administrator
from congso.accounts.constants import AccountsAuditAction, Role, UserKind
from congso.accounts.models import User, UserRole
from congso.accounts.services._checks import (
    forget_cached_roles,
    full_name_check,
    password_check,
    roles_check,
    staff_agency_check,
    unit_check,
)
from congso.audit.constants import AuditAction
from congso.audit.services import audit_record
from congso.core.errors import Conflict, PermissionDenied, ValidationFailed
from congso.organizations.models import Agency, Position


class _Unset:
    """Marks an argument the caller did not pass (None is a real value for unit and position)."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _Unset()


def _require_staff(user: User) -> None:
    if user.kind != UserKind.STAFF:
        raise ValidationFailed(
            _("Thao tác này chỉ áp dụng cho tài khoản cán bộ, công chức."),
            code="not_a_staff_account",
        )


@transaction.atomic
def staff_user_create(
    *,
    actor: User | None,
    username: str,
    full_name: str,
    agency: Agency,
    password: str,
    unit: Agency | None = None,
    position: Position | None = None,
    roles: Iterable[str] = (),
    email: str = "",
    phone: str = "",
) -> User:
    """Create a staff account (tài khoản cán bộ, công chức) in `agency`, with its roles.

    Only the system (`actor=None`), a superuser, or an administrator of `agency` may create one;
    `unit` must be a phòng, ban of `agency`. The password is stored with Argon2.
    """
    require_agency_administrator(actor, agency.pk)
    staff_agency_check(agency)
    unit_check(agency=agency, unit=unit)
    wanted_roles = roles_check(roles)
    username = (username or "").strip()
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(_("Tên đăng nhập đã được dùng."), code="username_taken", field="username")
    user = User(
        username=username,
        full_name=full_name_check(full_name),
        kind=UserKind.STAFF,
        agency=agency,
        unit=unit,
        position=position,
        email=email,
        phone=phone,
    )
    password_check(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    UserRole.objects.bulk_create(UserRole(user=user, role=role) for role in sorted(wanted_roles))
    audit_record(
        actor=actor,
        action=AuditAction.USER_CREATED,
        target=user,
        agency_id=agency.pk,
        data={
            "username": user.username,
            "kind": user.kind,
            "unit_id": user.unit_id,
            "position_id": user.position_id,
            "roles": sorted(wanted_roles),
        },
    )
    return user


@transaction.atomic
def user_roles_set(*, actor: User | None, user: User, roles: Iterable[str]) -> frozenset[str]:
    """Replace the staff member's roles with `roles` (an administrator of their agency only).

    An administrator cannot take the administrator role away from themself, so an agency is never
    left without anyone able to undo the change by accident.
    """
    require_agency_administrator(actor, user.agency_id)
    _require_staff(user)
    wanted = roles_check(roles)
    current = frozenset(user.role_grants.values_list("role", flat=True))
    if (
        actor is not None
        and actor.pk == user.pk
        and not actor.is_superuser
        and Role.ADMINISTRATOR in current
        and Role.ADMINISTRATOR not in wanted
    ):
        raise ValidationFailed(
            _("Không thể tự bỏ vai trò quản trị hệ thống của chính mình."),
            code="cannot_remove_own_administrator",
            field="roles",
        )
    added, removed = wanted - current, current - wanted
    if added or removed:
        UserRole.objects.filter(user=user, role__in=removed).delete()
        UserRole.objects.bulk_create(UserRole(user=user, role=role) for role in sorted(added))
        audit_record(
            actor=actor,
            action=AuditAction.USER_ROLES_CHANGED,
            target=user,
            agency_id=user.agency_id,
            data={"added": sorted(added), "removed": sorted(removed), "roles": sorted(wanted)},
        )
    forget_cached_roles(user, actor)
    return wanted


@transaction.atomic
def staff_user_update(
    *,
    actor: User | None,
    user: User,
    full_name: str | _Unset = UNSET,
    email: str | _Unset = UNSET,
    phone: str | _Unset = UNSET,
    unit: Agency | None | _Unset = UNSET,
    position: Position | None | _Unset = UNSET,
) -> User:
    """Change a staff member's name, contact details, unit or position (their agency's admin).

    Arguments left out stay as they are; `unit=None` takes the person out of any unit.
    """
    require_agency_administrator(actor, user.agency_id)
    _require_staff(user)
    changes: dict[str, Any] = {}
    if not isinstance(full_name, _Unset):
        changes["full_name"] = full_name_check(full_name)
    if not isinstance(email, _Unset):
        changes["email"] = (email or "").strip()
    if not isinstance(phone, _Unset):
        changes["phone"] = (phone or "").strip()
    if not isinstance(unit, _Unset):
        unit_check(agency=user.agency, unit=unit)
        changes["unit"] = unit
    if not isinstance(position, _Unset):
        changes["position"] = position
    changed = [name for name, value in changes.items() if getattr(user, name) != value]
    if not changed:
        return user
    for name in changed:
        setattr(user, name, changes[name])
    user.full_clean()
    user.save(update_fields=changed)
    audit_record(
        actor=actor,
        action=AuditAction.USER_UPDATED,
        target=user,
        agency_id=user.agency_id,
        data={"changed": changed, "unit_id": user.unit_id, "position_id": user.position_id},
    )
    return user


def _require_not_self(actor: User | None, user: User, message: str, code: str) -> None:
    if actor is not None and actor.pk == user.pk:
        raise ValidationFailed(message, code=code)


@transaction.atomic
def user_deactivate(*, actor: User | None, user: User) -> User:
    """Stop an account from signing in (ngừng hoạt động); nothing is deleted.

    Staff: an administrator of their agency; citizens and businesses: a superuser. Nobody
    deactivates themself. Delegations to or from an inactive account stop counting.
    """
    require_agency_administrator(actor, user.agency_id)
    _require_not_self(
        actor, user, _("Không thể tự ngừng hoạt động tài khoản của mình."), "cannot_deactivate_self"
    )
    if not user.is_active:
        return user
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action=AccountsAuditAction.USER_DEACTIVATED,
        target=user,
        agency_id=user.agency_id,
    )
    return user


@transaction.atomic
def user_reactivate(*, actor: User | None, user: User) -> User:
    """Let a deactivated account sign in again (same rights as `user_deactivate`)."""
    require_agency_administrator(actor, user.agency_id)
    if user.is_active:
        return user
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action=AccountsAuditAction.USER_REACTIVATED,
        target=user,
        agency_id=user.agency_id,
    )
    return user


@transaction.atomic
def user_unlock(*, actor: User | None, user: User) -> User:
    """Lift a lockout after repeated failed sign-ins and clear the failure counter."""
    require_agency_administrator(actor, user.agency_id)
    if user.locked_until is None and user.failed_login_count == 0:
        return user
    previous = {
        "locked_until": user.locked_until.isoformat() if user.locked_until else None,
        "failed_login_count": user.failed_login_count,
    }
    user.locked_until = None
    user.failed_login_count = 0
    user.save(update_fields=["locked_until", "failed_login_count"])
    audit_record(
        actor=actor,
        action=AuditAction.USER_UNLOCKED,
        target=user,
        agency_id=user.agency_id,
        data=previous,
    )
    return user


@transaction.atomic
def user_password_set(*, actor: User | None, user: User, password: str | None) -> User:
    """Set a new password (Argon2), or make password sign-in impossible with `password=None`.

    The account holder themself, or the administrator of their agency (a superuser for public
    accounts).
    """
    if actor is None or actor.pk != user.pk:
        require_agency_administrator(actor, user.agency_id)
    if password is None:
        user.set_unusable_password()
    else:
        password_check(password, user)
        user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(
        actor=actor,
        action=AccountsAuditAction.USER_PASSWORD_CHANGED,
        target=user,
        agency_id=user.agency_id,
        data={"usable": password is not None},
    )
    return user


@transaction.atomic
def user_admin_access_set(
    *, actor: User | None, user: User, is_staff: bool, is_superuser: bool
) -> User:
    """Grant or take away access to Django's admin site and superuser status (superusers only)."""
    if actor is not None and not (actor.is_active and actor.is_superuser):
        raise PermissionDenied(
            _("Chỉ siêu quản trị được cấp quyền vào trang quản trị."), code="superuser_required"
        )
    if actor is not None and actor.pk == user.pk and not is_superuser:
        raise ValidationFailed(
            _("Không thể tự bỏ quyền siêu quản trị của chính mình."),
            code="cannot_remove_own_superuser",
        )
    if (is_staff or is_superuser) and user.kind != UserKind.STAFF:
        raise ValidationFailed(
            _("Chỉ tài khoản cán bộ, công chức được vào trang quản trị."),
            code="not_a_staff_account",
        )
    if (user.is_staff, user.is_superuser) == (is_staff, is_superuser):
        return user
    user.is_staff, user.is_superuser = is_staff, is_superuser
    user.save(update_fields=["is_staff", "is_superuser"])
    forget_cached_roles(user)
    audit_record(
        actor=actor,
        action=AccountsAuditAction.USER_ADMIN_ACCESS_CHANGED,
        target=user,
        agency_id=user.agency_id,
        data={"is_staff": is_staff, "is_superuser": is_superuser},
    )
    return user
