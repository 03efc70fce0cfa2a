"""Distribution of incoming documents (phân phối, giao xử lý): who handles what, by when.

The leader names, for a registered document, exactly one lead handler (xử lý chính), any number
of co-handlers (phối hợp) and readers for information (để biết), each a unit (phòng, ban) or a
person of the agency, with a direction note (ý kiến chỉ đạo) and a deadline counted in working
days (Nghị định 30/2020/NĐ-CP, Điều 23 khoản 1 và 4; Phụ lục IV, phiếu giải quyết văn bản đến).
A unit head passes the unit's share to people of the unit (sub-assignment). Someone holding a
leader's delegation (ủy quyền) distributes on the leader's behalf, recorded in `on_behalf_of`.
Handling itself (start, notes, completion, return) is in `incoming_handling`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from congso.audit.services import audit_record
from congso.core.errors import PermissionDenied, ValidationFailed
from congso.documents import hooks
from congso.documents.access import (
    DistributionAuthority,
    distribution_authority,
    holds_assignment,
    is_unit_head,
)
from congso.documents.constants import (
    AssignmentRole,
    AssignmentStatus,
    Direction,
    HandlingNoteKind,
    IncomingStatus,
)
from congso.documents.errors import DocumentNotFound, InvalidTransition
from congso.documents.models import Assignment, HandlingNote, IncomingDocument
from congso.documents.services.incoming_common import IncomingAction, local_today
from congso.documents.services.search_index import search_entry_schedule
from congso.documents.services.secrets import secret_grants_ensure
from congso.organizations.constants import AgencyKind
from congso.workdays.calendar import add_working_days, is_working_day

ACTIVE = (AssignmentStatus.PENDING, AssignmentStatus.IN_PROGRESS)
DISTRIBUTABLE = (IncomingStatus.ACCEPTED, IncomingStatus.ASSIGNED, IncomingStatus.IN_PROGRESS)
MAX_DAYS = 365
MAX_NOTE = 5000


@dataclass(frozen=True)
class AssignmentEntry:
    """One line of the distribution: a unit or a person, a role, and optionally its own deadline."""

    role: str
    unit: Any = None
    assignee: Any = None
    days: int | None = None
    due_on: date | None = None


def deadline_from(*, days: int | None, due_on: date | None, today: date) -> date | None:
    """A deadline given as working days from today, or as a date that must be a working day
    after today. None when neither is given."""
    if days is not None and due_on is not None:
        raise ValidationFailed(
            _("Chỉ nhập số ngày làm việc hoặc ngày hạn, không nhập cả hai."),
            code="deadline_ambiguous",
            field="days",
        )
    if days is not None:
        if not 1 <= days <= MAX_DAYS:
            raise ValidationFailed(
                _("Số ngày làm việc phải từ 1 đến %(max)d.") % {"max": MAX_DAYS},
                code="invalid_days",
                field="days",
            )
        return add_working_days(today, days, cutoff=None)
    if due_on is None:
        return None
    if due_on <= today:
        raise ValidationFailed(
            _("Hạn xử lý phải sau ngày hôm nay."), code="deadline_in_past", field="due_on"
        )
    if not is_working_day(due_on):
        raise ValidationFailed(
            _("Hạn xử lý phải là ngày làm việc."), code="deadline_not_working_day", field="due_on"
        )
    return due_on


def _require_authority(actor: Any, document: IncomingDocument) -> DistributionAuthority:
    if actor.agency_id != document.agency_id:
        raise DocumentNotFound(document.pk)
    authority = distribution_authority(actor)
    if authority is None:
        raise PermissionDenied(
            _("Chỉ lãnh đạo cơ quan hoặc người được lãnh đạo ủy quyền được phân công xử lý."),
            code="distribution_not_allowed",
        )
    return authority


def check_target(document: IncomingDocument, *, unit: Any, assignee: Any) -> None:
    """A unit of the document's agency or an active staff member of it: exactly one of them."""
    if (unit is None) == (assignee is None):
        raise ValidationFailed(
            _("Mỗi dòng phân công chọn một đơn vị hoặc một người."), code="invalid_target"
        )
    if unit is not None and not (
        unit.kind == AgencyKind.INTERNAL_UNIT
        and unit.parent_id == document.agency_id
        and unit.is_active
    ):
        raise ValidationFailed(
            _("Đơn vị được giao phải là phòng, ban của cơ quan."),
            code="invalid_unit",
            field="unit",
        )
    if assignee is not None and not (
        getattr(assignee, "kind", "") == "staff"
        and assignee.agency_id == document.agency_id
        and assignee.is_active
    ):
        raise ValidationFailed(
            _("Người được giao phải là cán bộ của cơ quan."),
            code="invalid_assignee",
            field="assignee",
        )


