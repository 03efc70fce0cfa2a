"""Reads over users, roles and delegations."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from congso.accounts.access import administers_agency, delegation_visibility_filter
from congso.accounts.constants import NON_DELEGABLE_ROLES, Role, UserKind
from congso.accounts.models import Delegation, User, UserRole


def _users_with_details() -> QuerySet[User]:
    return User.objects.select_related("agency", "unit", "position").prefetch_related("role_grants")


def user_list_for_agency(agency_id: int | None, role: str | None = None) -> QuerySet[User]:
    """Staff of agency `agency_id` (all staff when None), optionally only holders of `role`."""
    users = _users_with_details().filter(kind=UserKind.STAFF)
    if agency_id is not None:
        users = users.filter(agency_id=agency_id)
    if role:
        users = users.filter(role_grants__role=role)
    return users.order_by("-pk")


def user_list_visible_to(*, actor: User, role: str | None = None) -> QuerySet[User]:
    """Staff an administrator may list: their own agency's; every agency's for a superuser."""
    if actor.is_superuser and actor.is_active:
        return user_list_for_agency(None, role=role)
    if actor.agency_id is None or not administers_agency(actor, actor.agency_id):
        return User.objects.none()
    return user_list_for_agency(actor.agency_id, role=role)


def user_roles_of(user: User) -> list[str]:
    """The user's own roles, sorted; uses a prefetched `role_grants` when there is one."""
    roles = {grant.role for grant in user.role_grants.all()}
    if user.is_superuser:
        roles.add(Role.ADMINISTRATOR)
    return sorted(roles)


def _active_on(on: date) -> Q:
    return Q(
        revoked_at__isnull=True,
        starts_on__lte=on,
        ends_on__gte=on,
        delegator__is_active=True,
        delegate__is_active=True,
    )


def delegations_active_on(*, user: User, on: date) -> QuerySet[Delegation]:
    """Delegations `user` holds (as delegate) on day `on`: started, not ended, not revoked."""
    return (
        Delegation.objects.filter(_active_on(on), delegate=user)
        .select_related("delegator", "delegator__position", "delegator__agency")
        .order_by("starts_on", "pk")
    )


def users_acting_for(*, user: User, on: date) -> list[User]:
    """Whose authority `user` holds on day `on`: `user` first, then each active delegator.

    Not transitive: a delegate may not delegate onwards (Nghị định 30/2020/NĐ-CP, Điều 13
    khoản 3), so only the delegator's own authority passes.
    """
    acting = [user]
    for delegation in delegations_active_on(user=user, on=on):
        if delegation.delegator not in acting:
            acting.append(delegation.delegator)
    return acting


def user_effective_roles(*, user: User, on: date) -> frozenset[str]:
    """The user's own roles plus the own roles of everyone who delegated to them on day `on`.

    The administrator role is never passed on by a delegation (`NON_DELEGABLE_ROLES`).
    """
    own = frozenset(role for role in Role.values if user.has_role(role))
    if not user.pk:
        return own
    delegated = (
        UserRole.objects.filter(
            user__in=Delegation.objects.filter(_active_on(on), delegate=user).values("delegator_id")
        )
        .exclude(role__in=NON_DELEGABLE_ROLES)
        .values_list("role", flat=True)
    )
    return own | frozenset(delegated)


def delegation_list_visible_to(
    *, actor: User, active_on: date | None = None
) -> QuerySet[Delegation]:
    """Delegations `actor` may see (their own either side; all of their agency for an admin)."""
    delegations = Delegation.objects.filter(delegation_visibility_filter(actor)).select_related(
        "delegator", "delegate"
    )
    if active_on is not None:
        delegations = delegations.filter(
            revoked_at__isnull=True, starts_on__lte=active_on, ends_on__gte=active_on
        )
    return delegations.order_by("-pk")
