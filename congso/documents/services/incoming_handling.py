"""Handling an assigned incoming document: start, opinions and progress, completion, return.

The person assigned (or the head of the unit assigned) acts on their assignment; the lead's
completion closes the document (Nghị định 30/2020/NĐ-CP, Điều 24: giải quyết, theo dõi, đôn đốc;
QCVN 102:2016 status codes 05 "đang xử lý" and 06 "hoàn thành").
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.audit.services import audit_record
from congso.core.errors import PermissionDenied, ValidationFailed
from congso.documents import hooks
from congso.documents.access import distribution_authority, holds_assignment
from congso.documents.constants import (
    AssignmentRole,
    AssignmentStatus,
    Direction,
    HandlingNoteKind,
    IncomingStatus,
)
from congso.documents.errors import DocumentNotFound, InvalidTransition
from congso.documents.models import Assignment, HandlingNote, IncomingDocument
from congso.documents.services.distribution import (
    ACTIVE,
    MAX_NOTE,
    lock_assignment,
    require_active,
)
from congso.documents.services.incoming_common import IncomingAction
from congso.documents.services.search_index import search_entry_schedule

OPEN = (IncomingStatus.ASSIGNED, IncomingStatus.IN_PROGRESS)
NOTE_KINDS = (HandlingNoteKind.OPINION, HandlingNoteKind.PROGRESS, HandlingNoteKind.DIRECTION)


def _require_holder(actor: Any, assignment: Assignment) -> None:
    if not holds_assignment(actor, assignment):
        raise PermissionDenied(
            _("Chỉ người (đơn vị) được giao mới thực hiện được thao tác này."),
            code="not_assignee",
        )


def _require_open(document: IncomingDocument) -> None:
    if document.status not in OPEN:
        raise InvalidTransition(
            _("Văn bản không còn trong quá trình xử lý (%(status)s).")
            % {"status": document.get_status_display()}
        )


def _clean_text(text: str, *, required: bool, field: str = "text") -> str:
    text = (text or "").strip()
    if required and not text:
        raise ValidationFailed(_("Nhập nội dung."), code="text_required", field=field)
    if len(text) > MAX_NOTE:
        raise ValidationFailed(
            _("Nội dung tối đa %(max)d ký tự.") % {"max": MAX_NOTE},
            code="text_too_long",
            field=field,
        )
    return text


def _locked_document(document_id: int) -> IncomingDocument:
    return IncomingDocument.objects.select_for_update().get(pk=document_id)


@transaction.atomic
def assignment_start(*, actor: Any, assignment: Assignment) -> Assignment:
    """The holder starts work: pending → in progress; the document follows (code 05) unless the
    assignment is only for information."""
    current = lock_assignment(assignment)
    _require_holder(actor, current)
    if current.status != AssignmentStatus.PENDING:
        raise InvalidTransition(_("Chỉ bắt đầu được phân công đang chờ xử lý."))
    document = _locked_document(current.document_id)
    _require_open(document)
    current.status = AssignmentStatus.IN_PROGRESS
    current.save(update_fields=["status", "updated_at"])
    if current.role != AssignmentRole.INFORM and document.status == IncomingStatus.ASSIGNED:
        document.status = IncomingStatus.IN_PROGRESS
        document.save(update_fields=["status", "updated_at"])
        hooks.incoming_state_changed(document.pk, document.status)
        search_entry_schedule(direction=Direction.INCOMING, document_id=document.pk)
    audit_record(
        actor=actor,
        action=IncomingAction.STARTED,
        target=document,
        agency_id=document.agency_id,
        data={"assignment_id": current.pk},
    )
    return current


@transaction.atomic
def handling_note_add(
    *,
    actor: Any,
    document: IncomingDocument,
    text: str,
    kind: str = HandlingNoteKind.OPINION,
    assignment: Assignment | None = None,
    progress_percent: int | None = None,
) -> HandlingNote:
    """Record an opinion (ý kiến), a progress report (tiến độ) or a leader's direction.

    Progress belongs to an open assignment of the author; a direction to whoever may distribute;
    an opinion to any reader of the document while it is being handled.
    """
    if actor.agency_id != document.agency_id:
        raise DocumentNotFound(document.pk)
    if kind not in NOTE_KINDS:
        raise ValidationFailed(_("Loại ý kiến không hợp lệ."), code="invalid_kind", field="kind")
    text = _clean_text(text, required=True)
    if progress_percent is not None and not 0 <= progress_percent <= 100:
        raise ValidationFailed(
            _("Tiến độ phải từ 0 đến 100%."), code="invalid_progress", field="progress_percent"
        )
    current = _locked_document(document.pk)
    _require_open(current)
    if assignment is not None:
        assignment = lock_assignment(assignment)
        if assignment.document_id != current.pk:
            raise DocumentNotFound(document.pk)
        _require_holder(actor, assignment)
        require_active(assignment)
    if kind == HandlingNoteKind.PROGRESS and assignment is None:
        raise ValidationFailed(
            _("Tiến độ phải gắn với phần việc được giao."),
            code="assignment_required",
            field="assignment",
        )
    if kind == HandlingNoteKind.DIRECTION and distribution_authority(actor) is None:
        raise PermissionDenied(
            _("Chỉ lãnh đạo (hoặc người được ủy quyền) ghi ý kiến chỉ đạo."),
            code="distribution_not_allowed",
        )
    note = HandlingNote(
        document=current,
        assignment=assignment,
        author=actor,
        kind=kind,
        text=text,
        progress_percent=progress_percent if kind == HandlingNoteKind.PROGRESS else None,
    )
    note.full_clean()
    note.save()
    audit_record(
        actor=actor,
        action=IncomingAction.NOTE_ADDED,
        target=current,
        agency_id=current.agency_id,
        data={
            "note_id": note.pk,
            "kind": kind,
            "assignment_id": assignment.pk if assignment else None,
            "progress_percent": note.progress_percent,
        },
    )
    return note


def _lead_chain(assignment: Assignment) -> list[Assignment]:
    """The assignment and, for a lead share, the open lead shares above it."""
    chain = [assignment]
    parent = assignment.parent
    while (
        assignment.role == AssignmentRole.LEAD
        and parent is not None
        and parent.role == AssignmentRole.LEAD
        and parent.status in ACTIVE
    ):
        chain.append(parent)
        parent = parent.parent
    return chain


@transaction.atomic
def assignment_complete(*, actor: Any, assignment: Assignment, note: str = "") -> Assignment:
    """The holder finishes their share (with an optional result note).

    A lead share finishing also finishes the lead shares it was given from; when the top-level
    lead is done the document is done (status "done", completed_at; QCVN 102 code 06).
    """
    current = lock_assignment(assignment)
    _require_holder(actor, current)
    require_active(current)
    document = _locked_document(current.document_id)
    _require_open(document)
    text = _clean_text(note, required=False, field="note")
    now = timezone.now()
    chain = _lead_chain(current)
    for item in chain:
        item.status = AssignmentStatus.DONE
        item.completed_at = now
        item.save(update_fields=["status", "completed_at", "updated_at"])
    if text:
        HandlingNote.objects.create(
            document=document,
            assignment=current,
            author=actor,
            kind=HandlingNoteKind.COMPLETION,
            text=text,
        )
    closes = chain[-1].parent_id is None and chain[-1].role == AssignmentRole.LEAD
    if closes:
        document.status = IncomingStatus.DONE
        document.completed_at = now
        document.save(update_fields=["status", "completed_at", "updated_at"])
        hooks.incoming_state_changed(document.pk, document.status)
        search_entry_schedule(direction=Direction.INCOMING, document_id=document.pk)
    audit_record(
        actor=actor,
        action=IncomingAction.COMPLETED,
        target=document,
        agency_id=document.agency_id,
        data={"assignment_ids": [item.pk for item in chain], "document_done": closes},
    )
    return current


@transaction.atomic
def assignment_return(*, actor: Any, assignment: Assignment, reason: str) -> Assignment:
    """The holder hands their share back with a reason: to the unit head for a sub-assignment,
    to the leader otherwise. A returned top-level lead puts the document back in the leader's
    inbox (status "accepted") for a new distribution."""
    current = lock_assignment(assignment)
    _require_holder(actor, current)
    require_active(current)
    reason = _clean_text(reason, required=True, field="reason")
    document = _locked_document(current.document_id)
    _require_open(document)
    current.status = AssignmentStatus.RETURNED
    current.save(update_fields=["status", "updated_at"])
    HandlingNote.objects.create(
        document=document,
        assignment=current,
        author=actor,
        kind=HandlingNoteKind.RETURN,
        text=reason,
    )
    back_to_inbox = current.parent_id is None and current.role == AssignmentRole.LEAD
    if back_to_inbox:
        document.status = IncomingStatus.ACCEPTED
        document.save(update_fields=["status", "updated_at"])
        hooks.incoming_state_changed(document.pk, document.status)
        search_entry_schedule(direction=Direction.INCOMING, document_id=document.pk)
    audit_record(
        actor=actor,
        action=IncomingAction.ASSIGNMENT_RETURNED,
        target=document,
        agency_id=document.agency_id,
        data={"assignment_id": current.pk, "reason": reason, "back_to_inbox": back_to_inbox},
    )
    return current
