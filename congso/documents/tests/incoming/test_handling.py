"""Handling: start, notes, completion (the lead's closes the document), return."""

from __future__ import annotations

from typing import Any

import pytest

from congso.accounts.tests.factories import StaffUserFactory
from congso.audit.models import AuditEntry
from congso.core.errors import PermissionDenied, ValidationFailed
from congso.documents.constants import (
    AssignmentRole,
    AssignmentStatus,
    HandlingNoteKind,
    IncomingStatus,
)
from congso.documents.errors import DocumentNotFound, InvalidTransition
from congso.documents.services.distribution import (
    AssignmentEntry,
    assignment_sub_assign,
    incoming_document_assign,
)
from congso.documents.services.incoming_common import IncomingAction
from congso.documents.services.incoming_handling import (
    assignment_complete,
    assignment_return,
    assignment_start,
    handling_note_add,
)
from congso.documents.services.incoming_status import exchange_status_code
from congso.organizations.tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

LEAD = AssignmentRole.LEAD


@pytest.fixture
def distributed(register, leader, specialist, colleague) -> Any:
    document = register()
    lead, helper = incoming_document_assign(
        actor=leader,
        document=document,
        entries=[
            AssignmentEntry(role=LEAD, assignee=specialist),
            AssignmentEntry(role=AssignmentRole.COORDINATE, assignee=colleague),
        ],
        days=5,
    )
    document.refresh_from_db()
    return document, lead, helper


def test_starting_moves_the_assignment_and_the_document_in_progress(distributed, specialist):
    document, lead, _ = distributed
    assignment_start(actor=specialist, assignment=lead)
    lead.refresh_from_db()
    document.refresh_from_db()
    assert lead.status == AssignmentStatus.IN_PROGRESS
    assert document.status == IncomingStatus.IN_PROGRESS
    assert exchange_status_code(document) == "05"
    assert AuditEntry.objects.filter(action=IncomingAction.STARTED).count() == 1
    with pytest.raises(InvalidTransition):
        assignment_start(actor=specialist, assignment=lead)


def test_only_the_holder_starts(distributed, colleague):
    _, lead, _ = distributed
    with pytest.raises(PermissionDenied) as caught:
        assignment_start(actor=colleague, assignment=lead)
    assert caught.value.code == "not_assignee"


def test_progress_is_recorded_against_the_holders_assignment(distributed, specialist):
    document, lead, _ = distributed
    note = handling_note_add(
        actor=specialist,
        document=document,
        assignment=lead,
        kind=HandlingNoteKind.PROGRESS,
        text="Đã dự thảo báo cáo.",
        progress_percent=60,
    )
    assert (note.kind, note.progress_percent, note.assignment) == (
        HandlingNoteKind.PROGRESS,
        60,
        lead,
    )
    assert AuditEntry.objects.get(action=IncomingAction.NOTE_ADDED).data["note_id"] == note.pk


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"text": ""}, "text_required"),
        ({"text": "x" * 5001}, "text_too_long"),
        ({"kind": "completion"}, "invalid_kind"),
        ({"kind": HandlingNoteKind.PROGRESS, "with_assignment": False}, "assignment_required"),
        ({"kind": HandlingNoteKind.PROGRESS, "progress_percent": 101}, "invalid_progress"),
    ],
)
def test_bad_notes_are_refused(distributed, specialist, kwargs, code):
    document, lead, _ = distributed
    with_assignment = kwargs.pop("with_assignment", True)
    kwargs.setdefault("text", "Ý kiến")
    with pytest.raises(ValidationFailed) as caught:
        handling_note_add(
            actor=specialist,
            document=document,
            assignment=lead if with_assignment else None,
            **kwargs,
        )
    assert caught.value.code == code


def test_a_direction_note_is_for_leaders(distributed, specialist, leader):
    document, _, _ = distributed
    with pytest.raises(PermissionDenied):
        handling_note_add(
            actor=specialist, document=document, kind=HandlingNoteKind.DIRECTION, text="Chỉ đạo"
        )
    note = handling_note_add(
        actor=leader, document=document, kind=HandlingNoteKind.DIRECTION, text="Khẩn trương."
    )
    assert note.kind == HandlingNoteKind.DIRECTION


