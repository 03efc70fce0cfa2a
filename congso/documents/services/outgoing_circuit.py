"""The review circuit of an outgoing draft: sequential reviewers, then the signer.

submit → the first step is pending; approve → the next step; the signer's approval makes the
document approved (ready for the văn thư to issue; with a signer configured it is also numbered
and signed by the competent person, see outgoing_signing.py); return → back to the drafter with
a comment, the draft is editable again and the circuit restarts from the first step on the next
submit.
Only the pending step's reviewer, or a delegate acting for them today (ủy quyền, Nghị định
30/2020/NĐ-CP Điều 13 khoản 3), may act. "Drafts editable by authorised users" and "keep
approvals of content and format" are Phụ lục VI, Part I III requirements (standards.md §3.7).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.audit.services import audit_record
from congso.core.errors import PermissionDenied, ValidationFailed
from congso.documents import access
from congso.documents.constants import (
    Direction,
    OutgoingStatus,
    ReviewStepKind,
    ReviewStepStatus,
)
from congso.documents.errors import InvalidTransition
from congso.documents.models import OutgoingComment, OutgoingDocument, ReviewStep
from congso.documents.services import outgoing_common as common
from congso.documents.services.outgoing_drafting import MAX_COMMENT_CHARS, reset_circuit
from congso.documents.services.outgoing_signing import sign_on_approval
from congso.documents.services.search_index import search_entry_schedule


def _pending_step(document: OutgoingDocument) -> ReviewStep:
    step = (
        document.review_steps.select_for_update()
        .filter(status=ReviewStepStatus.PENDING)
        .order_by("ordinal")
        .first()
    )
    if step is None:
        raise InvalidTransition(_("Văn bản không có bước duyệt nào đang chờ."))
    return step


def _check_actor(actor: Any, step: ReviewStep) -> None:
    if not access.can_act_on_review_step(actor, step):
        raise PermissionDenied(
            _("Chưa đến lượt bạn duyệt văn bản này."), code="not_your_review_step"
        )


@transaction.atomic
def outgoing_document_submit(*, actor: Any, document: OutgoingDocument) -> OutgoingDocument:
    """Send the draft into its circuit (the drafter; the last step must be the signer)."""
    document = common.lock_document(document)
    if document.status != OutgoingStatus.DRAFT:
        raise InvalidTransition(_("Chỉ trình duyệt được văn bản đang là dự thảo."))
    if not access.can_edit_outgoing(actor, document):
        raise PermissionDenied(_("Chỉ người soạn thảo được trình duyệt."))
    steps = list(document.review_steps.order_by("ordinal"))
    if not steps or steps[-1].kind != ReviewStepKind.SIGN:
        raise ValidationFailed(
            _("Chọn người ký trước khi trình duyệt."), code="signer_required", field="signer"
        )
    version = common.latest_version(document)
    if version is None:
        raise ValidationFailed(_("Dự thảo chưa có nội dung."), code="no_version")
    reset_circuit(document)
    first = steps[0]
    first.status = ReviewStepStatus.PENDING
    first.version = version
    first.save(update_fields=["status", "version"])
    document.status = OutgoingStatus.IN_REVIEW
    document.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action=common.SUBMITTED,
        target=document,
        data={"version": version.number, "first_reviewer": first.reviewer_id},
    )
    search_entry_schedule(direction=Direction.OUTGOING, document_id=document.pk)
    return document


@transaction.atomic
def outgoing_step_approve(
    *, actor: Any, document: OutgoingDocument, comment: str = ""
) -> OutgoingDocument:
    """Approve the pending step: the next step becomes pending, or — at the signer's step — the
    document is approved and waits for the văn thư to issue it.

    With a signer configured the signer's approval is also the signature: the document takes its
    số and date and the competent person signs the final PDF in this same transaction
    (`outgoing_signing.sign_on_approval`); if signing fails nothing is approved or numbered.
    """
    document = common.lock_document(document)
    if document.status != OutgoingStatus.IN_REVIEW:
        raise InvalidTransition(_("Văn bản không ở trạng thái đang trình duyệt."))
    step = _pending_step(document)
    _check_actor(actor, step)
    comment = (comment or "").strip()[:MAX_COMMENT_CHARS]
    step.status = ReviewStepStatus.APPROVED
    step.comment = comment
    step.decided_at = timezone.now()
    step.acted_by = actor if actor.pk != step.reviewer_id else None
    step.save(update_fields=["status", "comment", "decided_at", "acted_by"])
    signed = None
    following = document.review_steps.filter(ordinal__gt=step.ordinal).order_by("ordinal").first()
    if following is not None:
        following.status = ReviewStepStatus.PENDING
        following.version = step.version
        following.save(update_fields=["status", "version"])
    else:
        document.status = OutgoingStatus.APPROVED
        document.save(update_fields=["status", "updated_at"])
        signed = sign_on_approval(document, actor=actor, step=step)
    if comment:
        OutgoingComment.objects.create(
            document=document, version=step.version, author=actor, text=comment
        )
    audit_record(
        actor=actor,
        action=common.STEP_APPROVED,
        target=document,
        data={
            "step": step.ordinal,
            "kind": step.kind,
            "on_behalf_of": step.reviewer_id if step.acted_by_id else None,
            "approved": document.status == OutgoingStatus.APPROVED,
            **({"signed": signed} if signed else {}),
        },
    )
    search_entry_schedule(direction=Direction.OUTGOING, document_id=document.pk)
    return document


@transaction.atomic
def outgoing_step_return(
    *, actor: Any, document: OutgoingDocument, comment: str
) -> OutgoingDocument:
    """Return the draft to the drafter with a reason: it becomes editable again and the circuit
    restarts from the first step when it is resubmitted."""
    comment = (comment or "").strip()
    if not comment or len(comment) > MAX_COMMENT_CHARS:
        raise ValidationFailed(
            _("Ghi rõ lý do trả lại (tối đa 5.000 ký tự)."),
            code="comment_required",
            field="comment",
        )
    document = common.lock_document(document)
    if document.status != OutgoingStatus.IN_REVIEW:
        raise InvalidTransition(_("Văn bản không ở trạng thái đang trình duyệt."))
    step = _pending_step(document)
    _check_actor(actor, step)
    step.status = ReviewStepStatus.RETURNED
    step.comment = comment
    step.decided_at = timezone.now()
    step.acted_by = actor if actor.pk != step.reviewer_id else None
    step.save(update_fields=["status", "comment", "decided_at", "acted_by"])
    OutgoingComment.objects.create(
        document=document, version=step.version, author=actor, text=_("Trả lại: ") + comment
    )
    document.status = OutgoingStatus.DRAFT
    document.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action=common.STEP_RETURNED,
        target=document,
        data={"step": step.ordinal, "comment": comment[:500]},
    )
    search_entry_schedule(direction=Direction.OUTGOING, document_id=document.pk)
    return document
