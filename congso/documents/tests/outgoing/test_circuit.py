"""The review circuit: sequential reviewers, then the signer; return restarts it."""

from __future__ import annotations

from typing import Any

import pytest

from congso.accounts.tests.factories import DelegationFactory, StaffUserFactory
from congso.audit.models import AuditEntry
from congso.core.errors import PermissionDenied, ValidationFailed
from congso.documents.access import outgoing_visible_to
from congso.documents.constants import OutgoingStatus, ReviewStepKind, ReviewStepStatus
from congso.documents.errors import InvalidTransition
from congso.documents.selectors.outgoing import outgoing_pending_review_for
from congso.documents.services import outgoing as services

pytestmark = pytest.mark.django_db


def _statuses(document: Any) -> list[str]:
    return [step.status for step in document.review_steps.order_by("ordinal")]


def test_circuit_is_reviewers_in_order_then_the_signer(
    make_draft: Any, reviewer: Any, signer: Any, agency: Any
) -> None:
    second = StaffUserFactory.create(agency=agency)
    document = make_draft(reviewers=[reviewer, second])
    steps = list(document.review_steps.order_by("ordinal"))
    assert [(s.kind, s.reviewer_id) for s in steps] == [
        (ReviewStepKind.REVIEW, reviewer.pk),
        (ReviewStepKind.REVIEW, second.pk),
        (ReviewStepKind.SIGN, signer.pk),
    ]


def test_submit_approve_approve_makes_the_document_approved(
    make_draft: Any, drafter: Any, reviewer: Any, signer: Any
) -> None:
    # given
    document = make_draft()
    # when: submitted
    services.outgoing_document_submit(actor=drafter, document=document)
    document.refresh_from_db()
    # then: the first step waits
    assert document.status == OutgoingStatus.IN_REVIEW
    assert _statuses(document) == [ReviewStepStatus.PENDING, ReviewStepStatus.WAITING]
    assert list(outgoing_pending_review_for(user=reviewer)) == [document]
    assert list(outgoing_pending_review_for(user=signer)) == []
    # when: the reviewer approves
    services.outgoing_step_approve(actor=reviewer, document=document, comment="Đồng ý nội dung.")
    assert _statuses(document) == [ReviewStepStatus.APPROVED, ReviewStepStatus.PENDING]
    assert list(outgoing_pending_review_for(user=signer)) == [document]
    # when: the signer approves
    services.outgoing_step_approve(actor=signer, document=document)
    document.refresh_from_db()
    # then
    assert document.status == OutgoingStatus.APPROVED
    assert document.signature_state == "not_signed"
    actions = list(
        AuditEntry.objects.filter(target_id=str(document.pk)).values_list("action", flat=True)
    )
    assert actions.count("documents.outgoing_step_approve") == 2
    assert "documents.outgoing_document_submit" in actions
    assert document.comments.get().text == "Đồng ý nội dung."


def test_only_the_pending_steps_reviewer_may_act(
    make_draft: Any, drafter: Any, signer: Any, reviewer: Any
) -> None:
    document = make_draft()
    services.outgoing_document_submit(actor=drafter, document=document)
    for intruder in (signer, drafter):
        with pytest.raises(PermissionDenied) as caught:
            services.outgoing_step_approve(actor=intruder, document=document)
        assert caught.value.code == "not_your_review_step"
    assert _statuses(document) == [ReviewStepStatus.PENDING, ReviewStepStatus.WAITING]


def test_a_delegate_acts_for_the_reviewer_and_is_recorded(
    make_draft: Any, drafter: Any, reviewer: Any, agency: Any
) -> None:
    # given: the reviewer delegated to a deputy for the week
    deputy = StaffUserFactory.create(agency=agency, full_name="Phó phòng")
    DelegationFactory.create(delegator=reviewer, delegate=deputy)
    document = make_draft()
    services.outgoing_document_submit(actor=drafter, document=document)
    # then: the deputy sees and can act on it
    assert outgoing_visible_to(deputy).filter(pk=document.pk).exists()
    assert list(outgoing_pending_review_for(user=deputy)) == [document]
    services.outgoing_step_approve(actor=deputy, document=document)
    step = document.review_steps.get(ordinal=1)
    assert (step.status, step.acted_by_id, step.reviewer_id) == (
        ReviewStepStatus.APPROVED,
        deputy.pk,
        reviewer.pk,
    )
    entry = AuditEntry.objects.filter(action="documents.outgoing_step_approve").get()
    assert entry.data["on_behalf_of"] == reviewer.pk


def test_return_sends_the_draft_back_and_resubmit_restarts_the_circuit(
    make_draft: Any, drafter: Any, reviewer: Any, signer: Any
) -> None:
    # given: approved by the reviewer, returned by the signer
    document = make_draft()
    services.outgoing_document_submit(actor=drafter, document=document)
    services.outgoing_step_approve(actor=reviewer, document=document)
    services.outgoing_step_return(actor=signer, document=document, comment="Bổ sung số liệu.")
    document.refresh_from_db()
    # then: editable again, the reason in the thread
    assert document.status == OutgoingStatus.DRAFT
    assert document.comments.last().text == "Trả lại: Bổ sung số liệu."
    version = services.outgoing_draft_update(actor=drafter, document=document, body="Đã bổ sung.")
    assert version.number == 2
    # when: resubmitted
    services.outgoing_document_submit(actor=drafter, document=document)
    # then: the circuit starts from the first reviewer, on the new version
    assert _statuses(document) == [ReviewStepStatus.PENDING, ReviewStepStatus.WAITING]
    assert document.review_steps.get(ordinal=1).version_id == version.pk
    with pytest.raises(PermissionDenied):
        services.outgoing_step_approve(actor=signer, document=document)


def test_return_needs_a_reason(make_draft: Any, drafter: Any, reviewer: Any) -> None:
    document = make_draft()
    services.outgoing_document_submit(actor=drafter, document=document)
    with pytest.raises(ValidationFailed) as caught:
        services.outgoing_step_return(actor=reviewer, document=document, comment="  ")
    assert caught.value.code == "comment_required"


def test_wrong_state_transitions_are_refused(make_draft: Any, drafter: Any, reviewer: Any) -> None:
    document = make_draft()
    with pytest.raises(InvalidTransition):
        services.outgoing_step_approve(actor=reviewer, document=document)
    with pytest.raises(InvalidTransition):
        services.outgoing_step_return(actor=reviewer, document=document, comment="Không")
    services.outgoing_document_submit(actor=drafter, document=document)
    with pytest.raises(InvalidTransition):
        services.outgoing_document_submit(actor=drafter, document=document)


def test_submit_needs_a_signer(make_draft: Any, drafter: Any) -> None:
    document = make_draft(signer=None)
    with pytest.raises(ValidationFailed) as caught:
        services.outgoing_document_submit(actor=drafter, document=document)
    assert caught.value.code == "signer_required"


def test_only_the_drafter_submits(make_draft: Any, reviewer: Any) -> None:
    document = make_draft()
    with pytest.raises(PermissionDenied):
        services.outgoing_document_submit(actor=reviewer, document=document)
