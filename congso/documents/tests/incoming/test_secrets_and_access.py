"""Secret grants (services/secrets.py) and the incoming branches of the access gate."""

from __future__ import annotations

from typing import Any

import pytest

from congso.accounts.tests.factories import CitizenUserFactory, DelegationFactory, StaffUserFactory
from congso.audit.models import AuditEntry
from congso.core.errors import PermissionDenied
from congso.core.identity import Role
from congso.documents.access import (
    access_assignment_by_id,
    access_incoming_by_id,
    access_incoming_file_by_id,
    can_distribute,
    can_grant_secret,
    distribution_authority,
    holds_assignment,
    incoming_visible_to,
    is_unit_head,
)
from congso.documents.errors import DocumentNotFound, SecretDocumentRule
from congso.documents.models import SecretAccessGrant
from congso.documents.services.distribution import AssignmentEntry, incoming_document_assign
from congso.documents.services.incoming_common import IncomingAction
from congso.documents.services.secrets import secret_access_grant
from congso.documents.tests.factories import OutgoingDocumentFactory, secrecy
from congso.organizations.tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret(register) -> Any:
    return register(secrecy=secrecy("mat"))


def test_the_granting_clerk_lets_a_leader_read_the_secret_document(secret, clerk, leader):
    # given
    assert secret not in incoming_visible_to(leader)
    # when
    grant = secret_access_grant(actor=clerk, document=secret, user=leader)
    # then
    assert grant.granted_by == clerk
    assert secret in incoming_visible_to(leader)
    entry = AuditEntry.objects.get(action=IncomingAction.SECRET_GRANTED)
    assert entry.data == {"user_id": leader.pk, "direction": "incoming"}


def test_granting_twice_writes_nothing_new(secret, clerk, leader):
    first = secret_access_grant(actor=clerk, document=secret, user=leader)
    second = secret_access_grant(actor=clerk, document=secret, user=leader)
    assert first.pk == second.pk
    assert AuditEntry.objects.filter(action=IncomingAction.SECRET_GRANTED).count() == 1


def test_a_leader_grants_without_holding_a_grant(secret, leader, specialist):
    secret_access_grant(actor=leader, document=secret, user=specialist)
    assert secret in incoming_visible_to(specialist)


@pytest.mark.parametrize("who", ["other_clerk", "specialist", "foreign_leader"])
def test_others_may_not_grant(secret, agency, specialist, colleague, who):
    actor = {
        "other_clerk": StaffUserFactory.create(agency=agency, roles=[Role.CLERK]),
        "specialist": specialist,
        "foreign_leader": StaffUserFactory.create(
            agency=AgencyFactory.create(), roles=[Role.LEADER]
        ),
    }[who]
    with pytest.raises(PermissionDenied):
        secret_access_grant(actor=actor, document=secret, user=colleague)
    assert secret not in incoming_visible_to(colleague)


def test_grants_stay_inside_the_agency(secret, clerk):
    outsider = StaffUserFactory.create(agency=AgencyFactory.create())
    with pytest.raises(SecretDocumentRule) as caught:
        secret_access_grant(actor=clerk, document=secret, user=outsider)
    assert caught.value.code == "grant_outside_agency"


def test_an_ordinary_document_needs_no_grant(register, clerk, leader):
    with pytest.raises(SecretDocumentRule) as caught:
        secret_access_grant(actor=clerk, document=register(), user=leader)
    assert caught.value.code == "not_secret"


def test_grants_work_for_outgoing_documents_too(agency, leader, specialist):
    outgoing = OutgoingDocumentFactory.create(agency=agency, secrecy=secrecy("mat"), is_secret=True)
    grant = secret_access_grant(actor=leader, document=outgoing, user=specialist)
    assert grant.outgoing == outgoing
    assert can_grant_secret(leader, agency_id=agency.pk, outgoing_id=outgoing.pk)


# --- Gate branches -----------------------------------------------------------------------------


def test_a_secret_document_is_absent_for_every_role_without_a_grant(secret, agency, leader):
    admin = StaffUserFactory.create(agency=agency, roles=[Role.ADMINISTRATOR])
    other_clerk = StaffUserFactory.create(agency=agency, roles=[Role.CLERK])
    for user in (leader, admin, other_clerk):
        assert secret not in incoming_visible_to(user)
        with pytest.raises(DocumentNotFound):
            access_incoming_by_id(user=user, document_id=secret.pk)


