"""Delegation of authority (ủy quyền) between staff of one agency, for a limited period."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.accounts.access import administers_agency
from congso.accounts.constants import UserKind
from congso.accounts.models import Delegation, User
from congso.audit.constants import AuditAction
from congso.audit.services import audit_record
from congso.core.errors import Conflict, PermissionDenied, ValidationFailed


def _may_manage(actor: User | None, delegator: User) -> bool:
    if actor is None:
        return True
    if actor.pk == delegator.pk and actor.is_active:
        return True
    return administers_agency(actor, delegator.agency_id)


def delegation_grant_check(
    *,
    actor: User | None,
    delegator: User,
    delegate: User,
    starts_on: date,
    ends_on: date,
) -> None:
    """Raise the error `delegation_grant` would raise for these arguments; write nothing.

    Ủy quyền is given in writing, for a limited time and content, and the person who receives it
    may not pass it on (Nghị định 30/2020/NĐ-CP, Điều 13 khoản 3): both are active staff of the
    same agency, the period is ordered and not already over, and the delegator may not already
    have an overlapping, unrevoked delegation to the same person. Granted by the delegator
    themself or by an administrator of their agency.
    """
    if not _may_manage(actor, delegator):
        raise PermissionDenied(
            _("Chỉ người ủy quyền hoặc quản trị hệ thống của cơ quan được giao ủy quyền."),
            code="delegation_forbidden",
        )
    if delegator.pk == delegate.pk:
        raise ValidationFailed(
            _("Không thể ủy quyền cho chính mình."), code="delegation_to_self", field="delegate"
        )
    for person, field in ((delegator, "delegator"), (delegate, "delegate")):
        if person.kind != UserKind.STAFF or person.agency_id is None or not person.is_active:
            raise ValidationFailed(
                _("Người ủy quyền và người được ủy quyền phải là cán bộ đang công tác."),
                code="delegation_staff_only",
                field=field,
            )
    if delegator.agency_id != delegate.agency_id:
        raise ValidationFailed(
            _("Chỉ được ủy quyền cho cán bộ cùng cơ quan."),
            code="delegation_other_agency",
            field="delegate",
        )
    if ends_on < starts_on:
        raise ValidationFailed(
            _("Ngày kết thúc ủy quyền không được trước ngày bắt đầu."),
            code="delegation_period_invalid",
            field="ends_on",
        )
    if ends_on < timezone.localdate():
        raise ValidationFailed(
            _("Thời hạn ủy quyền đã qua."), code="delegation_in_past", field="ends_on"
        )
    overlapping = Delegation.objects.filter(
        delegator=delegator,
        delegate=delegate,
        revoked_at__isnull=True,
        starts_on__lte=ends_on,
        ends_on__gte=starts_on,
    ).first()
    if overlapping is not None:
        raise Conflict(
            _("Đã có ủy quyền còn hiệu lực cho người này trong khoảng %(start)s – %(end)s.")
            % {
                "start": overlapping.starts_on.strftime("%d/%m/%Y"),
                "end": overlapping.ends_on.strftime("%d/%m/%Y"),
            },
            code="delegation_overlaps",
            details={"delegation_id": overlapping.pk},
        )


@transaction.atomic
def delegation_grant(
    *,
    actor: User | None,
    delegator: User,
    delegate: User,
    starts_on: date,
    ends_on: date,
    scope: str = "",
) -> Delegation:
    """Let `delegate` act with `delegator`'s authority from `starts_on` to `ends_on` inclusive.

    The rules are those of `delegation_grant_check` (Nghị định 30/2020/NĐ-CP, Điều 13 khoản 3).
    """
    # Serialise grants by the same delegator so two overlapping requests cannot both pass.
    User.objects.select_for_update().filter(pk=delegator.pk).first()
    delegation_grant_check(
        actor=actor, delegator=delegator, delegate=delegate, starts_on=starts_on, ends_on=ends_on
    )
    delegation = Delegation(
        delegator=delegator,
        delegate=delegate,
        starts_on=starts_on,
        ends_on=ends_on,
        scope=(scope or "").strip(),
    )
    delegation.full_clean()
    delegation.save()
    audit_record(
        actor=actor,
        action=AuditAction.DELEGATION_GRANTED,
        target=delegation,
        agency_id=delegator.agency_id,
        data={
            "delegator_id": delegator.pk,
            "delegate_id": delegate.pk,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
            "scope": delegation.scope,
        },
    )
    return delegation


@transaction.atomic
def delegation_revoke(*, actor: User | None, delegation: Delegation) -> Delegation:
    """End a delegation now (thu hồi ủy quyền): by the delegator or their agency's administrator."""
    delegator = delegation.delegator
    if not _may_manage(actor, delegator):
        raise PermissionDenied(
            _("Chỉ người ủy quyền hoặc quản trị hệ thống của cơ quan được thu hồi ủy quyền."),
            code="delegation_forbidden",
        )
    row = Delegation.objects.select_for_update().get(pk=delegation.pk)
    if row.revoked_at is not None:
        raise Conflict(_("Ủy quyền này đã được thu hồi."), code="delegation_already_revoked")
    row.revoked_at = timezone.now()
    row.save(update_fields=["revoked_at", "updated_at"])
    delegation.revoked_at = row.revoked_at
    audit_record(
        actor=actor,
        action=AuditAction.DELEGATION_REVOKED,
        target=row,
        agency_id=delegator.agency_id,
        data={"revoked_at": row.revoked_at.isoformat()},
    )
    return delegation
