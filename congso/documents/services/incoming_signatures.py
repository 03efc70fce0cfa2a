"""Checking the digital signatures of incoming documents (kiểm tra chữ ký số văn bản đến).

Nghị định 30/2020/NĐ-CP, Điều 21 khoản 2: the văn thư checks the authenticity and integrity of
an electronic document on receipt. Every PDF of an incoming document — main file and
attachments, uploaded or delivered inside the installation — is validated by the signatures app
when it is registered, and again on demand ("Kiểm tra lại": revocation or trust may change).
The verdict and a Vietnamese summary are kept on the file, the full report (biên bản) in the
signatures app. A problem never blocks registration: an invalid signature is a fact the clerk
must see, and a check that could not run says so.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.audit.services import audit_record
from congso.core.errors import PermissionDenied
from congso.documents.constants import FileRole
from congso.documents.models import IncomingDocument, IncomingFile, StoredFile
from congso.documents.services.files import blob_path
from congso.documents.services.incoming_common import IncomingAction
from congso.signatures.constants import ValidationVerdict
from congso.signatures.services import (
    FileToCheck,
    SignatureCheck,
    check_source,
    file_signatures_check,
    file_signatures_check_many,
    validation_recheck,
)

logger = logging.getLogger(__name__)
PDF = "application/pdf"
_PROBLEMS = (ValidationVerdict.FAILED, ValidationVerdict.INDETERMINATE)
SIGNATURE_FIELDS = [
    "signature_verdict",
    "signature_summary",
    "signature_report",
    "signature_checked_at",
]


def _failed_check() -> SignatureCheck:
    return SignatureCheck(
        verdict=ValidationVerdict.INDETERMINATE,
        summary=_(
            "Không kiểm tra được chữ ký số do lỗi hệ thống; văn bản vẫn được vào sổ. "
            "Bấm “Kiểm tra lại” sau ít phút."
        ),
    )


def signature_check(
    *, actor: Any, stored: StoredFile, name: str, document_ref: str = "", private: bool = False
) -> SignatureCheck | None:
    """The check of one stored file: None for a file that is not a PDF. Never raises: an
    unexpected error becomes an "indeterminate" verdict saying the check did not run."""
    if stored.media_type != PDF:
        return None
    return pdf_signature_check(
        actor=actor,
        read=lambda: check_source(blob_path(stored.sha256)),
        name=name,
        document_ref=document_ref,
        private=private,
        label=stored.sha256,
    )


def pdf_signature_check(
    *,
    actor: Any,
    read: Callable[[], bytes | Path],
    name: str,
    document_ref: str = "",
    private: bool = False,
    label: str = "",
) -> SignatureCheck:
    """The check of a PDF's bytes (`read` gives them; a file not stored yet, e.g. an arrival's
    attachment checked before its registering transaction). Never raises, as `signature_check`."""
    try:
        with transaction.atomic():  # a savepoint: a failed check leaves the caller's work intact
            return file_signatures_check(
                actor=actor, data=read(), file_name=name, document_ref=document_ref, private=private
            )
    except Exception:
        logger.exception("signature check failed for file %s", label or name)
        return _failed_check()


@dataclass(frozen=True)
class PdfToCheck:
    """One PDF for `pdf_signature_checks`: `read` gives its bytes (or, for a large file, its
    path: `check_source`), `label` names it in the log."""

    read: Callable[[], bytes | Path]
    name: str
    label: str = ""


def pdf_signature_checks(
    *, actor: Any, pdfs: Sequence[PdfToCheck], document_ref: str = "", private: bool = False
) -> list[SignatureCheck]:
    """`pdf_signature_check` of each PDF, in order, their reports stored together
    (`file_signatures_check_many`): each PDF gets the check it would get alone, a failure
    becoming its own "indeterminate" check. Never raises."""
    try:
        outcomes = file_signatures_check_many(
            actor=actor,
            files=[FileToCheck(read=pdf.read, file_name=pdf.name) for pdf in pdfs],
            document_ref=document_ref,
            private=private,
        )
    except Exception:  # not expected (each file's error is its own): check them one by one
        logger.exception("signature checks of %d files failed together", len(pdfs))
        return [
            pdf_signature_check(
                actor=actor,
                read=pdf.read,
                name=pdf.name,
                document_ref=document_ref,
                private=private,
                label=pdf.label,
            )
            for pdf in pdfs
        ]
    checks: list[SignatureCheck] = []
    for pdf, outcome in zip(pdfs, outcomes, strict=True):
        if isinstance(outcome, Exception):
            logger.error(
                "signature check failed for file %s",
                pdf.label or pdf.name,
                exc_info=(type(outcome), outcome, outcome.__traceback__),
            )
            checks.append(_failed_check())
        else:
            checks.append(outcome)
    return checks


def apply_check(incoming_file: IncomingFile, check: SignatureCheck | None) -> None:
    """Copy a check onto the (unsaved or saved) file row; the caller saves it."""
    if check is None:
        return
    incoming_file.signature_verdict = check.verdict
    incoming_file.signature_summary = check.summary[:500]
    incoming_file.signature_report = check.record
    incoming_file.signature_checked_at = timezone.now()


def signature_checks(
    *,
    actor: Any,
    files: Sequence[tuple[StoredFile, str]],
    document_ref: str = "",
    private: bool = False,
) -> list[SignatureCheck | None]:
    """Check each (stored file, name) in order; run BEFORE a số đến is taken, so the register's
    book is not held locked while revocation servers answer."""
    return [
        signature_check(
            actor=actor, stored=stored, name=name, document_ref=document_ref, private=private
        )
        for stored, name in files
    ]


def _recheck(actor: Any, document: IncomingDocument, incoming_file: IncomingFile) -> None:
    record = incoming_file.signature_report
    if record is None:
        check = signature_check(
            actor=actor,
            stored=incoming_file.stored_file,
            name=incoming_file.name,
            document_ref=f"incoming:{document.pk}",
            private=document.is_secret,
        )
    else:
        try:
            with transaction.atomic():
                record = validation_recheck(actor=actor, record=record)
            check = SignatureCheck(verdict=record.verdict, summary=record.summary, record=record)
        except Exception:
            logger.exception("signature re-check failed for report %s", record.pk)
            check = SignatureCheck(
                verdict=ValidationVerdict.INDETERMINATE,
                summary=_failed_check().summary,
                record=record,
            )
    if check is not None:
        apply_check(incoming_file, check)
        incoming_file.save(update_fields=SIGNATURE_FIELDS)


@transaction.atomic
def incoming_signatures_recheck(*, actor: Any, document: IncomingDocument) -> list[IncomingFile]:
    """Check the signatures of every PDF of the document again ("Kiểm tra lại"): revocation or
    the trust list may have changed since registration. Any staff member of the receiving agency
    who may read the document may ask (the caller loads it through the access gate)."""
    if getattr(actor, "kind", "") != "staff" or actor.agency_id != document.agency_id:
        raise PermissionDenied(
            _("Chỉ cán bộ của cơ quan nhận được kiểm tra chữ ký số văn bản này."),
            code="not_receiving_agency",
        )
    files = list(
        IncomingFile.objects.select_for_update(of=("self",))
        .select_related("stored_file", "signature_report")
        .filter(document=document)
        .order_by("ordinal", "pk")
    )
    for incoming_file in files:
        _recheck(actor, document, incoming_file)
    audit_record(
        actor=actor,
        action=IncomingAction.SIGNATURES_CHECKED,
        target=document,
        agency_id=document.agency_id,
        data=signature_audit_data(files),
    )
    return files


def signature_audit_data(files: Iterable[IncomingFile]) -> dict[str, Any]:
    """What an audit entry records of the checks: verdict per file and report id (nothing when
    no file was checked)."""
    checked = [
        {"file": f.name[:100], "verdict": f.signature_verdict, "report_id": f.signature_report_id}
        for f in files
        if f.signature_verdict
    ]
    return {"signatures": checked} if checked else {}


@dataclass(frozen=True)
class DocumentSignatures:
    """What the detail page shows: the document's verdict (the worst of its checked files)."""

    verdict: str
    label: str

    @property
    def tone(self) -> str:
        """The message style the page uses for this verdict."""
        return {
            ValidationVerdict.VALID: "success",
            ValidationVerdict.FAILED: "error",
            ValidationVerdict.INDETERMINATE: "warning",
        }.get(ValidationVerdict(self.verdict), "info")


def document_signature_verdict(files: Iterable[IncomingFile]) -> DocumentSignatures | None:
    """The document's verdict: "failed" or "indeterminate" when any checked file is, else the
    main file's verdict; None when no file was checked (no PDF, or registered before checks)."""
    checked = [f for f in files if f.signature_verdict]
    if not checked:
        return None
    verdicts = {f.signature_verdict for f in checked}
    main = next((f for f in checked if f.role == FileRole.MAIN), checked[0])
    verdict = next(
        (bad for bad in _PROBLEMS if bad in verdicts),
        main.signature_verdict,
    )
    return DocumentSignatures(verdict=verdict, label=str(ValidationVerdict(verdict).label))
