"""Drafting outgoing documents: compose, edit (each edit a new version), comment, attach files,
choose recipients and the review circuit (uploads: `outgoing_uploads`).

A composed draft is laid out per Nghị định 30/2020/NĐ-CP, Phụ lục I and rendered to PDF with
placeholders ("Số: …/QĐ-UBND", "ngày … tháng … năm …") until the văn thư issues it. Versions are
immutable and content-addressed: every edit adds one, earlier ones never change.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, BinaryIO

from django.db import transaction
from django.utils.translation import gettext as _

from congso.audit.services import audit_record
from congso.core.errors import PermissionDenied, ValidationFailed
from congso.documents import access
from congso.documents.constants import (
    Direction,
    FileRole,
    OutgoingStatus,
    ReviewStepKind,
    ReviewStepStatus,
    VersionOrigin,
)
from congso.documents.errors import DocumentNotFound, InvalidTransition
from congso.documents.models import (
    OutgoingAttachment,
    OutgoingComment,
    OutgoingDocument,
    OutgoingVersion,
    ReviewStep,
)
from congso.documents.services import outgoing_common as common
from congso.documents.services.files import (
    safe_file_name,
    stored_file_put,
)
from congso.documents.services.outgoing_common import RecipientSpec
from congso.documents.services.search_index import search_entry_schedule
from congso.organizations.constants import AgencyKind

MAX_REVIEWERS = 10
MAX_COMMENT_CHARS = 5_000
_UNSET: Any = object()


def _check_staff_of(user: Any, agency_id: int, field: str) -> None:
    if (
        user is None
        or getattr(user, "kind", "") != "staff"
        or not user.is_active
        or user.agency_id != agency_id
    ):
        raise ValidationFailed(
            _("Người duyệt, người ký phải là cán bộ đang làm việc của cơ quan ban hành."),
            code="invalid_reviewer",
            field=field,
        )


def _set_circuit(document: OutgoingDocument, *, reviewers: Sequence[Any], signer: Any) -> None:
    """Replace the planned circuit: reviewers in order, then the signer (last step)."""
    if len(reviewers) > MAX_REVIEWERS:
        raise ValidationFailed(
            _("Tối đa %(n)d người thẩm định, cho ý kiến.") % {"n": MAX_REVIEWERS},
            code="too_many_reviewers",
            field="reviewers",
        )
    for reviewer in reviewers:
        _check_staff_of(reviewer, document.agency_id, "reviewers")
    if len({r.pk for r in reviewers}) != len(reviewers):
        raise ValidationFailed(
            _("Một người chỉ xuất hiện một lần trong danh sách thẩm định."),
            code="duplicate_reviewer",
            field="reviewers",
        )
    if signer is not None:
        _check_staff_of(signer, document.agency_id, "signer")
    document.review_steps.all().delete()
    steps = [(ReviewStepKind.REVIEW, r) for r in reviewers]
    if signer is not None:
        steps.append((ReviewStepKind.SIGN, signer))
    for ordinal, (kind, user) in enumerate(steps, start=1):
        ReviewStep.objects.create(document=document, ordinal=ordinal, kind=kind, reviewer=user)


def _apply_signer(document: OutgoingDocument, signer: Any) -> None:
    document.signer = signer
    document.signer_full_name = (signer.display_name if signer else "")[:50]
    position = getattr(signer, "position", None) if signer else None
    document.signer_position = (position.name if position else "")[:100]


def _resolve_drafting_unit(author: Any, drafting_unit: Any) -> Any:
    unit = drafting_unit if drafting_unit is not None else author.unit
    if unit is None:
        return None
    if unit.kind != AgencyKind.INTERNAL_UNIT or unit.parent_id != author.agency_id:
        raise ValidationFailed(
            _("Đơn vị soạn thảo phải là một phòng, ban của cơ quan."),
            code="invalid_drafting_unit",
            field="drafting_unit",
        )
    return unit


def _check_notation(document: OutgoingDocument) -> None:
    try:
        common.document_notation(document)
    except ValueError as exc:
        raise ValidationFailed(
            _(
                "Không lập được ký hiệu văn bản: công văn cần đơn vị soạn thảo, cơ quan cần "
                "chữ viết tắt."
            ),
            code="notation_incomplete",
            field="drafting_unit",
        ) from exc


def _check_body(body: str) -> None:
    if len(body) > common.MAX_BODY_CHARS:
        raise ValidationFailed(
            _("Nội dung quá dài (tối đa 100.000 ký tự)."), code="body_too_long", field="body"
        )


def _ordinary(model: Any, level: Any) -> Any:
    return level if level is not None else model.objects.get(code="thuong")


def new_document(
    *,
    author: Any,
    document_type: Any,
    subject: str,
    body: str,
    addressed_to: str,
    urgency: Any,
    secrecy: Any,
    drafting_unit: Any,
    signer: Any,
    reply_due_on: Any,
) -> OutgoingDocument:
    from congso.catalogues.models import SecrecyLevel, UrgencyLevel

    if getattr(author, "kind", "") != "staff" or author.agency_id is None:
        raise PermissionDenied(_("Chỉ cán bộ của cơ quan mới soạn thảo văn bản."))
    _check_body(body)
    secrecy = _ordinary(SecrecyLevel, secrecy)
    document = OutgoingDocument(
        agency=author.agency,
        drafting_unit=_resolve_drafting_unit(author, drafting_unit),
        document_type=document_type,
        subject=subject.strip(),
        addressed_to=addressed_to.strip(),
        body=body,
        created_by=author,
        urgency=_ordinary(UrgencyLevel, urgency),
        secrecy=secrecy,
        is_secret=secrecy.is_secret,
        place_name=author.agency.place_name or "Kon Tum",
        reply_due_on=reply_due_on,
    )
    _apply_signer(document, signer)
    document.full_clean()
    _check_notation(document)
    document.save()
    return document


def finish_new_draft(
    document: OutgoingDocument,
    *,
    author: Any,
    reviewers: Sequence[Any],
    signer: Any,
    recipients: Sequence[RecipientSpec],
) -> None:
    _set_circuit(document, reviewers=reviewers, signer=signer)
    specs = common.validate_recipients(document.agency, list(recipients))
    common.replace_recipients(document, specs)
    if document.is_secret:
        # The drafter of a secret document keeps reading it (access needs an explicit grant).
        from congso.documents.models import SecretAccessGrant

        SecretAccessGrant.objects.get_or_create(
            outgoing=document, user=author, defaults={"granted_by": author}
        )


@transaction.atomic
def outgoing_draft_create(
    *,
    author: Any,
    document_type: Any,
    subject: str,
    body: str,
    addressed_to: str = "",
    signer: Any = None,
    authority_line: str = "",
    reviewers: Sequence[Any] = (),
    recipients: Sequence[RecipientSpec] = (),
    urgency: Any = None,
    secrecy: Any = None,
    drafting_unit: Any = None,
    reply_due_on: Any = None,
) -> OutgoingDocument:
    """Compose a draft in the browser: the layout of Phụ lục I (quốc hiệu, tên cơ quan, số and
    date placeholders, tên loại + trích yếu or "V/v …", nội dung, signer block, nơi nhận ending
    "Lưu: VT, {unit}.") is rendered to PDF as version 1."""
    document = new_document(
        author=author,
        document_type=document_type,
        subject=subject,
        body=body,
        addressed_to=addressed_to,
        urgency=urgency,
        secrecy=secrecy,
        drafting_unit=drafting_unit,
        signer=signer,
        reply_due_on=reply_due_on,
    )
    document.signing_authority = common.authority_prefix(authority_line)
    document.save(update_fields=["signing_authority"])
    finish_new_draft(
        document, author=author, reviewers=reviewers, signer=signer, recipients=recipients
    )
    version = common.render_version(
        document, actor=author, authority_line=authority_line.strip()[:100]
    )
    audit_record(
        actor=author,
        action=common.DRAFT_CREATED,
        target=document,
        data={"version": version.number, "subject": document.subject, "composed": True},
    )
    search_entry_schedule(direction=Direction.OUTGOING, document_id=document.pk)
    return document


@transaction.atomic
def outgoing_draft_update(
    *,
    actor: Any,
    document: OutgoingDocument,
    subject: str | None = None,
    body: str | None = None,
    addressed_to: str | None = None,
    document_type: Any = None,
    urgency: Any = None,
    secrecy: Any = None,
    reply_due_on: Any = _UNSET,
    signer: Any = _UNSET,
    authority_line: str | None = None,
    reviewers: Sequence[Any] | None = None,
    note: str = "",
) -> OutgoingVersion:
    """Edit a draft (only the drafter, only in state draft): a new version, rendered anew; the
    earlier versions stay as they were. Arguments left as None keep their value."""
    document = common.lock_document(document)
    if document.status != OutgoingStatus.DRAFT:
        raise InvalidTransition(_("Chỉ sửa được văn bản đang là dự thảo."))
    if not access.can_edit_outgoing(actor, document):
        raise PermissionDenied(_("Chỉ người soạn thảo được sửa dự thảo."))
    changes = {
        "subject": subject.strip() if subject is not None else None,
        "body": body,
        "addressed_to": addressed_to.strip() if addressed_to is not None else None,
        "document_type": document_type,
        "urgency": urgency,
        "secrecy": secrecy,
    }
    for field, value in changes.items():
        if value is not None:
            setattr(document, field, value)
    if reply_due_on is not _UNSET:
        document.reply_due_on = reply_due_on
    _check_body(document.body)
    document.is_secret = document.secrecy.is_secret
    if signer is not _UNSET:
        _apply_signer(document, signer)
    line = authority_line if authority_line is not None else common.latest_authority_line(document)
    document.signing_authority = common.authority_prefix(line)
    document.full_clean()
    _check_notation(document)
    document.save()
    if document.is_secret:
        common.check_secret_recipients(
            document,
            [RecipientSpec(agency=r.agency, name=r.name) for r in document.recipients.all()],
        )
    if reviewers is not None or signer is not _UNSET:
        kept_reviewers = [
            s.reviewer
            for s in document.review_steps.select_related("reviewer")
            if s.kind == ReviewStepKind.REVIEW
        ]
        _set_circuit(
            document,
            reviewers=reviewers if reviewers is not None else kept_reviewers,
            signer=document.signer,
        )
    latest = common.latest_version(document)
    if latest is not None and latest.origin == VersionOrigin.UPLOADED:
        # An uploaded draft keeps its file; metadata changes need no new rendering.
        audit_record(actor=actor, action=common.DRAFT_UPDATED, target=document, data={})
        search_entry_schedule(direction=Direction.OUTGOING, document_id=document.pk)
        return latest
    version = common.render_version(
        document, actor=actor, authority_line=line.strip()[:100], note=note
    )
    audit_record(
        actor=actor,
        action=common.DRAFT_UPDATED,
        target=document,
        data={"version": version.number},
    )
    search_entry_schedule(direction=Direction.OUTGOING, document_id=document.pk)
    return version


@transaction.atomic
def outgoing_comment_add(*, author: Any, document: OutgoingDocument, text: str) -> OutgoingComment:
    """A comment on the draft, tied to the current version; anyone who can read it may comment."""
    if not access.outgoing_visible_to(author).filter(pk=document.pk).exists():
        raise DocumentNotFound(document.pk)
    text = (text or "").strip()
    if not text or len(text) > MAX_COMMENT_CHARS:
        raise ValidationFailed(
            _("Ý kiến không được để trống và tối đa 5.000 ký tự."),
            code="invalid_comment",
            field="text",
        )
    comment = OutgoingComment.objects.create(
        document=document, version=common.latest_version(document), author=author, text=text
    )
    audit_record(
        actor=author, action=common.COMMENT_ADDED, target=document, data={"comment": comment.pk}
    )
    return comment


def outgoing_attachment_add(
    *,
    actor: Any,
    document: OutgoingDocument,
    stream: BinaryIO,
    file_name: str,
    role: str = FileRole.ATTACHMENT,
) -> OutgoingAttachment:
    """Attach a file (phụ lục, tài liệu kèm theo) to a draft; stored once by its SHA-256."""
    if role not in (FileRole.ATTACHMENT, FileRole.APPENDIX):
        raise ValidationFailed(_("Loại tệp đính kèm không hợp lệ."), code="invalid_role")
    if not access.can_edit_outgoing(actor, document):
        raise InvalidTransition(_("Chỉ người soạn thảo đính kèm tệp khi văn bản còn là dự thảo."))
    name = safe_file_name(file_name)
    stored = stored_file_put(stream=stream)
    with transaction.atomic():
        document = common.lock_document(document)
        if document.status != OutgoingStatus.DRAFT:
            raise InvalidTransition(_("Chỉ sửa được văn bản đang là dự thảo."))
        attachment = OutgoingAttachment.objects.create(
            document=document,
            stored_file=stored,
            name=name,
            role=role,
            ordinal=document.attachments.count() + 1,
        )
        audit_record(
            actor=actor,
            action=common.ATTACHMENT_ADDED,
            target=document,
            data={"attachment": attachment.pk, "sha256": stored.sha256, "name": name},
        )
    return attachment


@transaction.atomic
def outgoing_recipients_set(
    *, actor: Any, document: OutgoingDocument, recipients: Sequence[RecipientSpec]
) -> list[Any]:
    """Choose "nơi nhận": agencies of the tree or outside bodies (never outside for a secret
    document). The drafter while drafting; the văn thư once approved, before issuing."""
    document = common.lock_document(document)
    if not access.can_manage_recipients(actor, document):
        raise InvalidTransition(_("Không thể thay đổi nơi nhận ở trạng thái hiện tại."))
    specs = common.validate_recipients(document.agency, list(recipients))
    common.replace_recipients(document, specs)
    audit_record(
        actor=actor,
        action=common.RECIPIENTS_SET,
        target=document,
        data={"recipients": [s.agency.pk if s.agency else s.name for s in specs]},
    )
    return list(document.recipients.select_related("agency"))


def reset_circuit(document: OutgoingDocument) -> None:
    """Every step back to waiting (used when the drafter resubmits after a return)."""
    document.review_steps.update(
        status=ReviewStepStatus.WAITING, comment="", decided_at=None, acted_by=None, version=None
    )