def test_progress_on_someone_elses_assignment_is_refused(distributed, colleague):
    document, lead, _ = distributed
    with pytest.raises(PermissionDenied):
        handling_note_add(
            actor=colleague,
            document=document,
            assignment=lead,
            kind=HandlingNoteKind.PROGRESS,
            text="x",
        )


def test_notes_on_another_agencys_document_are_not_found(distributed):
    document, _, _ = distributed
    stranger = StaffUserFactory.create(agency=AgencyFactory.create())
    with pytest.raises(DocumentNotFound):
        handling_note_add(actor=stranger, document=document, text="x")


def test_the_co_handlers_completion_leaves_the_document_open(distributed, colleague):
    document, _, helper = distributed
    assignment_complete(actor=colleague, assignment=helper, note="Đã góp ý.")
    helper.refresh_from_db()
    document.refresh_from_db()
    assert helper.status == AssignmentStatus.DONE
    assert helper.completed_at is not None
    assert document.status == IncomingStatus.ASSIGNED
    assert document.notes.filter(kind=HandlingNoteKind.COMPLETION).count() == 1


def test_the_leads_completion_closes_the_document(distributed, specialist):
    document, lead, _ = distributed
    assignment_complete(actor=specialist, assignment=lead)
    document.refresh_from_db()
    assert document.status == IncomingStatus.DONE
    assert document.completed_at is not None
    assert exchange_status_code(document) == "06"
    entry = AuditEntry.objects.get(action=IncomingAction.COMPLETED)
    assert entry.data == {"assignment_ids": [lead.pk], "document_done": True}
    with pytest.raises(InvalidTransition):
        assignment_complete(actor=specialist, assignment=lead)


def test_after_closing_no_more_notes_or_starts(distributed, specialist, colleague):
    document, lead, helper = distributed
    assignment_complete(actor=specialist, assignment=lead)
    with pytest.raises(InvalidTransition):
        handling_note_add(actor=colleague, document=document, text="muộn")
    with pytest.raises(InvalidTransition):
        assignment_start(actor=colleague, assignment=helper)


def test_a_member_completing_the_units_lead_share_closes_the_chain(
    register, leader, unit, unit_head, specialist
):
    # given
    document = register()
    unit_share = incoming_document_assign(
        actor=leader, document=document, entries=[AssignmentEntry(role=LEAD, unit=unit)]
    )[0]
    child = assignment_sub_assign(actor=unit_head, assignment=unit_share, assignee=specialist)
    # when
    assignment_complete(actor=specialist, assignment=child)
    # then
    unit_share.refresh_from_db()
    document.refresh_from_db()
    assert unit_share.status == AssignmentStatus.DONE
    assert document.status == IncomingStatus.DONE


def test_the_unit_head_completes_a_unit_share(register, leader, unit, unit_head):
    document = register()
    share = incoming_document_assign(
        actor=leader, document=document, entries=[AssignmentEntry(role=LEAD, unit=unit)]
    )[0]
    assignment_complete(actor=unit_head, assignment=share)
    document.refresh_from_db()
    assert document.status == IncomingStatus.DONE


def test_a_returned_lead_puts_the_document_back_in_the_leaders_inbox(distributed, specialist):
    document, lead, _ = distributed
    assignment_return(actor=specialist, assignment=lead, reason="Không thuộc lĩnh vực phòng.")
    lead.refresh_from_db()
    document.refresh_from_db()
    assert lead.status == AssignmentStatus.RETURNED
    assert document.status == IncomingStatus.ACCEPTED
    assert document.notes.get(kind=HandlingNoteKind.RETURN).text == "Không thuộc lĩnh vực phòng."
    assert AuditEntry.objects.get(action=IncomingAction.ASSIGNMENT_RETURNED).data["back_to_inbox"]


def test_a_returned_co_handler_leaves_the_document_assigned(distributed, colleague):
    document, _, helper = distributed
    assignment_return(actor=colleague, assignment=helper, reason="Đang đi công tác.")
    document.refresh_from_db()
    assert document.status == IncomingStatus.ASSIGNED


def test_a_return_needs_a_reason(distributed, specialist):
    _, lead, _ = distributed
    with pytest.raises(ValidationFailed) as caught:
        assignment_return(actor=specialist, assignment=lead, reason="  ")
    assert caught.value.code == "text_required"
