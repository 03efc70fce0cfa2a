"""The outgoing gates in access.py, branch by branch."""

from __future__ import annotations

from typing import Any

import pytest

from congso.accounts.tests.factories import DelegationFactory, StaffUserFactory
from congso.core.identity import Role
from congso.documents import access
from congso.documents.errors import DocumentNotFound
from congso.documents.models import SecretAccessGrant
from congso.documents.services import outgoing as services
from congso.documents.tests.factories import secrecy

pytestmark = pytest.mark.django_db


def test_specialists_see_what_they_draft_review_or_sign(
    make_draft: Any, drafter: Any, reviewer: Any, signer: Any, agency: Any
) -> None:
    document = make_draft()
    bystander = StaffUserFactory.create(agency=agency, roles=[Role.SPECIALIST])
    for user in (drafter, reviewer, signer):
        assert access.access_outgoing_by_id(user=user, document_id=document.pk) == document
    with pytest.raises(DocumentNotFound):
        access.access_outgoing_by_id(user=bystander, document_id=document.pk)


def test_a_delegate_sees_the_documents_of_the_delegator_s_steps(
    make_draft: Any, reviewer: Any, agency: Any
) -> None:
    document = make_draft()
    deputy = StaffUserFactory.create(agency=agency)
    assert not access.outgoing_visible_to(deputy).exists()
    DelegationFactory.create(delegator=reviewer, delegate=deputy)
    assert list(access.outgoing_visible_to(deputy)) == [document]


def test_secret_documents_need_a_grant_even_for_the_clerk(
    make_draft: Any, clerk: Any, drafter: Any
) -> None:
    document = make_draft(secrecy=secrecy("mat"))
    assert not access.outgoing_visible_to(clerk).exists()
    SecretAccessGrant.objects.create(outgoing=document, user=clerk, granted_by=drafter)
    assert list(access.outgoing_visible_to(clerk)) == [document]


def test_other_agencies_and_citizens_see_nothing(make_draft: Any) -> None:
    from congso.accounts.tests.factories import CitizenUserFactory

    make_draft()
    assert not access.outgoing_visible_to(StaffUserFactory.create(roles=[Role.LEADER])).exists()
    assert not access.outgoing_visible_to(CitizenUserFactory.create()).exists()


def test_can_edit_only_own_draft(make_draft: Any, drafter: Any, reviewer: Any) -> None:
    document = make_draft()
    assert access.can_edit_outgoing(drafter, document)
    assert not access.can_edit_outgoing(reviewer, document)
    services.outgoing_document_submit(actor=drafter, document=document)
    document.refresh_from_db()
    assert not access.can_edit_outgoing(drafter, document)


def test_issue_and_revoke_rights(
    approved: Any, clerk: Any, signer: Any, drafter: Any, agency: Any
) -> None:
    document = approved()
    assert access.can_issue_outgoing(clerk, document)
    assert not access.can_issue_outgoing(signer, document)
    assert not access.can_issue_outgoing(StaffUserFactory.create(roles=[Role.CLERK]), document)
    # a delegate of the clerk issues while the clerk is away
    stand_in = StaffUserFactory.create(agency=agency)
    DelegationFactory.create(delegator=clerk, delegate=stand_in)
    assert access.can_issue_outgoing(stand_in, document)
    assert access.can_revoke_outgoing(signer, document)
    assert access.can_revoke_outgoing(clerk, document)
    assert not access.can_revoke_outgoing(drafter, document)
    assert access.can_manage_recipients(clerk, document)
    assert not access.can_manage_recipients(drafter, document)
