"""Drafts from files: an uploaded PDF or DOCX as a new draft or a new version, and the later
conversion of a DOCX whose PDF is pending.

A DOCX is converted to PDF with LibreOffice headless where installed; otherwise the version keeps
the DOCX and its rendition status is "pending" (issuing waits for the PDF). File work happens
before the database transaction opens, so a slow conversion never holds the write lock.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, BinaryIO

from django.db import transaction
from django.utils.translation import gettext as _

from congso.audit.services import audit_record
from congso.documents import access
from congso.documents.constants import Direction, OutgoingStatus, RenditionStatus, VersionOrigin
from congso.documents.errors import FileRejected, InvalidTransition
from congso.documents.models import OutgoingDocument, OutgoingVersion, StoredFile
from congso.documents.services import outgoing_common as common
from congso.documents.services.files import (
    DOCX,
    PDF,
    safe_file_name,
    stored_file_put,
    stored_file_put_bytes,
    stored_file_read,
)
from congso.documents.services.outgoing_common import RecipientSpec
from congso.documents.services.outgoing_drafting import finish_new_draft, new_document
from congso.documents.services.rendering import RenderingUnavailable, convert_docx_to_pdf
from congso.documents.services.search_index import search_entry_schedule


def _store_upload(
    stream: BinaryIO, file_name: str
) -> tuple[str, StoredFile, StoredFile | None, str]:
    """Validate and store an uploaded draft; a DOCX is converted to PDF when LibreOffice exists."""
    name = safe_file_name(file_name)
    source = stored_file_put(stream=stream)
    if source.media_type == PDF:
        return name, source, source, RenditionStatus.READY
    if source.media_type != DOCX:
        raise FileRejected(
            _("Dự thảo tải lên phải là tệp PDF hoặc DOCX."),
            code="unsupported_file_type",
            field="file",
        )
    try:
        pdf = convert_docx_to_pdf(stored_file_read(source))
    except RenderingUnavailable:
        return name, source, None, RenditionStatus.FAILED
    if pdf is None:
        return name, source, None, RenditionStatus.PENDING
    return name, source, stored_file_put_bytes(data=pdf, text_now=True), RenditionStatus.READY


def _add_uploaded_version(
    document: OutgoingDocument,
    *,
    actor: Any,
    upload: tuple[str, StoredFile, StoredFile | None, str],
    note: str = "",
) -> OutgoingVersion:
    name, source, rendered, status = upload
    return common.add_version(
        document,
        actor=actor,
        origin=VersionOrigin.UPLOADED,
        rendered=rendered,
        source=source if source.media_type == DOCX else None,
        status=status,
        content={"file_name": name, "media_type": source.media_type},
        note=note,
    )


def outgoing_draft_upload(
    *,
    author: Any,
    document_type: Any,
    subject: str,
    stream: BinaryIO,
    file_name: str,
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
    """Start a draft from an uploaded PDF or DOCX (version 1 is the file as uploaded)."""
    upload = _store_upload(stream, file_name)
    with transaction.atomic():
        document = new_document(
            author=author,
            document_type=document_type,
            subject=subject,
            body="",
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
        version = _add_uploaded_version(document, actor=author, upload=upload)
        audit_record(
            actor=author,
            action=common.DRAFT_CREATED,
            target=document,
            data={"version": version.number, "subject": document.subject, "composed": False},
        )
        search_entry_schedule(direction=Direction.OUTGOING, document_id=document.pk)
    return document


def outgoing_version_upload(
    *, actor: Any, document: OutgoingDocument, stream: BinaryIO, file_name: str, note: str = ""
) -> OutgoingVersion:
    """A new version of a draft from a file (drafter, state draft)."""
    if not access.can_edit_outgoing(actor, document):
        raise InvalidTransition(_("Chỉ người soạn thảo được tải lên phiên bản mới của dự thảo."))
    upload = _store_upload(stream, file_name)
    with transaction.atomic():
        document = common.lock_document(document)
        if document.status != OutgoingStatus.DRAFT:
            raise InvalidTransition(_("Chỉ sửa được văn bản đang là dự thảo."))
        version = _add_uploaded_version(document, actor=actor, upload=upload, note=note)
        audit_record(
            actor=actor,
            action=common.VERSION_UPLOADED,
            target=document,
            data={"version": version.number, "sha256": upload[1].sha256},
        )
        search_entry_schedule(direction=Direction.OUTGOING, document_id=document.pk)
    return version


def outgoing_version_convert(*, version: OutgoingVersion) -> OutgoingVersion:
    """Retry the PDF conversion of an uploaded DOCX whose PDF is pending or failed (idempotent).

    The version's DOCX never changes; only the missing PDF is filled in, once.
    """
    if version.rendition_status == RenditionStatus.READY or version.source_file is None:
        return version
    pdf = convert_docx_to_pdf(stored_file_read(version.source_file))
    if pdf is None:
        return version
    rendered = stored_file_put_bytes(data=pdf, text_now=True)
    with transaction.atomic():
        locked = OutgoingVersion.objects.select_for_update().get(pk=version.pk)
        if locked.rendition_status == RenditionStatus.READY:
            return locked
        locked.rendered_file = rendered
        locked.rendition_status = RenditionStatus.READY
        locked.save(update_fields=["rendered_file", "rendition_status"])
        audit_record(
            actor=None,
            action=common.VERSION_CONVERTED,
            target=locked.document,
            agency_id=locked.document.agency_id,
            data={"version": locked.number, "sha256": rendered.sha256},
        )
        search_entry_schedule(direction=Direction.OUTGOING, document_id=locked.document_id)
    return locked
