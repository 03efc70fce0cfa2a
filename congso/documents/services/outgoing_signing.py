"""Numbering and digital signatures of an outgoing document (cấp số, ký số).

With a signer configured (`CONGSO_DOCUMENT_SIGNER`, congso/documents/signing.py) the order is the
one of Nghị định 30/2020/NĐ-CP, Điều 14 khoản 1 (standards.md §3.4, §3.5):

1. the signer — the last step of the circuit, kind "sign" — approves: in the same transaction the
   system takes the next số of the year's outgoing book, renders the final PDF with số, ký hiệu
   and date line (the version that will be issued), and the competent person signs THAT PDF
   (PAdES B-T, blue handwritten image; both signature fields are created before this first
   signature) — `signature_state` becomes `person_signed`;
2. the văn thư applies the organisation's signature (red seal overlapping the left third of the
   person's image) — only to a document the competent person has signed (Điều 32 khoản 2 điểm
   c–d) — `fully_signed`;
3. the văn thư issues it: delivery inside the installation and the outbox, bytes unchanged.

Nothing is written into the PDF after the first signature, so both signatures validate with no
modification flagged. Without a signer the văn thư numbers the document when issuing it and it
is issued "Chưa ký số" (outgoing_issuing.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.audit.services import audit_record
from congso.core.errors import PermissionDenied
from congso.documents import access
from congso.documents.constants import (
    Direction,
    OutgoingStatus,
    RenditionStatus,
    ReviewStepKind,
    SignatureState,
    VersionOrigin,
)
from congso.documents.errors import DocumentNotFound, InvalidTransition
from congso.documents.models import DocumentRegister, OutgoingDocument, OutgoingVersion, ReviewStep
from congso.documents.services import outgoing_common as common
from congso.documents.services import outgoing_notation as notation
from congso.documents.services.files import stored_file_put_bytes, stored_file_read
from congso.documents.services.numbering import register_take_numbers
from congso.documents.services.rendering import render_outgoing_pdf
from congso.documents.services.search_index import search_entry_schedule
from congso.documents.signing import DocumentSigner, document_signer
from congso.workdays.calendar import local_day

SEALED = "documents.outgoing_document_seal"
PDF = "application/pdf"
NUMBER_FIELDS = ["register", "code_number", "code_notation", "issued_on", "storage_note"]


def number_document(document: OutgoingDocument, *, now: datetime) -> DocumentRegister:
    """Give the document its số, ký hiệu and date from the year's outgoing book.

    Electronic documents are numbered by the system (Nghị định 30/2020/NĐ-CP, Điều 15 khoản 3):
    with a signer configured at the moment the competent person signs, since số and date are
    part of the signed PDF; without one when the văn thư issues it. The sequence stays gap-free:
    the book row is locked until the surrounding transaction commits, and a failed signature
    rolls the number back with everything else. A document signed but never issued keeps its
    number — the book never hands it out again, as số and ký hiệu are unique within the year
    (Điều 15 khoản 1) and the signed PDF already shows it.

    The caller (inside its transaction, document row locked) saves the document.
    """
    register, number = register_take_numbers(
        agency_id=document.agency_id,
        year=local_day(now).year,
        direction=Direction.OUTGOING,
        is_secret=document.is_secret,
    )
    document.register = register
    document.code_number = number
    document.code_notation = common.document_notation(document)
    document.issued_on = local_day(now)
    document.storage_note = notation.storage_line(
        document.drafting_unit.abbreviation if document.drafting_unit else ""
    )
    return register


def final_pdf(document: OutgoingDocument) -> tuple[bytes, dict[str, Any]]:
    """The PDF of the numbered document: a composed draft is rendered again with its số and date;
    an uploaded or signed PDF is kept as it is (its bytes are frozen, anchors.md §1.4 rule 6)."""
    latest = common.latest_version(document)
    if latest is None or latest.rendition_status != RenditionStatus.READY:
        raise InvalidTransition(
            _("Dự thảo chưa có bản PDF (tệp DOCX chưa được chuyển đổi), chưa thể cấp số."),
            code="pdf_pending",
        )
    if latest.origin == VersionOrigin.COMPOSED:
        layout = common.build_layout(
            document,
            authority_line=common.latest_authority_line(document),
            number=document.code_number,
            issued_on=document.issued_on,
        )
        return render_outgoing_pdf(layout), layout
    assert latest.rendered_file is not None
    content = dict(latest.content)
    content["issued_number"] = document.number_notation
    return stored_file_read(latest.rendered_file), content


def sign_on_approval(
    document: OutgoingDocument, *, actor: Any, step: ReviewStep
) -> dict[str, Any] | None:
    """The signer's approval with a signer configured: số, date, final PDF, person signature.

    Called by `outgoing_step_approve` inside its transaction (document row locked) once the last
    step is approved; returns what the approval's audit entry records, or None without a signer.
    """
    signer = document_signer()
    if signer is None or step.kind != ReviewStepKind.SIGN:
        return None
    if step.version is None or step.version.rendition_status != RenditionStatus.READY:
        raise InvalidTransition(
            _("Dự thảo chưa có bản PDF (tệp DOCX chưa được chuyển đổi), chưa thể ký số."),
            code="pdf_pending",
        )
    register = number_document(document, now=timezone.now())
    pdf, content = final_pdf(document)
    signed = stored_file_put_bytes(data=signer.sign_as_person(document, pdf, actor), text_now=True)
    document.signature_state = SignatureState.PERSON_SIGNED
    document.full_clean()
    document.save(update_fields=[*NUMBER_FIELDS, "signature_state", "updated_at"])
    version = common.add_version(
        document,
        actor=actor,
        origin=VersionOrigin.SIGNED,
        rendered=signed,
        content=content,
        note=_("Ký số người có thẩm quyền — số %(number)s") % {"number": document.number_notation},
    )
    return {
        "number": document.number_notation,
        "register_id": register.pk,
        "signed_version": version.number,
        "sha256": signed.sha256,
    }


@dataclass(frozen=True)
class Sealed:
    version: OutgoingVersion
    attachments: list[dict[str, str]]  # name, sha256 before and after signing


def _sign_attachments(
    document: OutgoingDocument, *, clerk: Any, signer: DocumentSigner
) -> list[dict[str, str]]:
    """Each PDF attachment or appendix in a separate file gets the organisation's signature as
    text only — số và ký hiệu and signing time, top right of page 1 (Phụ lục I; standards.md
    §3.4) — when the signer offers `sign_attachment`. The attachment then points at the signed
    bytes; the unsigned ones stay in the store, named in the audit entry."""
    sign_attachment = getattr(signer, "sign_attachment", None)
    if sign_attachment is None:
        return []
    signed_files: list[dict[str, str]] = []
    for attachment in document.attachments.select_related("stored_file").order_by("ordinal", "pk"):
        original = attachment.stored_file
        if original.media_type != PDF:
            continue
        signed = stored_file_put_bytes(
            data=sign_attachment(document, stored_file_read(original), clerk), text_now=True
        )
        attachment.stored_file = signed
        attachment.save(update_fields=["stored_file"])
        signed_files.append(
            {"name": attachment.name[:100], "unsigned": original.sha256, "signed": signed.sha256}
        )
    return signed_files


def apply_seal(document: OutgoingDocument, *, clerk: Any, signer: DocumentSigner) -> Sealed:
    """Fill the organisation's signature field of the person-signed PDF and sign the PDF
    attachments (the document row is locked by the caller, its state checked)."""
    latest = common.latest_version(document)
    if latest is None or latest.origin != VersionOrigin.SIGNED or latest.rendered_file is None:
        raise InvalidTransition(
            _("Không tìm thấy bản đã ký số của người có thẩm quyền."),
            code="person_signature_missing",
        )
    sealed = signer.sign_as_agency(document, stored_file_read(latest.rendered_file), clerk)
    stored = stored_file_put_bytes(data=sealed, text_now=True)
    version = common.add_version(
        document,
        actor=clerk,
        origin=VersionOrigin.SIGNED,
        rendered=stored,
        content=latest.content,
        note=_("Ký số của cơ quan"),
    )
    attachments = _sign_attachments(document, clerk=clerk, signer=signer)
    document.signature_state = SignatureState.FULLY_SIGNED
    document.save(update_fields=["signature_state", "updated_at"])
    return Sealed(version=version, attachments=attachments)


@transaction.atomic
def outgoing_document_seal(*, clerk: Any, document: OutgoingDocument) -> OutgoingDocument:
    """The văn thư applies the organisation's digital signature (ô 8) to an approved document.

    Only the văn thư of the issuing agency, and only to a document its competent person has
    already signed (Nghị định 30/2020/NĐ-CP, Điều 32 khoản 2 điểm c–d; standards.md §3.4); the
    signature fills the field created before the person signed, so the person's signature stays
    intact. Issuing is the next, separate step.
    """
    document = common.lock_document(document)
    if getattr(clerk, "agency_id", None) != document.agency_id:
        raise DocumentNotFound(document.pk)
    if not access.can_issue_outgoing(clerk, document):
        raise PermissionDenied(
            _("Chỉ văn thư của cơ quan được ký số của cơ quan."), code="clerk_required"
        )
    if document.status != OutgoingStatus.APPROVED:
        raise InvalidTransition(_("Chỉ ký số của cơ quan cho văn bản đã duyệt, chờ ban hành."))
    if document.signature_state == SignatureState.FULLY_SIGNED:
        raise InvalidTransition(
            _("Văn bản đã có chữ ký số của cơ quan."), code="agency_signature_present"
        )
    if document.signature_state != SignatureState.PERSON_SIGNED:
        raise InvalidTransition(
            _(
                "Văn bản chưa có chữ ký số của người có thẩm quyền: văn thư chỉ ký số của cơ "
                "quan sau khi người có thẩm quyền đã ký (Nghị định 30/2020/NĐ-CP, Điều 32)."
            ),
            code="person_signature_missing",
        )
    signer = document_signer()
    if signer is None:
        raise InvalidTransition(
            _("Hệ thống chưa được cấu hình ký số."), code="signer_not_configured"
        )
    sealed = apply_seal(document, clerk=clerk, signer=signer)
    audit_record(
        actor=clerk,
        action=SEALED,
        target=document,
        data={
            "number": document.number_notation,
            "version": sealed.version.number,
            "sha256": sealed.version.rendered_file.sha256 if sealed.version.rendered_file else "",
            "attachments": sealed.attachments,
        },
    )
    search_entry_schedule(direction=Direction.OUTGOING, document_id=document.pk)
    return document