def _target_key(unit: Any, assignee: Any) -> tuple[str, int]:
    return ("user", assignee.pk) if assignee is not None else ("unit", unit.pk)


def responsible_people(assignment: Assignment) -> list[Any]:
    """Who answers for an assignment: its person, or the heads of its unit."""
    if assignment.assignee is not None:
        return [assignment.assignee]
    from django.contrib.auth import get_user_model

    staff = (
        get_user_model()
        .objects.filter(unit_id=assignment.unit_id, is_active=True, kind="staff")
        .select_related("position")
    )
    return [person for person in staff if is_unit_head(person, assignment.unit_id)]


def _active_top(document: IncomingDocument) -> list[Assignment]:
    return list(
        Assignment.objects.filter(document=document, parent__isnull=True, status__in=ACTIVE)
    )


def _locked(document: IncomingDocument) -> IncomingDocument:
    return IncomingDocument.objects.select_for_update().get(pk=document.pk)


def _check_leads(entries: Sequence[AssignmentEntry], existing: list[Assignment]) -> None:
    leads = sum(1 for entry in entries if entry.role == AssignmentRole.LEAD)
    has_lead = any(item.role == AssignmentRole.LEAD for item in existing)
    if has_lead and leads:
        raise ValidationFailed(
            _("Văn bản đã có đơn vị, người xử lý chính."), code="lead_exists", field="role"
        )
    if not has_lead and leads != 1:
        raise ValidationFailed(
            _("Chọn đúng một đơn vị hoặc người xử lý chính."),
            code="one_lead_required",
            field="role",
        )


def _note(document: IncomingDocument, actor: Any, kind: str, text: str, **extra: Any) -> None:
    text = (text or "").strip()
    if not text:
        return
    if len(text) > MAX_NOTE:
        raise ValidationFailed(
            _("Nội dung tối đa %(max)d ký tự.") % {"max": MAX_NOTE},
            code="note_too_long",
            field="note",
        )
    HandlingNote.objects.create(document=document, author=actor, kind=kind, text=text, **extra)


def _name(assignment: Assignment) -> str:
    if assignment.assignee is not None:
        return str(assignment.assignee.display_name)
    return assignment.unit.name if assignment.unit is not None else ""


def _names(assignments: Sequence[Assignment]) -> str:
    return "; ".join(_name(item) for item in assignments)[:1000]


