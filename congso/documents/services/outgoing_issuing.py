"""Issuing an approved outgoing document (phát hành): number, date, final PDF, delivery.

Nghị định 30/2020/NĐ-CP, Điều 14–15, 18 (standards.md §3.2, §3.5): the system numbers electronic
documents — at the competent person's signature when a signer is configured (outgoing_signing.py),
else here; số runs per agency and year in the outgoing book (secret documents in their own book);
ký hiệu is `{type}-{agency}` or, for a công văn, `{agency}-{drafting unit}`; the date line is
"Kon Tum, ngày 05 tháng 01 năm 2020". Issue on the day, urgent documents immediately: delivery
starts as soon as the transaction commits, for every document (there is no batching at all).

Recipients inside the installation receive an incoming document ("chờ vào sổ") through
`incoming_document_receive_internal`; each outside recipient gets one OutboxMessage for the
exchange app to send. A secret document never gets an OutboxMessage (SecretDocumentRule).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.audit.services import audit_record
from congso.core.errors import PermissionDenied
from congso.documents import access, hooks
from congso.documents.constants import (
    DeliveryStatus,
    Direction,
    FileRole,
    OutgoingStatus,
    SignatureState,
    VersionOrigin,
)
from congso.documents.errors import DocumentNotFound, InvalidTransition, SecretDocumentRule
from congso.documents.models import OutboxMessage, OutgoingDocument, OutgoingRecipient
from congso.documents.services import outgoing_common as common
from congso.documents.services.files import stored_file_put_bytes
from congso.documents.services.outgoing_relations import relations_apply_on_issue
from congso.documents.services.outgoing_signing import apply_seal, final_pdf, number_document
from congso.documents.services.search_index import search_entry_schedule
from congso.documents.signing import document_signer

logger = logging.getLogger(__name__)


def _check_secret_rule(document: OutgoingDocument, recipients: list[OutgoingRecipient]) -> None:
    if document.is_secret and any(r.agency_id is None for r in recipients):
        raise SecretDocumentRule(
            _("Văn bản mật không được gửi ra ngoài hệ thống: bỏ các nơi nhận bên ngoài."),
            field="recipients",
        )


@transaction.atomic
def outgoing_document_issue(*, clerk: Any, document: OutgoingDocument) -> OutgoingDocument:
    """Issue an approved document: store the final PDF as the issued version, leave an outbox
    message per outside recipient, and deliver to recipients inside the installation once the
    transaction has committed.

    A document the competent person signed already has its số and date (taken at signing,
    Nghị định 30/2020/NĐ-CP, Điều 15 khoản 3); its signed bytes are issued unchanged, after the
    organisation's signature — applied here if the văn thư has not applied it yet. An unsigned
    document takes the next số of the year's outgoing book now, its ký hiệu and today's date
    (Asia/Ho_Chi_Minh), and is issued "Chưa ký số".
    """
    document = common.lock_document(document)
    if getattr(clerk, "agency_id", None) != document.agency_id:
        raise DocumentNotFound(document.pk)
    if document.status != OutgoingStatus.APPROVED:
        raise InvalidTransition(_("Chỉ ban hành được văn bản đã được người ký duyệt."))
    if not access.can_issue_outgoing(clerk, document):
        raise PermissionDenied(
            _("Chỉ văn thư của cơ quan được ban hành văn bản."), code="clerk_required"
        )
    recipients = list(document.recipients.select_related("agency").order_by("pk"))
    _check_secret_rule(document, recipients)
    now = timezone.now()
    numbered_at_signing = document.code_number is not None
    sealed_now = None
    if numbered_at_signing:
        register = document.register
        signer = document_signer()
        if document.signature_state == SignatureState.PERSON_SIGNED and signer is not None:
            sealed_now = apply_seal(document, clerk=clerk, signer=signer)
    else:
        register = number_document(document, now=now)
    assert register is not None
    document.issued_at = now
    pdf, content = final_pdf(document)
    stored = stored_file_put_bytes(data=pdf, text_now=True)
    document.status = OutgoingStatus.ISSUED
    document.issued_amount = len(recipients) + 1
    document.full_clean()
    document.save()
    version = common.add_version(
        document,
        actor=clerk,
        origin=VersionOrigin.ISSUED,
        rendered=stored,
        content=content,
        note=document.number_notation,
    )
    outbox = [
        OutboxMessage(document=document, recipient=recipient)
        for recipient in recipients
        if recipient.agency_id is None
    ]
    assert not (document.is_secret and outbox), "secret documents never reach the outbox"
    OutboxMessage.objects.bulk_create(outbox)
    hooks.outbox_messages_written([message.pk for message in outbox])
    relations = relations_apply_on_issue(actor=clerk, document=document)
    audit_record(
        actor=clerk,
        action=common.ISSUED,
        target=document,
        data={
            "number": document.number_notation,
            "register_id": register.pk,
            "version": version.number,
            "sha256": stored.sha256,
            "signature_state": document.signature_state,
            "numbered_at_signing": numbered_at_signing,
            "sealed_on_issue": sealed_now is not None,
            "attachments_signed": sealed_now.attachments if sealed_now else [],
            "internal_recipients": sum(1 for r in recipients if r.agency_id),
            "outbox_messages": len(outbox),
            "relations": relations,
        },
    )
    search_entry_schedule(direction=Direction.OUTGOING, document_id=document.pk)
    document_id = document.pk
    transaction.on_commit(lambda: outgoing_document_deliver(document_id=document_id))
    return document


def _delivered_files(document: OutgoingDocument) -> list[tuple[Any, str, str]]:
    issued = (
        document.versions.select_related("rendered_file")
        .filter(origin=VersionOrigin.ISSUED)
        .order_by("-number")
        .first()
    )
    if issued is None or issued.rendered_file is None:
        return []
    main_name = f"{document.number_notation.replace('/', '-')}.pdf"
    files: list[tuple[Any, str, str]] = [(issued.rendered_file, main_name, FileRole.MAIN)]
    for attachment in document.attachments.select_related("stored_file"):
        files.append((attachment.stored_file, attachment.name, attachment.role))
    return files


def outgoing_document_deliver(*, document_id: int) -> int:
    """Deliver an issued document to each recipient agency of the installation not yet served
    (idempotent: safe to run again, e.g. from a retry task). Returns how many were delivered.

    Each recipient is delivered in its own transaction, so one failure does not hold up the
    others; a failed recipient is marked "failed" and can be retried by running this again.
    """
    from congso.documents.services.incoming_internal import incoming_document_receive_internal

    document = (
        OutgoingDocument.objects.select_related("agency", "signer", "created_by")
        .filter(pk=document_id, status=OutgoingStatus.ISSUED)
        .first()
    )
    if document is None:
        return 0
    files = _delivered_files(document)
    pending = document.recipients.filter(
        agency__isnull=False, delivered_document__isnull=True
    ).order_by("pk")
    delivered = 0
    for recipient in pending:
        try:
            incoming_document_receive_internal(outgoing=document, recipient=recipient, files=files)
        except Exception:  # one recipient's failure must not block the others
            logger.exception(
                "internal delivery failed: outgoing %s → recipient %s", document_id, recipient.pk
            )
            OutgoingRecipient.objects.filter(pk=recipient.pk).update(
                delivery_status=DeliveryStatus.FAILED
            )
            continue
        delivered += 1
    return delivered
