"""Revocation, replacement and correction of issued documents, and their effects on recipients.

Nghị định 30/2020/NĐ-CP, Điều 18 (standards.md §3.5): content errors are fixed by a document of
equivalent form that replaces the earlier one; format or procedure errors by a công văn đính
chính; an electronic document is revoked on the system and the receivers cancel their copy
(Điều 18 khoản 4 điểm b). Phụ lục VI requires freezing the revoked document and its metadata and
keeping the metadata of the revocation (standards.md §3.7).

Effects at recipients inside the installation: their incoming copies (IncomingDocument with
`source_outgoing`) carry a note in "ghi chú"; a revocation also sets them to "revoked". Pending
outbox messages of a revoked document are cancelled; sent ones are the exchange's business:
`hooks.outgoing_superseded` lets it send the revoke / replace / update package (standards.md §4.4).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.audit.services import audit_record
from congso.core.errors import Conflict, PermissionDenied, ValidationFailed
from congso.documents import access, hooks
from congso.documents.constants import (
    Direction,
    IncomingStatus,
    OutboxStatus,
    OutgoingStatus,
    RelationKind,
)
from congso.documents.errors import DocumentNotFound, InvalidTransition
from congso.documents.models import (
    DocumentRelation,
    IncomingDocument,
    OutboxMessage,
    OutgoingDocument,
)
from congso.documents.services import outgoing_common as common
from congso.documents.services.search_index import search_entry_schedule

MAX_REASON = 500
COPY_MARKED = "documents.incoming_marked_by_sender"
_NOT_YET_ISSUED = (OutgoingStatus.DRAFT, OutgoingStatus.IN_REVIEW, OutgoingStatus.APPROVED)


def _dated(text: str) -> str:
    return f"[{timezone.localdate():%d/%m/%Y}] {text}"


def _append_note(current: str, note: str) -> str:
    combined = f"{current}\n{note}" if current else note
    return combined[-500:]


def _can_mark_revoked(copy: IncomingDocument) -> bool:
    """Every copy not already revoked or returned is revoked with its document — registered or
    still waiting for the clerk (the receiver cancels it on the system, Điều 18 khoản 4 điểm b).
    A copy revoked before registration never gets a số đến: accepting it is refused."""
    return copy.status not in (IncomingStatus.REVOKED, IncomingStatus.RETURNED)


def _mark_copies(document: OutgoingDocument, *, note: str, revoke: bool) -> int:
    """Write `note` on every incoming copy of `document` (and revoke them if asked)."""
    copies = IncomingDocument.objects.select_for_update().filter(source_outgoing=document)
    count = 0
    for copy in copies:
        fields = ["description", "updated_at"]
        copy.description = _append_note(copy.description, _dated(note))
        if revoke and _can_mark_revoked(copy):
            copy.status = IncomingStatus.REVOKED
            fields.append("status")
        copy.save(update_fields=fields)
        audit_record(
            actor=None,
            action=COPY_MARKED,
            target=copy,
            agency_id=copy.agency_id,
            data={"outgoing_id": document.pk, "note": note[:500], "revoked": revoke},
        )
        search_entry_schedule(direction=Direction.INCOMING, document_id=copy.pk)
        count += 1
    return count


def _require_same_agency(actor: Any, *documents: OutgoingDocument) -> None:
    for document in documents:
        if getattr(actor, "agency_id", None) != document.agency_id:
            raise DocumentNotFound(document.pk)


@transaction.atomic
def outgoing_document_revoke(
    *, actor: Any, document: OutgoingDocument, reason: str
) -> OutgoingDocument:
    """Revoke an issued document: it is frozen as "revoked", recipients' copies inside the
    installation are revoked with a note, and outbox messages not yet sent are cancelled."""
    reason = " ".join((reason or "").split())
    if not reason or len(reason) > MAX_REASON:
        raise ValidationFailed(
            _("Ghi lý do thu hồi (tối đa 500 ký tự)."), code="reason_required", field="reason"
        )
    _require_same_agency(actor, document)
    document = common.lock_document(document)
    if not access.can_revoke_outgoing(actor, document):
        raise PermissionDenied(_("Chỉ văn thư hoặc lãnh đạo cơ quan được thu hồi văn bản."))
    if document.status != OutgoingStatus.ISSUED:
        raise InvalidTransition(_("Chỉ thu hồi được văn bản đã ban hành."))
    document.status = OutgoingStatus.REVOKED
    document.revoked_at = timezone.now()
    document.save(update_fields=["status", "revoked_at", "updated_at"])
    cancelled = OutboxMessage.objects.filter(document=document, status=OutboxStatus.PENDING).update(
        status=OutboxStatus.CANCELLED, updated_at=timezone.now()
    )
    note = _("Văn bản số %(number)s đã bị cơ quan ban hành thu hồi. Lý do: %(reason)s") % {
        "number": document.number_notation,
        "reason": reason,
    }
    copies = _mark_copies(document, note=note, revoke=True)
    hooks.outgoing_superseded(document.pk, RelationKind.REVOKES, None, reason)
    audit_record(
        actor=actor,
        action=common.REVOKED,
        target=document,
        data={"reason": reason, "outbox_cancelled": cancelled, "copies_revoked": copies},
    )
    search_entry_schedule(direction=Direction.OUTGOING, document_id=document.pk)
    return document


def _declare(
    *, actor: Any, source: OutgoingDocument, target: OutgoingDocument, kind: str, reason: str
) -> DocumentRelation:
    _require_same_agency(actor, source, target)
    if source.pk == target.pk:
        raise ValidationFailed(_("Một văn bản không thể thay thế chính nó."), code="same_document")
    if target.status != OutgoingStatus.ISSUED:
        raise InvalidTransition(_("Văn bản bị thay thế/đính chính phải là văn bản đã ban hành."))
    if source.status not in _NOT_YET_ISSUED:
        raise InvalidTransition(_("Văn bản thay thế/đính chính phải là văn bản chưa ban hành."))
    if not (access.can_edit_outgoing(actor, source) or access.can_revoke_outgoing(actor, target)):
        raise PermissionDenied(_("Bạn không có quyền khai báo văn bản thay thế, đính chính."))
    if len(reason) > MAX_REASON:
        raise ValidationFailed(_("Lý do tối đa 500 ký tự."), code="reason_too_long", field="reason")
    if DocumentRelation.objects.filter(source=source, target=target, kind=kind).exists():
        raise Conflict(_("Quan hệ giữa hai văn bản đã được khai báo."), code="relation_exists")
    relation = DocumentRelation(source=source, target=target, kind=kind, reason=reason)
    relation.full_clean()
    relation.save()
    audit_record(
        actor=actor,
        action=common.RELATION_DECLARED,
        target=source,
        data={"kind": kind, "target_id": target.pk, "target": target.number_notation},
    )
    return relation


@transaction.atomic
def outgoing_document_replace(
    *, actor: Any, old: OutgoingDocument, new: OutgoingDocument, reason: str = ""
) -> DocumentRelation:
    """Declare that `new` (not yet issued) replaces the issued `old`; when `new` is issued,
    `old` becomes "replaced" and the recipients' copies of `old` say so (Điều 18 khoản 3)."""
    return _declare(
        actor=actor, source=new, target=old, kind=RelationKind.REPLACES, reason=reason.strip()
    )


