"""Documents that arrive from an agency outside the installation, through the exchange hub
(trục liên thông, QCVN 102:2016/BTTTT).

The exchange app has read and checked the package; this service files what it found, in the
words of Nghị định 30/2020/NĐ-CP, Phụ lục VI: the document waits in status "received" (QCVN 102
code 01, "đã đến") until a clerk of the recipient agency accepts it (03, with its số đến) or
returns it with a reason (02) — Điều 21 khoản 2. The digital signature of every PDF is checked
on arrival and kept on the file (incoming_signatures.py); the caller decides what a failed check
means for the arrival.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.audit.services import audit_record
from congso.catalogues.models import DocumentType, SecrecyLevel, UrgencyLevel
from congso.documents import hooks
from congso.documents.constants import Direction, IncomingSource, IncomingStatus
from congso.documents.models import IncomingDocument, IncomingFile, StoredFile
from congso.documents.services.files import (
    KnownText,
    is_pdf_file,
    pdf_text_known,
    stored_file_contains,
)
from congso.documents.services.incoming import MAX_LENGTHS
from congso.documents.services.incoming_common import IncomingAction
from congso.documents.services.incoming_signatures import (
    PDF,
    PdfToCheck,
    apply_check,
    pdf_signature_checks,
    signature_audit_data,
    signature_check,
)
from congso.documents.services.search_index import search_entry_schedule
from congso.signatures.constants import ValidationVerdict
from congso.signatures.lib.engine import SIGNATURE_MARKER, carries_signature
from congso.signatures.services import SignatureCheck, check_source


@dataclass(frozen=True)
class ExternalArrival:
    """The metadata of a document sent by an outside agency (Phụ lục VI, part II names)."""

    agency_id: int  # the recipient agency of this installation
    organ_id: str  # OrganId of the issuer
    organ_name: str
    document_type: DocumentType
    issued_on: date
    subject: str
    code_number: str = ""
    code_notation: str = ""
    urgency: UrgencyLevel | None = None
    signer_position: str = ""
    signer_full_name: str = ""
    to_places: str = ""
    due_on: date | None = None
    page_amount: int | None = None
    description: str = ""


def arrival_signature_checks(
    files: Sequence[tuple[StoredFile, str, str]],
) -> list[SignatureCheck | None]:
    """Each file's signature check. A PDF without any signature dictionary is found "unsigned"
    by scanning its blob in chunks, so a large unsigned attachment is never read into memory
    (the signatures service takes the bytes of the files it validates)."""
    checks: list[SignatureCheck | None] = []
    for stored, name, _role in files:
        if stored.media_type == PDF and not stored_file_contains(stored, SIGNATURE_MARKER):
            checks.append(
                SignatureCheck(
                    verdict=ValidationVerdict.UNSIGNED, summary=_("Tệp không có chữ ký số nào.")
                )
            )
        else:
            checks.append(signature_check(actor=None, stored=stored, name=name))
    return checks


def arrival_attachment_checks(
    attachments: Sequence[tuple[Path, str]],
) -> list[SignatureCheck | None]:
    """`arrival_signature_checks` for an arrival's files BEFORE they are stored ((path, name as
    it will be stored) pairs): the verdicts depend on the bytes alone, so the connector runs
    them before its registering transaction and no lock is held while certificates and
    revocation are checked. A file that is not a PDF (`stored_file_put` would not type it
    PDF) has no check; the reports of signed files are stored and audited by the signatures
    app in their own (short) transaction, so a verdict stays on record even when the
    arrival is then refused for it."""
    return arrival_attachment_checks_many([attachments])[0]


def arrival_attachment_checks_many(
    arrivals: Sequence[Sequence[tuple[Path, str]]],
) -> list[list[SignatureCheck | None]]:
    """`arrival_attachment_checks` of several arrivals (a part of a hub page) at once: one list
    of checks per arrival, each what the arrival's own call gives, with the reports of all
    their signed PDFs stored in one short transaction (`pdf_signature_checks`)."""
    checks: list[list[SignatureCheck | None]] = []
    signed: list[tuple[list[SignatureCheck | None], int, PdfToCheck]] = []
    for attachments in arrivals:
        arrival: list[SignatureCheck | None] = []
        for path, name in attachments:
            if not is_pdf_file(path):
                arrival.append(None)
            elif not carries_signature(path):
                arrival.append(
                    SignatureCheck(
                        verdict=ValidationVerdict.UNSIGNED,
                        summary=_("Tệp không có chữ ký số nào."),
                    )
                )
            else:
                arrival.append(None)  # its place, filled below
                signed.append(
                    (arrival, len(arrival) - 1, PdfToCheck(partial(check_source, path), name, name))
                )
        checks.append(arrival)
    if signed:
        found = pdf_signature_checks(actor=None, pdfs=[pdf for _a, _i, pdf in signed])
        for (arrival, index, _pdf), check in zip(signed, found, strict=True):
            arrival[index] = check
    return checks


def arrival_attachment_texts(paths: Sequence[Path]) -> list[KnownText | None]:
    """The text layers of an arrival's PDFs BEFORE they are stored, one per file (None for a
    file that is not a PDF, or too large to be read whole: `pdf_text_known`): extracted
    outside the registering transaction and handed to `stored_file_put(text=...)`, so the
    files are stored with their text and the document's search entry is written once, with
    it."""
    return [pdf_text_known(path) if is_pdf_file(path) else None for path in paths]


def _cut(value: str, name: str) -> str:
    return " ".join((value or "").split())[: MAX_LENGTHS[name]]


def arrival_document(
    arrival: ExternalArrival,
    *,
    main_pages: int | None,
    urgency: UrgencyLevel | None = None,
    secrecy: SecrecyLevel | None = None,
) -> IncomingDocument:
    """The unsaved incoming document of an arrival, in status "received" (Phụ lục VI lengths
    applied). Never secret: secret documents do not travel (QĐ 28/2018/QĐ-TTg). `urgency`
    (when the arrival names none) and `secrecy` are the "thường" entries, loaded if not given."""
    return IncomingDocument(
        agency_id=arrival.agency_id,
        register=None,
        arrival_number=None,
        arrived_at=timezone.now(),
        document_type=arrival.document_type,
        code_number=_cut(arrival.code_number, "code_number"),
        code_notation=_cut(arrival.code_notation, "code_notation"),
        issued_on=arrival.issued_on,
        issuer=None,
        organ_id=arrival.organ_id[:13],
        organ_name=_cut(arrival.organ_name, "organ_name") or arrival.organ_id,
        subject=_cut(arrival.subject, "subject"),
        page_amount=main_pages or arrival.page_amount,
        description=_cut(arrival.description, "description"),
        signer_position=_cut(arrival.signer_position, "signer_position"),
        signer_full_name=_cut(arrival.signer_full_name, "signer_full_name"),
        urgency=arrival.urgency or urgency or UrgencyLevel.objects.get(code="thuong"),
        secrecy=secrecy or SecrecyLevel.objects.get(code="thuong"),
        is_secret=False,
        to_places=(arrival.to_places or "")[: MAX_LENGTHS["to_places"]],
        due_on=arrival.due_on,
        status=IncomingStatus.RECEIVED,
        source=IncomingSource.EXCHANGE,
        registered_by=None,
    )


def arrival_files(
    document: IncomingDocument,
    files: Sequence[tuple[StoredFile, str, str]],
    checks: Sequence[SignatureCheck | None],
) -> list[IncomingFile]:
    """The unsaved file rows of an arrival, each with its signature check."""
    rows = [
        IncomingFile(document=document, stored_file=stored, name=name, role=role, ordinal=i)
        for i, (stored, name, role) in enumerate(files)
    ]
    for row, check in zip(rows, checks, strict=True):
        apply_check(row, check)
    return rows


def arrival_audit_data(
    document: IncomingDocument,
    files: Sequence[tuple[StoredFile, str, str]],
    rows: Sequence[IncomingFile],
) -> dict[str, Any]:
    return {
        "organ_id": document.organ_id,
        "files": [stored.sha256 for stored, _name, _role in files],
        **signature_audit_data(rows),
    }


@transaction.atomic
def incoming_document_receive_exchange(
    *,
    arrival: ExternalArrival,
    files: Sequence[tuple[StoredFile, str, str]],
    checks: Sequence[SignatureCheck | None] | None = None,
) -> IncomingDocument:
    """File an arrival from the exchange hub in status "received" with its files (already
    stored), each PDF's signature checked — here, or before the caller's transaction
    (`checks`, one per file: `arrival_attachment_checks`). Never secret: secret documents do
    not travel (QĐ 28/2018/QĐ-TTg); the exchange app refuses them before calling this."""
    if checks is None:
        checks = arrival_signature_checks(files)
    document = arrival_document(arrival, main_pages=files[0][0].page_count if files else None)
    document.full_clean()
    document.save()
    rows = arrival_files(document, files, checks)
    IncomingFile.objects.bulk_create(rows)
    audit_record(
        actor=None,
        action=IncomingAction.RECEIVED_EXCHANGE,
        target=document,
        agency_id=document.agency_id,
        data=arrival_audit_data(document, files, rows),
    )
    search_entry_schedule(direction=Direction.INCOMING, document_id=document.pk)
    return document


SENDER_REVOKED = "documents.incoming_revoked_by_sender"
SENDER_NOTE = "documents.incoming_noted_by_sender"


def _sender_note(document: IncomingDocument, note: str) -> None:
    dated = f"[{timezone.localdate():%d/%m/%Y}] {note}"
    combined = f"{document.description}\n{dated}" if document.description else dated
    document.description = combined[-MAX_LENGTHS["description"] :]


@transaction.atomic
def incoming_document_revoke_by_sender(
    *, document_id: int, reason: str, actor: object = None
) -> IncomingDocument:
    """The outside sender revoked (thu hồi) a document received through the hub, and this
    agency carries it out (Nghị định 30/2020/NĐ-CP, Điều 18 khoản 4 điểm b): the copy becomes
    "revoked", frozen, with the reason in its notes. `actor` is the clerk who agreed, or None
    when the connector applied it by itself. Revoking a revoked copy changes nothing."""
    document = IncomingDocument.objects.select_for_update().get(pk=document_id)
    if document.status == IncomingStatus.REVOKED:
        return document
    previous = document.status
    document.status = IncomingStatus.REVOKED
    _sender_note(document, f"Cơ quan gửi đã thu hồi văn bản. Lý do: {reason}"[:400])
    document.save(update_fields=["status", "description", "updated_at"])
    audit_record(
        actor=actor,
        action=SENDER_REVOKED,
        target=document,
        agency_id=document.agency_id,
        data={"reason": reason[:500], "previous_status": previous},
    )
    search_entry_schedule(direction=Direction.INCOMING, document_id=document.pk)
    hooks.incoming_state_changed(document.pk, document.status)
    return document


@transaction.atomic
def incoming_document_note_by_sender(*, document_id: int, note: str) -> None:
    """Write what the outside sender said about this document (replaced or updated by a later
    one) in its notes, audited."""
    document = IncomingDocument.objects.select_for_update().get(pk=document_id)
    _sender_note(document, note[:400])
    document.save(update_fields=["description", "updated_at"])
    audit_record(
        actor=None,
        action=SENDER_NOTE,
        target=document,
        agency_id=document.agency_id,
        data={"note": note[:500]},
    )
