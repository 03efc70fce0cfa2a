"""Distribution: the leader assigns lead, co-handlers and readers with deadlines; unit heads
sub-assign; delegates distribute on the leader's behalf; reassignment."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from congso.accounts.tests.factories import DelegationFactory, StaffUserFactory
from congso.audit.models import AuditEntry
from congso.core.errors import PermissionDenied, ValidationFailed
from congso.core.identity import Role
from congso.documents.access import incoming_visible_to
from congso.documents.constants import (
    AssignmentRole,
    AssignmentStatus,
    HandlingNoteKind,
    IncomingStatus,
)
from congso.documents.errors import DocumentNotFound, InvalidTransition
from congso.documents.models import Assignment, SecretAccessGrant
from congso.documents.services.distribution import (
    AssignmentEntry,
    assignment_reassign,
    assignment_sub_assign,
    deadline_from,
    incoming_document_assign,
)
from congso.documents.services.incoming_common import IncomingAction
from congso.documents.services.incoming_status import exchange_status_code
from congso.documents.tests.factories import secrecy
from congso.organizations.tests.factories import AgencyFactory, InternalUnitFactory
from congso.workdays.calendar import add_working_days, is_working_day, next_working_day

pytestmark = pytest.mark.django_db

LEAD = AssignmentRole.LEAD
COORDINATE = AssignmentRole.COORDINATE
INFORM = AssignmentRole.INFORM


def today() -> Any:
    return timezone.localdate()


def test_the_leader_names_a_lead_co_handlers_and_readers_with_a_deadline(
    register, leader, specialist, colleague, other_unit
):
    # given
    document = register()
    # when
    created = incoming_document_assign(
        actor=leader,
        document=document,
        entries=[
            AssignmentEntry(role=LEAD, assignee=specialist),
            AssignmentEntry(role=COORDINATE, unit=other_unit),
            AssignmentEntry(role=INFORM, assignee=colleague),
        ],
        direction_note="Đề nghị tham mưu báo cáo UBND tỉnh.",
        days=5,
    )
    # then
    due = add_working_days(today(), 5, cutoff=None)
    assert [(a.role, a.due_on) for a in created] == [(LEAD, due), (COORDINATE, due), (INFORM, None)]
    assert all(a.assigned_by == leader and a.on_behalf_of is None for a in created)
    document.refresh_from_db()
    assert (document.status, document.due_on) == (IncomingStatus.ASSIGNED, due)
    assert exchange_status_code(document) == "04"
    assert document.to_places == "Võ Thị Lan; Văn phòng Sở; Đỗ Văn Phối Hợp"
    assert document.notes.get().kind == HandlingNoteKind.DIRECTION
    entry = AuditEntry.objects.get(action=IncomingAction.ASSIGNED, target_id=str(document.pk))
    assert len(entry.data["assignments"]) == 3


def test_a_line_may_carry_its_own_deadline(register, leader, specialist, other_unit):
    # given
    document = register()
    own = next_working_day(today() + timedelta(days=20))
    # when
    created = incoming_document_assign(
        actor=leader,
        document=document,
        entries=[
            AssignmentEntry(role=LEAD, assignee=specialist, due_on=own),
            AssignmentEntry(role=COORDINATE, unit=other_unit, days=2),
        ],
    )
    # then
    assert created[0].due_on == own
    assert created[1].due_on == add_working_days(today(), 2, cutoff=None)
    document.refresh_from_db()
    assert document.due_on == own


@pytest.mark.parametrize(
    ("roles", "code"),
    [([COORDINATE], "one_lead_required"), ([LEAD, LEAD], "one_lead_required")],
)
def test_exactly_one_lead_is_required(register, leader, specialist, colleague, roles, code):
    document = register()
    people = [specialist, colleague]
    entries = [AssignmentEntry(role=role, assignee=people[i]) for i, role in enumerate(roles)]
    with pytest.raises(ValidationFailed) as caught:
        incoming_document_assign(actor=leader, document=document, entries=entries)
    assert caught.value.code == code
    assert Assignment.objects.count() == 0


def test_later_distributions_add_co_handlers_but_no_second_lead(
    register, leader, specialist, colleague, other_unit
):
    # given
    document = register()
    incoming_document_assign(
        actor=leader, document=document, entries=[AssignmentEntry(role=LEAD, assignee=specialist)]
    )
    # when
    incoming_document_assign(
        actor=leader, document=document, entries=[AssignmentEntry(role=COORDINATE, unit=other_unit)]
    )
    # then
    with pytest.raises(ValidationFailed) as caught:
        incoming_document_assign(
            actor=leader,
            document=document,
            entries=[AssignmentEntry(role=LEAD, assignee=colleague)],
        )
    assert caught.value.code == "lead_exists"
    with pytest.raises(ValidationFailed) as caught:
        incoming_document_assign(
            actor=leader,
            document=document,
            entries=[AssignmentEntry(role=INFORM, assignee=specialist)],
        )
    assert caught.value.code == "duplicate_target"
    assert document.assignments.count() == 2


def _saturday_after(day: Any) -> Any:
    return day + timedelta(days=(5 - day.weekday()) % 7 or 7)


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"days": 0}, "invalid_days"),
        ({"days": 400}, "invalid_days"),
        ({"due_on": "today"}, "deadline_in_past"),
        ({"due_on": "yesterday"}, "deadline_in_past"),
        ({"due_on": "saturday"}, "deadline_not_working_day"),
        ({"days": 3, "due_on": "saturday"}, "deadline_ambiguous"),
    ],
)
def test_impossible_deadlines_are_refused(kwargs, code):
    day = today()
    values = {"today": day, "yesterday": day - timedelta(days=1), "saturday": _saturday_after(day)}
    kwargs = {k: values.get(v, v) if isinstance(v, str) else v for k, v in kwargs.items()}
    kwargs.setdefault("days", None)
    kwargs.setdefault("due_on", None)
    with pytest.raises(ValidationFailed) as caught:
        deadline_from(today=day, **kwargs)
    assert caught.value.code == code


def test_an_explicit_working_day_in_the_future_is_kept():
    day = next_working_day(today() + timedelta(days=3))
    assert is_working_day(day)
    assert deadline_from(days=None, due_on=day, today=today()) == day


@pytest.mark.parametrize(
    ("target", "code"),
    [
        ("foreign_unit", "invalid_unit"),
        ("foreign_person", "invalid_assignee"),
        ("agency_itself", "invalid_unit"),
        ("both", "invalid_target"),
    ],
)
def test_targets_must_be_units_or_staff_of_the_agency(
    register, leader, agency, specialist, unit, target, code
):
    document = register()
    foreign = AgencyFactory.create()
    entry = {
        "foreign_unit": AssignmentEntry(role=LEAD, unit=InternalUnitFactory.create(parent=foreign)),
        "foreign_person": AssignmentEntry(
            role=LEAD, assignee=StaffUserFactory.create(agency=foreign)
        ),
        "agency_itself": AssignmentEntry(role=LEAD, unit=agency),
        "both": AssignmentEntry(role=LEAD, unit=unit, assignee=specialist),
    }[target]
    with pytest.raises(ValidationFailed) as caught:
        incoming_document_assign(actor=leader, document=document, entries=[entry])
    assert caught.value.code == code


@pytest.mark.parametrize("roles", [[Role.SPECIALIST], [Role.CLERK], [Role.ADMINISTRATOR]])
def test_only_leaders_distribute(register, agency, specialist, roles):
    document = register()
    actor = StaffUserFactory.create(agency=agency, roles=roles)
    with pytest.raises(PermissionDenied) as caught:
        incoming_document_assign(
            actor=actor,
            document=document,
            entries=[AssignmentEntry(role=LEAD, assignee=specialist)],
        )
    assert caught.value.code == "distribution_not_allowed"


def test_a_leader_of_another_agency_gets_not_found(register, specialist):
    document = register()
    stranger = StaffUserFactory.create(agency=AgencyFactory.create(), roles=[Role.LEADER])
    with pytest.raises(DocumentNotFound):
        incoming_document_assign(
            actor=stranger,
            document=document,
            entries=[AssignmentEntry(role=LEAD, assignee=specialist)],
        )


def test_a_delegate_distributes_on_the_leaders_behalf(register, leader, specialist, colleague):
    # given
    DelegationFactory.create(delegator=leader, delegate=colleague)
    document = register()
    # when
    created = incoming_document_assign(
        actor=colleague,
        document=document,
        entries=[AssignmentEntry(role=LEAD, assignee=specialist)],
    )
    # then
    assert created[0].on_behalf_of == leader
    assert created[0].assigned_by == colleague
    assert document in incoming_visible_to(colleague)
    entry = AuditEntry.objects.get(action=IncomingAction.ASSIGNED)
    assert entry.data["on_behalf_of"] == leader.pk


def test_an_expired_delegation_gives_no_authority(register, leader, specialist, colleague):
    DelegationFactory.create(
        delegator=leader,
        delegate=colleague,
        starts_on=today() - timedelta(days=10),
        ends_on=today() - timedelta(days=1),
    )
    document = register()
    with pytest.raises(PermissionDenied):
        incoming_document_assign(
            actor=colleague,
            document=document,
            entries=[AssignmentEntry(role=LEAD, assignee=specialist)],
        )


@pytest.mark.parametrize(
    "status", [IncomingStatus.RECEIVED, IncomingStatus.DONE, IncomingStatus.RETURNED]
)
def test_documents_not_in_handling_cannot_be_distributed(register, leader, specialist, status):
    document = register()
    type(document).objects.filter(pk=document.pk).update(status=status)
    with pytest.raises(InvalidTransition):
        incoming_document_assign(
            actor=leader,
            document=document,
            entries=[AssignmentEntry(role=LEAD, assignee=specialist)],
        )


def test_no_entries_is_refused(register, leader):
    with pytest.raises(ValidationFailed) as caught:
        incoming_document_assign(actor=leader, document=register(), entries=[])
    assert caught.value.code == "no_assignees"


def test_assignees_of_a_secret_document_are_granted(
    register, clerk, leader, specialist, unit, unit_head, colleague
):
    # given
    document = register(secrecy=secrecy("mat"))
    SecretAccessGrant.objects.create(incoming=document, user=leader, granted_by=clerk)
    # when
    incoming_document_assign(
        actor=leader,
        document=document,
        entries=[
            AssignmentEntry(role=LEAD, assignee=specialist),
            AssignmentEntry(role=COORDINATE, unit=unit),
        ],
    )
    # then
    granted = set(
        SecretAccessGrant.objects.filter(incoming=document).values_list("user", flat=True)
    )
    assert granted == {clerk.pk, leader.pk, specialist.pk, unit_head.pk}
    assert document in incoming_visible_to(specialist)
    assert document not in incoming_visible_to(colleague)


# --- Sub-assignment --------------------------------------------------------------------------


@pytest.fixture
def unit_assignment(register, leader, unit) -> Assignment:
    document = register()
    return incoming_document_assign(
        actor=leader, document=document, entries=[AssignmentEntry(role=LEAD, unit=unit)], days=10
    )[0]


def test_the_unit_head_gives_the_units_share_to_a_member(unit_assignment, unit_head, specialist):
    # when
    child = assignment_sub_assign(
        actor=unit_head, assignment=unit_assignment, assignee=specialist, note="Lan xử lý."
    )
    # then
    assert child.parent == unit_assignment
    assert (child.role, child.due_on) == (LEAD, unit_assignment.due_on)
    assert child.document.notes.filter(kind=HandlingNoteKind.DIRECTION).exists()
    assert AuditEntry.objects.filter(action=IncomingAction.SUB_ASSIGNED).count() == 1
    assert child.document in incoming_visible_to(specialist)


def test_a_sub_assignment_may_not_outlast_the_unit_deadline(unit_assignment, unit_head, specialist):
    with pytest.raises(ValidationFailed) as caught:
        assignment_sub_assign(
            actor=unit_head, assignment=unit_assignment, assignee=specialist, days=30
        )
    assert caught.value.code == "deadline_after_parent"


def test_sub_assignment_stays_inside_the_unit(unit_assignment, unit_head, agency, other_unit):
    outsider = StaffUserFactory.create(agency=agency, unit=other_unit)
    with pytest.raises(ValidationFailed) as caught:
        assignment_sub_assign(actor=unit_head, assignment=unit_assignment, assignee=outsider)
    assert caught.value.code == "outside_unit"


def test_only_the_unit_head_sub_assigns(unit_assignment, specialist, colleague):
    with pytest.raises(PermissionDenied):
        assignment_sub_assign(actor=specialist, assignment=unit_assignment, assignee=colleague)


def test_a_lead_share_goes_to_one_person_as_lead(unit_assignment, unit_head, specialist, colleague):
    assignment_sub_assign(actor=unit_head, assignment=unit_assignment, assignee=specialist)
    with pytest.raises(ValidationFailed) as caught:
        assignment_sub_assign(actor=unit_head, assignment=unit_assignment, assignee=colleague)
    assert caught.value.code == "lead_exists"
    helper = assignment_sub_assign(
        actor=unit_head, assignment=unit_assignment, assignee=colleague, role=COORDINATE
    )
    assert helper.role == COORDINATE


def test_a_unit_head_assigned_in_person_sub_assigns_in_their_unit(
    register, leader, unit_head, specialist
):
    document = register()
    own = incoming_document_assign(
        actor=leader, document=document, entries=[AssignmentEntry(role=LEAD, assignee=unit_head)]
    )[0]
    child = assignment_sub_assign(actor=unit_head, assignment=own, assignee=specialist)
    assert child.parent == own


# --- Reassignment ----------------------------------------------------------------------------


def test_the_leader_reassigns_a_top_level_assignment(register, leader, specialist, colleague):
    # given
    document = register()
    first = incoming_document_assign(
        actor=leader,
        document=document,
        entries=[AssignmentEntry(role=LEAD, assignee=specialist)],
        days=5,
    )[0]
    # when
    replacement = assignment_reassign(
        actor=leader, assignment=first, assignee=colleague, note="Chuyển anh Hợp."
    )
    # then
    first.refresh_from_db()
    assert first.status == AssignmentStatus.REASSIGNED
    assert (replacement.role, replacement.due_on, replacement.assignee) == (
        LEAD,
        first.due_on,
        colleague,
    )
    document.refresh_from_db()
    assert document.to_places == "Đỗ Văn Phối Hợp"
    assert AuditEntry.objects.filter(action=IncomingAction.REASSIGNED).count() == 1
    with pytest.raises(InvalidTransition):
        assignment_reassign(actor=leader, assignment=first, assignee=specialist)


def test_reassigning_to_the_same_target_is_refused(register, leader, specialist):
    document = register()
    first = incoming_document_assign(
        actor=leader, document=document, entries=[AssignmentEntry(role=LEAD, assignee=specialist)]
    )[0]
    with pytest.raises(ValidationFailed) as caught:
        assignment_reassign(actor=leader, assignment=first, assignee=specialist)
    assert caught.value.code == "same_target"


def test_a_specialist_cannot_reassign_their_own_top_level_task(
    register, leader, specialist, colleague
):
    document = register()
    first = incoming_document_assign(
        actor=leader, document=document, entries=[AssignmentEntry(role=LEAD, assignee=specialist)]
    )[0]
    with pytest.raises(PermissionDenied):
        assignment_reassign(actor=specialist, assignment=first, assignee=colleague)


def test_the_unit_head_reassigns_inside_the_unit(unit_assignment, unit_head, specialist, colleague):
    child = assignment_sub_assign(actor=unit_head, assignment=unit_assignment, assignee=specialist)
    moved = assignment_reassign(actor=unit_head, assignment=child, assignee=colleague)
    assert moved.parent == unit_assignment
    assert moved.assignee == colleague