@transaction.atomic
def outgoing_document_correct(
    *, actor: Any, original: OutgoingDocument, correction: OutgoingDocument, reason: str = ""
) -> DocumentRelation:
    """Declare `correction` — a công văn đính chính — as correcting the issued `original`
    (format or procedure errors, Điều 18 khoản 3); effective when the correction is issued."""
    if not common.is_official_letter(correction):
        raise ValidationFailed(
            _("Văn bản đính chính phải là công văn."),
            code="correction_must_be_official_letter",
            field="correction",
        )
    return _declare(
        actor=actor,
        source=correction,
        target=original,
        kind=RelationKind.CORRECTS,
        reason=reason.strip(),
    )


def relations_apply_on_issue(*, actor: Any, document: OutgoingDocument) -> list[dict[str, Any]]:
    """Called by the issuing service inside its transaction: carry out what `document` declared
    (replace or correct earlier documents) and tell those documents' recipients."""
    applied: list[dict[str, Any]] = []
    relations = DocumentRelation.objects.filter(source=document).select_related("target")
    for relation in relations:
        target = common.lock_document(relation.target)
        if relation.kind == RelationKind.REPLACES:
            note = _("Văn bản này đã được thay thế bởi văn bản số %(number)s.")
            if target.status == OutgoingStatus.ISSUED:
                target.status = OutgoingStatus.REPLACED
                target.save(update_fields=["status", "updated_at"])
                audit_record(
                    actor=actor,
                    action=common.REPLACED,
                    target=target,
                    data={"replaced_by": document.pk, "number": document.number_notation},
                )
                search_entry_schedule(direction=Direction.OUTGOING, document_id=target.pk)
        else:
            note = _("Văn bản này đã được đính chính bởi văn bản số %(number)s.")
        copies = _mark_copies(
            target, note=note % {"number": document.number_notation}, revoke=False
        )
        hooks.outgoing_superseded(target.pk, relation.kind, document.pk, relation.reason)
        applied.append({"kind": relation.kind, "target_id": target.pk, "copies": copies})
    return applied
