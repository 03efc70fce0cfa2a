"""Shared steps of the outgoing-document services: locking, layout, versions, recipients.

Nothing here is called from outside the outgoing services; the public use cases live in
`outgoing_drafting`, `outgoing_circuit`, `outgoing_issuing` and `outgoing_relations`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Max
from django.utils.translation import gettext as _

from congso.core.errors import ValidationFailed
from congso.documents.constants import RenditionStatus, VersionOrigin
from congso.documents.errors import DocumentNotFound, SecretDocumentRule
from congso.documents.models import (
    OutgoingDocument,
    OutgoingRecipient,
    OutgoingVersion,
    StoredFile,
)
from congso.documents.services import outgoing_notation as notation
from congso.documents.services.files import stored_file_put_bytes
from congso.documents.services.rendering import document_font, render_outgoing_pdf
from congso.organizations.constants import AgencyKind

# Audit actions (documents.<thing>_<verb>).
DRAFT_CREATED = "documents.outgoing_draft_create"
DRAFT_UPDATED = "documents.outgoing_draft_update"
VERSION_UPLOADED = "documents.outgoing_version_upload"
VERSION_CONVERTED = "documents.outgoing_version_convert"
COMMENT_ADDED = "documents.outgoing_comment_add"
ATTACHMENT_ADDED = "documents.outgoing_attachment_add"
RECIPIENTS_SET = "documents.outgoing_recipients_set"
SUBMITTED = "documents.outgoing_document_submit"
STEP_APPROVED = "documents.outgoing_step_approve"
STEP_RETURNED = "documents.outgoing_step_return"
ISSUED = "documents.outgoing_document_issue"
DELIVERED = "documents.outgoing_document_deliver"
REVOKED = "documents.outgoing_document_revoke"
RELATION_DECLARED = "documents.outgoing_relation_declare"
REPLACED = "documents.outgoing_document_replaced"

OFFICIAL_LETTER_CODE = "cong_van"
AUTHORITY_PREFIXES = ("TM.", "KT.", "TL.", "TUQ.", "Q.")
MAX_BODY_CHARS = 100_000


@dataclass(frozen=True)
class RecipientSpec:
    """One "nơi nhận": an agency of this installation, or an outside body by name (+ code)."""

    agency: Any = None
    name: str = ""
    organ_id: str = ""
    is_for_information: bool = False


def lock_document(document: OutgoingDocument) -> OutgoingDocument:
    """Re-read the document with its row locked for the rest of the transaction.

    Every transition goes through here, so two clerks issuing, or a reviewer approving while the
    drafter edits, run one after the other and the second sees the first one's state.
    """
    locked = (
        OutgoingDocument.objects.select_for_update(of=("self",))
        .select_related("agency", "agency__parent", "document_type", "drafting_unit")
        .select_related("urgency", "secrecy", "signer", "signer__position", "created_by")
        .filter(pk=document.pk)
        .first()
    )
    if locked is None:
        raise DocumentNotFound(document.pk)
    return locked


def is_official_letter(document: OutgoingDocument) -> bool:
    return document.document_type.code == OFFICIAL_LETTER_CODE or not (
        document.document_type.abbreviation
    )


def document_notation(document: OutgoingDocument) -> str:
    """Ký hiệu from the type, the issuing agency and the drafting unit (Điều 15; §3.2)."""
    unit = document.drafting_unit.abbreviation if document.drafting_unit else ""
    return notation.compose_notation(
        type_abbreviation=document.document_type.abbreviation,
        agency_abbreviation=document.agency.abbreviation,
        unit_abbreviation=unit,
    )


def authority_prefix(authority_line: str) -> str:
    first = authority_line.strip().split(" ", 1)[0].upper() if authority_line.strip() else ""
    return next((p for p in AUTHORITY_PREFIXES if p.upper() == first), "")


def _parent_agency_name(document: OutgoingDocument) -> str:
    parent = document.agency.parent
    if parent is None or parent.kind == AgencyKind.INTERNAL_UNIT:
        return ""
    return parent.name


def _mark(level: Any) -> str:
    """Ô 10a/10b: a secrecy or urgency mark, none for the ordinary level."""
    if level is None or level.code == "thuong":
        return ""
    return str(level.name).upper()


def build_layout(
    document: OutgoingDocument,
    *,
    authority_line: str,
    number: int | None = None,
    issued_on: date | None = None,
) -> dict[str, Any]:
    """Everything the PDF shows, as plain data: stored in `OutgoingVersion.content`, so the
    version can be rendered again, byte for byte, from its content alone."""
    official_letter = is_official_letter(document)
    recipients = [r.name for r in document.recipients.order_by("pk")]
    unit = document.drafting_unit.abbreviation if document.drafting_unit else ""
    place = document.place_name or document.agency.place_name or "Kon Tum"
    return {
        "layout": 1,
        "font": document_font().name,
        "parent_agency": _parent_agency_name(document),
        "agency": document.agency.name,
        "number_line": notation.number_line(number, document_notation(document)),
        "date_line": (
            notation.date_line(place, issued_on)
            if issued_on
            else notation.date_line_placeholder(place)
        ),
        "is_official_letter": official_letter,
        "type_name": "" if official_letter else document.document_type.name.split(" (")[0],
        "subject": notation.subject_line(
            is_official_letter=official_letter, subject=document.subject
        ),
        "addressed_to": document.addressed_to,
        "body": document.body,
        "secrecy_mark": _mark(document.secrecy),
        "urgency_mark": _mark(document.urgency),
        "authority_line": authority_line,
        "signer_position": document.signer_position,
        "signer_name": document.signer_full_name,
        "recipients": recipients,
        "storage_line": notation.storage_line(unit),
    }


def latest_version(document: OutgoingDocument) -> OutgoingVersion | None:
    return (
        OutgoingVersion.objects.select_related("rendered_file", "source_file")
        .filter(document=document)
        .order_by("-number")
        .first()
    )


def latest_authority_line(document: OutgoingDocument) -> str:
    composed = document.versions.filter(origin=VersionOrigin.COMPOSED).order_by("-number").first()
    return str(composed.content.get("authority_line", "")) if composed else ""


def add_version(
    document: OutgoingDocument,
    *,
    actor: Any,
    origin: str,
    rendered: StoredFile | None,
    content: dict[str, Any] | None = None,
    source: StoredFile | None = None,
    status: str = RenditionStatus.READY,
    note: str = "",
) -> OutgoingVersion:
    """Append the next immutable version (the document row is locked by the caller)."""
    last = document.versions.aggregate(last=Max("number"))["last"] or 0
    version = OutgoingVersion(
        document=document,
        number=last + 1,
        rendered_file=rendered,
        source_file=source,
        rendition_status=status,
        origin=origin,
        content=content or {},
        note=note[:255],
        created_by=actor,
    )
    version.full_clean()
    version.save()
    if rendered is not None and rendered.page_count:
        document.page_amount = rendered.page_count
        document.save(update_fields=["page_amount", "updated_at"])
    return version


def render_version(
    document: OutgoingDocument, *, actor: Any, authority_line: str, note: str = ""
) -> OutgoingVersion:
    layout = build_layout(document, authority_line=authority_line)
    stored = stored_file_put_bytes(data=render_outgoing_pdf(layout), text_now=True)
    return add_version(
        document,
        actor=actor,
        origin=VersionOrigin.COMPOSED,
        rendered=stored,
        content=layout,
        note=note,
    )


def check_secret_recipients(document: OutgoingDocument, specs: list[RecipientSpec]) -> None:
    """Secret documents never leave the installation: no outside recipient, on any path."""
    if document.is_secret and any(spec.agency is None for spec in specs):
        raise SecretDocumentRule(
            _("Văn bản mật không được gửi ra ngoài hệ thống (chỉ chọn cơ quan trong tỉnh)."),
            field="recipients",
        )


def replace_recipients(document: OutgoingDocument, specs: list[RecipientSpec]) -> None:
    check_secret_recipients(document, specs)
    document.recipients.all().delete()
    for spec in specs:
        recipient = OutgoingRecipient(
            document=document,
            agency=spec.agency,
            name=(spec.name or (spec.agency.name if spec.agency else "")).strip(),
            organ_id=(
                spec.organ_id or (spec.agency.code_qcvn102 or "" if spec.agency else "")
            ).strip(),
            is_for_information=spec.is_for_information,
        )
        recipient.full_clean(exclude=["document", "delivered_document"])
        recipient.save()


def validate_recipients(agency: Any, specs: list[RecipientSpec]) -> list[RecipientSpec]:
    """Agencies of the tree (not internal units, not the issuing agency itself), or outside
    bodies with a name; duplicates dropped, order kept."""
    cleaned: list[RecipientSpec] = []
    seen: set[str] = set()
    for spec in specs:
        if spec.agency is not None:
            if spec.agency.kind == AgencyKind.INTERNAL_UNIT or not spec.agency.is_active:
                raise ValidationFailed(
                    _("Nơi nhận phải là cơ quan, tổ chức đang hoạt động."),
                    code="invalid_recipient",
                    field="recipients",
                )
            if spec.agency.pk == agency.pk:
                raise ValidationFailed(
                    _("Không gửi văn bản cho chính cơ quan ban hành (bản lưu ghi ở dòng Lưu)."),
                    code="invalid_recipient",
                    field="recipients",
                )
            key = f"a{spec.agency.pk}"
        else:
            name = spec.name.strip()
            if not name or len(name) > 200 or len(spec.organ_id.strip()) > 13:
                raise ValidationFailed(
                    _("Nơi nhận ngoài hệ thống cần tên (tối đa 200 ký tự) và mã tối đa 13 ký tự."),
                    code="invalid_recipient",
                    field="recipients",
                )
            key = f"n{name.lower()}"
        if key not in seen:
            seen.add(key)
            cleaned.append(spec)
    if len(cleaned) > 500:
        raise ValidationFailed(
            _("Tối đa 500 nơi nhận."), code="invalid_recipient", field="recipients"
        )
    return cleaned
