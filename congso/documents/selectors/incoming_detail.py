"""Reads for one incoming document: what its detail shows (files, assignments, notes), its full
history, the "ĐẾN" stamp data, and which actions the viewer may take on it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from congso.audit.models import AuditEntry
from congso.audit.selectors import audit_entry_list
from congso.documents.access import (
    can_accept_internal,
    can_grant_secret,
    distribution_authority,
    holds_assignment,
    is_unit_head,
)
from congso.documents.constants import AssignmentRole, AssignmentStatus, IncomingStatus
from congso.documents.models import (
    Assignment,
    CaseFileItem,
    HandlingNote,
    IncomingDocument,
    IncomingFile,
)
from congso.workdays.calendar import local_day

ACTIVE_ASSIGNMENT = (AssignmentStatus.PENDING, AssignmentStatus.IN_PROGRESS)
OPEN_DOCUMENT = (IncomingStatus.ASSIGNED, IncomingStatus.IN_PROGRESS)
DISTRIBUTABLE = (IncomingStatus.ACCEPTED, *OPEN_DOCUMENT)


def incoming_detail_prefetch(document: IncomingDocument) -> IncomingDocument:
    """Load what the detail shows: files, assignments (with people), notes (3 queries)."""
    prefetch_related_objects(
        [document],
        Prefetch("files", queryset=IncomingFile.objects.select_related("stored_file")),
        Prefetch(
            "assignments",
            queryset=Assignment.objects.select_related(
                "assignee", "assignee__position", "unit", "assigned_by", "on_behalf_of"
            ).order_by("pk"),
        ),
        Prefetch("notes", queryset=HandlingNote.objects.select_related("author")),
    )
    return document


def incoming_audit_entries(document: IncomingDocument) -> QuerySet[AuditEntry]:
    return audit_entry_list(
        target_type=IncomingDocument._meta.label_lower, target_id=str(document.pk)
    ).order_by("sequence")


@dataclass(frozen=True)
class HistoryEvent:
    at: datetime
    kind: str  # "audit" | "note"
    action: str
    actor: str
    text: str


def incoming_history(document: IncomingDocument) -> list[HistoryEvent]:
    """The full trail in time order: every audited transition and every handling note
    (Phụ lục VI, part I, III: keep the full processing trail). A note's own audit entry is
    shown once, as the note with its content."""
    from django.contrib.auth import get_user_model

    from congso.documents.services.incoming_common import IncomingAction

    labels = dict(IncomingAction.choices)
    entries = [
        entry
        for entry in incoming_audit_entries(document)
        if entry.action != IncomingAction.NOTE_ADDED
    ]
    actor_ids = {entry.actor_id for entry in entries if entry.actor_id}
    names = {
        user.pk: str(user.display_name)
        for user in get_user_model().objects.filter(pk__in=actor_ids)
    }
    events = [
        HistoryEvent(
            at=entry.occurred_at,
            kind="audit",
            action=entry.action,
            actor=names.get(entry.actor_id, entry.actor_label) if entry.actor_id else "Hệ thống",
            text=str(labels.get(entry.action, entry.action)),
        )
        for entry in entries
    ]
    for note in document.notes.all():
        text = f"{note.get_kind_display()}: {note.text}"
        if note.progress_percent is not None:
            text = f"{note.get_kind_display()} ({note.progress_percent}%): {note.text}"
        events.append(
            HistoryEvent(
                at=note.created_at,
                kind="note",
                action=note.kind,
                actor=str(note.author.display_name),
                text=text,
            )
        )
    return sorted(events, key=lambda event: event.at)


@dataclass(frozen=True)
class ArrivalStamp:
    """Dấu "ĐẾN" (Nghị định 30/2020/NĐ-CP, Phụ lục IV): what the clerk writes in the stamp."""

    agency_name: str
    arrival_number: int | None
    arrived_on: date
    forwarded_to: list[str]
    case_file_notation: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _assignment_target(assignment: Assignment) -> str:
    if assignment.assignee is not None:
        return str(assignment.assignee.display_name)
    return assignment.unit.name if assignment.unit else ""


def incoming_stamp(document: IncomingDocument) -> ArrivalStamp:
    """Agency, số đến, ngày đến, "chuyển" (the lead and co-handlers named by the leader) and the
    số và ký hiệu hồ sơ of the case file holding the document, if any."""
    top = (
        Assignment.objects.filter(document=document, parent__isnull=True)
        .exclude(status__in=(AssignmentStatus.REASSIGNED, AssignmentStatus.RETURNED))
        .exclude(role=AssignmentRole.INFORM)
        .select_related("assignee", "unit")
        .order_by("pk")
    )
    item = (
        CaseFileItem.objects.filter(incoming=document)
        .select_related("case_file")
        .order_by("pk")
        .first()
    )
    return ArrivalStamp(
        agency_name=document.agency.name,
        arrival_number=document.arrival_number,
        arrived_on=local_day(document.arrived_at),
        forwarded_to=[_assignment_target(assignment) for assignment in top],
        case_file_notation=item.case_file.notation if item else "",
    )


# --- What the viewer may do ------------------------------------------------------------------


@dataclass
class AllowedActions:
    """Action names for the document and for each of its assignments (by id)."""

    document: set[str] = field(default_factory=set)
    assignments: dict[int, set[str]] = field(default_factory=dict)


def _assignment_actions(user: Any, assignment: Assignment, may_distribute: bool) -> set[str]:
    if assignment.status not in ACTIVE_ASSIGNMENT:
        return set()
    actions: set[str] = set()
    if holds_assignment(user, assignment):
        actions |= {"progress", "complete", "return"}
        if assignment.status == AssignmentStatus.PENDING:
            actions.add("start")
        unit_id = assignment.unit_id if assignment.assignee_id is None else user.unit_id
        if is_unit_head(user, unit_id):
            actions.add("sub_assign")
    if assignment.parent_id is None and may_distribute:
        actions.add("reassign")
    if assignment.parent is not None and holds_assignment(user, assignment.parent):
        actions.add("reassign")
    return actions


def incoming_allowed_actions(*, user: Any, document: IncomingDocument) -> AllowedActions:
    """What `user` (who can read `document`) may do now; the services check the same rules."""
    allowed = AllowedActions()
    same_agency = user.agency_id == document.agency_id
    if document.status == IncomingStatus.RECEIVED and same_agency and can_accept_internal(user):
        allowed.document |= {"accept", "return"}
    may_distribute = same_agency and distribution_authority(user) is not None
    if document.status in DISTRIBUTABLE and may_distribute:
        allowed.document.add("assign")
    if document.status in OPEN_DOCUMENT:
        allowed.document.add("opinion")
        if may_distribute:
            allowed.document.add("direction")
        for assignment in document.assignments.all():
            actions = _assignment_actions(user, assignment, may_distribute)
            if actions:
                allowed.assignments[assignment.pk] = actions
    if document.is_secret and can_grant_secret(
        user, agency_id=document.agency_id, incoming_id=document.pk
    ):
        allowed.document.add("grant_secret")
    return allowed