def test_other_agencies_documents_do_not_exist_for_the_user(register):
    document = register()
    stranger = StaffUserFactory.create(agency=AgencyFactory.create(), roles=[Role.LEADER])
    with pytest.raises(DocumentNotFound):
        access_incoming_by_id(user=stranger, document_id=document.pk)


@pytest.mark.parametrize("kind", ["citizen", "anonymous"])
def test_non_staff_see_nothing(register, kind):
    register()
    from django.contrib.auth.models import AnonymousUser

    user = CitizenUserFactory.create() if kind == "citizen" else AnonymousUser()
    assert not incoming_visible_to(user).exists()


def test_a_specialist_sees_only_what_is_assigned_to_them_or_their_unit(
    register, leader, specialist, colleague, unit, other_unit, agency
):
    # given
    mine = register()
    units = register()
    elsewhere = register()
    incoming_document_assign(
        actor=leader, document=mine, entries=[AssignmentEntry(role="lead", assignee=specialist)]
    )
    incoming_document_assign(
        actor=leader, document=units, entries=[AssignmentEntry(role="lead", unit=unit)]
    )
    incoming_document_assign(
        actor=leader, document=elsewhere, entries=[AssignmentEntry(role="lead", unit=other_unit)]
    )
    # then
    visible = set(incoming_visible_to(specialist))
    assert visible == {mine, units}
    unitless = StaffUserFactory.create(agency=agency, roles=[Role.SPECIALIST])
    assert not incoming_visible_to(unitless).exists()


def test_files_and_assignments_are_reached_through_their_document(register, leader, specialist):
    document = register()
    other = register()
    assignment = incoming_document_assign(
        actor=leader, document=document, entries=[AssignmentEntry(role="lead", assignee=specialist)]
    )[0]
    file = document.files.get()
    assert access_incoming_file_by_id(user=leader, document_id=document.pk, file_id=file.pk) == file
    with pytest.raises(DocumentNotFound):
        access_incoming_file_by_id(user=leader, document_id=other.pk, file_id=file.pk)
    found = access_assignment_by_id(
        user=specialist, document_id=document.pk, assignment_id=assignment.pk
    )
    assert found == assignment
    with pytest.raises(DocumentNotFound):
        access_assignment_by_id(user=leader, document_id=other.pk, assignment_id=assignment.pk)


def test_distribution_authority_branches(agency, leader, specialist, clerk):
    own = distribution_authority(leader)
    assert own is not None
    assert own.on_behalf_of is None
    assert distribution_authority(specialist) is None
    assert not can_distribute(clerk)
    DelegationFactory.create(delegator=leader, delegate=specialist)
    delegated = distribution_authority(specialist)
    assert delegated is not None
    assert delegated.on_behalf_of == leader
    # a delegation from a non-leader gives nothing
    DelegationFactory.create(delegator=clerk, delegate=StaffUserFactory.create(agency=agency))
    assert distribution_authority(CitizenUserFactory.create()) is None


def test_a_foreign_leaders_delegation_gives_no_authority_here(agency, specialist):
    foreign_leader = StaffUserFactory.create(agency=AgencyFactory.create(), roles=[Role.LEADER])
    DelegationFactory.create(delegator=foreign_leader, delegate=specialist)
    assert distribution_authority(specialist) is None


def test_unit_heads_and_holders(unit, unit_head, specialist, leader, agency):
    assert is_unit_head(unit_head, unit.pk)
    assert not is_unit_head(specialist, unit.pk)
    assert not is_unit_head(unit_head, None)
    unit_leader = StaffUserFactory.create(agency=agency, unit=unit, roles=[Role.LEADER])
    assert is_unit_head(unit_leader, unit.pk)
    assert not is_unit_head(leader, unit.pk)  # no unit


def test_holding_an_assignment(register, leader, unit, unit_head, specialist):
    document = register()
    share = incoming_document_assign(
        actor=leader, document=document, entries=[AssignmentEntry(role="lead", unit=unit)]
    )[0]
    assert holds_assignment(unit_head, share)
    assert not holds_assignment(specialist, share)
    assert SecretAccessGrant.objects.count() == 0