@transaction.atomic
def incoming_document_assign(
    *,
    actor: Any,
    document: IncomingDocument,
    entries: Sequence[AssignmentEntry],
    direction_note: str = "",
    days: int | None = None,
    due_on: date | None = None,
) -> list[Assignment]:
    """Distribute a registered document; `days`/`due_on` is the deadline of lines without one.

    The first distribution names exactly one lead; later ones add co-handlers or readers only.
    The document's deadline (DueDate) is the lead's; its status becomes "assigned" (QCVN 102
    code 04). Readers for information get no deadline. On a secret document every person named
    (or the heads of each unit named) receives a read grant.
    """
    authority = _require_authority(actor, document)
    current = _locked(document)
    if current.status not in DISTRIBUTABLE:
        raise InvalidTransition(
            _("Không thể phân công văn bản ở trạng thái %(status)s.")
            % {"status": current.get_status_display()}
        )
    if not entries:
        raise ValidationFailed(_("Chọn ít nhất một đơn vị hoặc người."), code="no_assignees")
    existing = _active_top(current)
    _check_leads(entries, existing)
    today = local_today()
    default_due = deadline_from(days=days, due_on=due_on, today=today)
    seen = {_target_key(item.unit, item.assignee) for item in existing}
    created: list[Assignment] = []
    for entry in entries:
        if entry.role not in AssignmentRole.values:
            raise ValidationFailed(_("Vai trò không hợp lệ."), code="invalid_role", field="role")
        check_target(current, unit=entry.unit, assignee=entry.assignee)
        key = _target_key(entry.unit, entry.assignee)
        if key in seen:
            raise ValidationFailed(
                _("Một đơn vị hoặc người chỉ được giao một lần."), code="duplicate_target"
            )
        seen.add(key)
        own_due = deadline_from(days=entry.days, due_on=entry.due_on, today=today)
        assignment = Assignment(
            document=current,
            role=entry.role,
            unit=entry.unit,
            assignee=entry.assignee,
            direction_note=(direction_note or "").strip(),
            due_on=None if entry.role == AssignmentRole.INFORM else (own_due or default_due),
            assigned_by=actor,
            on_behalf_of=authority.on_behalf_of,
        )
        assignment.full_clean()
        created.append(assignment)
    Assignment.objects.bulk_create(created)
    _note(current, actor, HandlingNoteKind.DIRECTION, direction_note)
    fields = ["status", "to_places", "updated_at"]
    lead = next((item for item in created if item.role == AssignmentRole.LEAD), None)
    if lead is not None:
        current.due_on = lead.due_on
        fields.append("due_on")
    if current.status == IncomingStatus.ACCEPTED:
        current.status = IncomingStatus.ASSIGNED
        hooks.incoming_state_changed(current.pk, current.status)
    current.to_places = _names([*existing, *created])
    current.save(update_fields=fields)
    people = [person for item in created for person in responsible_people(item)]
    granted = secret_grants_ensure(document=current, users=people, granted_by=actor)
    audit_record(
        actor=actor,
        action=IncomingAction.ASSIGNED,
        target=current,
        agency_id=current.agency_id,
        data={
            "assignments": [
                {
                    "id": item.pk,
                    "role": item.role,
                    "unit_id": item.unit_id,
                    "assignee_id": item.assignee_id,
                    "due_on": item.due_on.isoformat() if item.due_on else None,
                }
                for item in created
            ],
            "on_behalf_of": authority.on_behalf_of.pk if authority.on_behalf_of else None,
            "secret_grants": granted,
        },
    )
    search_entry_schedule(direction=Direction.INCOMING, document_id=current.pk)
    return created


def require_active(assignment: Assignment) -> None:
    if assignment.status not in ACTIVE:
        raise InvalidTransition(
            _("Phân công này đã kết thúc (%(status)s).")
            % {"status": assignment.get_status_display()}
        )


def lock_assignment(assignment: Assignment) -> Assignment:
    return (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("document", "assignee", "unit", "parent")
        .get(pk=assignment.pk)
    )


def _unit_headed_for(actor: Any, parent: Assignment) -> int:
    """The unit whose people `actor` may give `parent`'s work to, or PermissionDenied."""
    unit_id = parent.unit_id if parent.assignee_id is None else actor.unit_id
    if unit_id is not None and holds_assignment(actor, parent) and is_unit_head(actor, unit_id):
        return int(unit_id)
    raise PermissionDenied(
        _("Chỉ trưởng đơn vị được giao mới được giao tiếp trong đơn vị."),
        code="sub_assign_not_allowed",
    )


@transaction.atomic
def assignment_sub_assign(
    *,
    actor: Any,
    assignment: Assignment,
    assignee: Any,
    role: str | None = None,
    days: int | None = None,
    due_on: date | None = None,
    note: str = "",
) -> Assignment:
    """A unit head gives their unit's share to a person of the unit (Phụ lục IV, phiếu giải quyết:
    "ý kiến lãnh đạo đơn vị — giao cá nhân, thời hạn"). The deadline defaults to the unit's and
    may not be later; a lead share goes to at most one person as lead."""
    parent = lock_assignment(assignment)
    require_active(parent)
    unit_id = _unit_headed_for(actor, parent)
    document = parent.document
    if document.status not in (IncomingStatus.ASSIGNED, IncomingStatus.IN_PROGRESS):
        raise InvalidTransition(_("Văn bản không còn trong quá trình xử lý."))
    check_target(document, unit=None, assignee=assignee)
    if assignee.unit_id != unit_id or assignee.pk == actor.pk:
        raise ValidationFailed(
            _("Chỉ giao cho cán bộ khác trong đơn vị."), code="outside_unit", field="assignee"
        )
    role = role or parent.role
    if role not in AssignmentRole.values:
        raise ValidationFailed(_("Vai trò không hợp lệ."), code="invalid_role", field="role")
    children = parent.children.filter(status__in=ACTIVE)
    if role == AssignmentRole.LEAD and (
        parent.role != AssignmentRole.LEAD or children.filter(role=AssignmentRole.LEAD).exists()
    ):
        raise ValidationFailed(
            _("Phần việc này đã có người xử lý chính hoặc không phải phần xử lý chính."),
            code="lead_exists",
            field="role",
        )
    if children.filter(assignee=assignee).exists():
        raise ValidationFailed(
            _("Người này đã được giao phần việc này."), code="duplicate_target", field="assignee"
        )
    child_due = deadline_from(days=days, due_on=due_on, today=local_today()) or parent.due_on
    if parent.due_on and child_due and child_due > parent.due_on:
        raise ValidationFailed(
            _("Hạn giao tiếp không được sau hạn của đơn vị."), code="deadline_after_parent"
        )
    child = Assignment(
        document=document,
        parent=parent,
        role=role,
        assignee=assignee,
        direction_note=(note or "").strip(),
        due_on=None if role == AssignmentRole.INFORM else child_due,
        assigned_by=actor,
    )
    child.full_clean()
    child.save()
    _note(document, actor, HandlingNoteKind.DIRECTION, note, assignment=child)
    granted = secret_grants_ensure(document=document, users=[assignee], granted_by=actor)
    audit_record(
        actor=actor,
        action=IncomingAction.SUB_ASSIGNED,
        target=document,
        agency_id=document.agency_id,
        data={
            "assignment_id": child.pk,
            "parent_id": parent.pk,
            "assignee_id": assignee.pk,
            "role": role,
            "due_on": child.due_on.isoformat() if child.due_on else None,
            "secret_grants": granted,
        },
    )
    return child


