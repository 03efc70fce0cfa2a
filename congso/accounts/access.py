"""The one gate for accounts: who may see or act on which user or delegation.

`access_*_by_id` hide "missing" and "forbidden" behind the same NotFound; `require_*` raise
PermissionDenied for role questions asked by services.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from congso.accounts.constants import Role, UserKind
from congso.accounts.models import Delegation, User
from congso.core.errors import NotFound, PermissionDenied


def _is_active_staff(actor: User) -> bool:
    return actor.is_active and actor.kind == UserKind.STAFF


def is_administrator(actor: User) -> bool:
    """An active superuser, or an active staff member holding the administrator role."""
    if not actor.is_active:
        return False
    if actor.is_superuser:
        return True
    return _is_active_staff(actor) and actor.has_role(Role.ADMINISTRATOR)


def administers_agency(actor: User, agency_id: int | None) -> bool:
    """True for a superuser, or an administrator who belongs to agency `agency_id`."""
    if not is_administrator(actor):
        return False
    if actor.is_superuser:
        return True
    return agency_id is not None and actor.agency_id == agency_id


def require_administrator(actor: User | None) -> None:
    """Refuse anyone but a superuser or a holder of the administrator role."""
    if actor is None or not actor.is_authenticated or not is_administrator(actor):
        raise PermissionDenied(
            _("Chỉ quản trị hệ thống được thực hiện thao tác này."), code="administrator_required"
        )


def require_agency_administrator(actor: User | None, agency_id: int | None) -> None:
    """Refuse anyone but a superuser or an administrator of agency `agency_id`.

    `actor=None` is the system itself (demo loader, management commands) and passes.
    """
    if actor is None:
        return
    if not administers_agency(actor, agency_id):
        raise PermissionDenied(
            _("Chỉ quản trị hệ thống của cơ quan được thực hiện thao tác này."),
            code="administrator_required",
        )


def _user_not_found(user_id: object) -> NotFound:
    return NotFound(
        _("Không tìm thấy người dùng."), code="user_not_found", details={"id": str(user_id)}
    )


def access_user_by_id(*, actor: User, user_id: int) -> User:
    """Return user `user_id` if `actor` may see it: themself, or as their agency's administrator.

    A superuser sees everyone; anything else looks as if the user did not exist.
    """
    user = (
        User.objects.select_related("agency", "unit", "position")
        .prefetch_related("role_grants")
        .filter(pk=user_id)
        .first()
    )
    if user is None:
        raise _user_not_found(user_id)
    if user.pk == actor.pk:
        return user
    if actor.is_superuser and actor.is_active:
        return user
    if user.agency_id is not None and administers_agency(actor, user.agency_id):
        return user
    raise _user_not_found(user_id)


def access_colleague_by_id(*, actor: User, user_id: int) -> User:
    """Return staff member `user_id` of `actor`'s own agency (any agency for a superuser)."""
    user = User.objects.select_related("agency").filter(pk=user_id, kind=UserKind.STAFF).first()
    if user is None:
        raise _user_not_found(user_id)
    if actor.is_superuser and actor.is_active:
        return user
    if not _is_active_staff(actor) or actor.agency_id is None:
        raise _user_not_found(user_id)
    if user.agency_id != actor.agency_id:
        raise _user_not_found(user_id)
    return user


def access_delegation_by_id(*, actor: User, delegation_id: int) -> Delegation:
    """Return the delegation if `actor` is its delegator or delegate, or administers its agency."""
    delegation = (
        Delegation.objects.select_related("delegator", "delegate").filter(pk=delegation_id).first()
    )
    not_found = NotFound(
        _("Không tìm thấy ủy quyền."),
        code="delegation_not_found",
        details={"id": str(delegation_id)},
    )
    if delegation is None:
        raise not_found
    if actor.pk in (delegation.delegator_id, delegation.delegate_id):
        return delegation
    if administers_agency(actor, delegation.delegator.agency_id):
        return delegation
    raise not_found


def delegation_visibility_filter(actor: User) -> Q:
    """The delegations `actor` may list: their own either side, or all of the agency they run."""
    if actor.is_superuser and actor.is_active:
        return Q()
    mine = Q(delegator_id=actor.pk) | Q(delegate_id=actor.pk)
    if actor.agency_id is not None and administers_agency(actor, actor.agency_id):
        return mine | Q(delegator__agency_id=actor.agency_id)
    return mine