def _may_reassign(actor: Any, assignment: Assignment) -> tuple[Any | None, int | None]:
    """(on-behalf-of leader, unit the new person must belong to) if `actor` may move this
    assignment; PermissionDenied otherwise."""
    parent = assignment.parent
    if parent is None:
        return _require_authority(actor, assignment.document).on_behalf_of, None
    return None, _unit_headed_for(actor, parent)


@transaction.atomic
def assignment_reassign(
    *,
    actor: Any,
    assignment: Assignment,
    unit: Any = None,
    assignee: Any = None,
    note: str = "",
    days: int | None = None,
    due_on: date | None = None,
) -> Assignment:
    """Move an open assignment to another unit or person: the old one ends as "reassigned",
    a new one takes its role, place in the tree and deadline (unless a new one is given).
    Top-level assignments are the leader's to move; sub-assignments the unit head's."""
    current = lock_assignment(assignment)
    require_active(current)
    on_behalf_of, within_unit = _may_reassign(actor, current)
    document = _locked(current.document)
    check_target(document, unit=unit, assignee=assignee)
    if within_unit is not None and (assignee is None or assignee.unit_id != within_unit):
        raise ValidationFailed(
            _("Chỉ giao cho cán bộ khác trong đơn vị."), code="outside_unit", field="assignee"
        )
    if _target_key(unit, assignee) == _target_key(current.unit, current.assignee):
        raise ValidationFailed(
            _("Chọn đơn vị hoặc người khác với người đang xử lý."), code="same_target"
        )
    new_due = deadline_from(days=days, due_on=due_on, today=local_today()) or current.due_on
    current.status = AssignmentStatus.REASSIGNED
    current.save(update_fields=["status", "updated_at"])
    replacement = Assignment(
        document=document,
        parent=current.parent,
        role=current.role,
        unit=unit,
        assignee=assignee,
        direction_note=(note or "").strip() or current.direction_note,
        due_on=new_due,
        assigned_by=actor,
        on_behalf_of=on_behalf_of,
    )
    replacement.full_clean()
    replacement.save()
    _note(document, actor, HandlingNoteKind.DIRECTION, note, assignment=replacement)
    if current.parent_id is None:
        fields = ["to_places", "updated_at"]
        if current.role == AssignmentRole.LEAD:
            document.due_on = new_due
            fields.append("due_on")
        document.to_places = _names(_active_top(document))
        document.save(update_fields=fields)
    granted = secret_grants_ensure(
        document=document, users=responsible_people(replacement), granted_by=actor
    )
    audit_record(
        actor=actor,
        action=IncomingAction.REASSIGNED,
        target=document,
        agency_id=document.agency_id,
        data={
            "from_assignment_id": current.pk,
            "assignment_id": replacement.pk,
            "unit_id": replacement.unit_id,
            "assignee_id": replacement.assignee_id,
            "on_behalf_of": on_behalf_of.pk if on_behalf_of else None,
            "secret_grants": granted,
        },
    )
    return replacement
