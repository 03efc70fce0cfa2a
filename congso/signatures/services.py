"""Use cases: sign a document as the competent person or as the agency, validate a file,
re-check a stored report. The cryptography lives in `congso.signatures.lib`; this module adds
who may do what, the records and the audit trail."""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.accounts.models import User
from congso.audit.services import AuditItem, audit_record, audit_record_many
from congso.core.errors import PermissionDenied, ValidationFailed
from congso.core.identity import Role
from congso.organizations.models import Agency
from congso.signatures import conf
from congso.signatures.constants import (
    KeyProviderKind,
    KeyPurpose,
    SignaturesAuditAction,
    ValidationVerdict,
)
from congso.signatures.errors import SigningKeyNotFound, SigningRefusedError
from congso.signatures.lib import images, signing
from congso.signatures.lib.engine import carries_signature, validate_pdf
from congso.signatures.lib.keys import (
    KeyProvider,
    KeyProviderError,
    Pkcs11KeyProvider,
    Pkcs12KeyProvider,
)
from congso.signatures.lib.report import ValidationReport
from congso.signatures.models import SigningKey, SigningRecord, ValidationRecord
from congso.signatures.selectors import signing_key_for_agency, signing_key_for_person

logger = logging.getLogger(__name__)


def key_provider_for(key: SigningKey, *, pin: str | None = None) -> KeyProvider:
    """The library provider for a stored key; the PIN comes from the caller or `pin_env`."""
    secret = pin if pin is not None else (os.environ.get(key.pin_env) if key.pin_env else None)
    if key.provider == KeyProviderKind.PKCS11:
        return Pkcs11KeyProvider(
            module_path=key.module_path,
            token_label=key.token_label,
            key_label=key.key_label or None,
            pin=secret,
        )
    if key.provider == KeyProviderKind.PKCS12:
        return Pkcs12KeyProvider(
            Path(key.pkcs12_path), secret.encode() if secret is not None else None
        )
    raise SigningRefusedError(
        _("Khóa này ký từ xa qua trình cắm; hãy dùng luồng ký mã băm."), code="external_key"
    )


@transaction.atomic
def signing_key_register(
    *,
    actor: User | None,
    purpose: str,
    provider: str,
    owner: User | None = None,
    agency: Agency | None = None,
    module_path: str = "",
    token_label: str = "",
    key_label: str = "",
    pkcs12_path: str = "",
    pin_env: str = "",
    image: bytes = b"",
    certificate_subject: str = "",
    certificate_sha256: str = "",
) -> SigningKey:
    """Record where a signer's or agency's key lives (the key itself never enters the DB)."""
    key = SigningKey(
        purpose=purpose,
        provider=provider,
        owner=owner,
        agency=agency,
        module_path=module_path,
        token_label=token_label,
        key_label=key_label,
        pkcs12_path=pkcs12_path,
        pin_env=pin_env,
        image=image,
        certificate_subject=certificate_subject,
        certificate_sha256=certificate_sha256,
    )
    key.full_clean()
    key.save()
    audit_record(
        actor=actor,
        action=SignaturesAuditAction.KEY_REGISTERED,
        target=key,
        agency_id=agency.pk if agency else None,
        data={"purpose": purpose, "provider": provider, "token": token_label},
    )
    return key


@transaction.atomic
def signing_key_provision(
    *,
    actor: User | None,
    purpose: str,
    owner: User | None = None,
    agency: Agency | None = None,
    module_path: str,
    token_label: str,
    key_label: str,
    pin_env: str,
    certificate_subject: str = "",
    certificate_sha256: str = "",
) -> SigningKey:
    """Point a signer's or agency's PKCS#11 key at a token, reusing the row that already names
    the same token and key (its certificate facts are refreshed), else registering a new one."""
    existing = (
        SigningKey.objects.select_for_update()
        .filter(
            purpose=purpose,
            owner=owner,
            agency=agency,
            provider=KeyProviderKind.PKCS11,
            token_label=token_label,
            key_label=key_label,
            is_active=True,
        )
        .first()
    )
    if existing is None:
        return signing_key_register(
            actor=actor,
            purpose=purpose,
            provider=KeyProviderKind.PKCS11,
            owner=owner,
            agency=agency,
            module_path=module_path,
            token_label=token_label,
            key_label=key_label,
            pin_env=pin_env,
            certificate_subject=certificate_subject,
            certificate_sha256=certificate_sha256,
        )
    existing.module_path = module_path
    existing.pin_env = pin_env
    existing.certificate_subject = certificate_subject
    existing.certificate_sha256 = certificate_sha256
    existing.full_clean()
    existing.save(
        update_fields=[
            "module_path", "pin_env", "certificate_subject", "certificate_sha256", "updated_at",
        ]
    )  # fmt: skip
    audit_record(
        actor=actor,
        action=SignaturesAuditAction.KEY_REGISTERED,
        target=existing,
        agency_id=agency.pk if agency else None,
        data={"purpose": purpose, "token": token_label, "updated": True},
    )
    return existing


def _sign(
    *,
    actor: User,
    key: SigningKey,
    pdf: bytes,
    document_ref: str,
    pin: str | None,
    appendix_number: str | None = None,
) -> bytes:
    config = conf.signing_config()
    field_name = signing.PERSON_FIELD
    try:
        provider = key_provider_for(key, pin=pin)
        if appendix_number is not None:
            field_name = signing.APPENDIX_FIELD
            signed = signing.sign_appendix(
                pdf, provider=provider, config=config, document_number=appendix_number
            ).getvalue()
        elif key.purpose == KeyPurpose.PERSON:
            signed = signing.sign_as_person(
                pdf,
                provider=provider,
                config=config,
                signature_image=bytes(key.image) or images.signature_png(),
            ).getvalue()
        else:
            field_name = signing.ORGANISATION_FIELD
            signed = signing.sign_as_organisation(
                pdf,
                provider=provider,
                config=config,
                seal_image=bytes(key.image) or images.seal_png(),
            ).getvalue()
    except signing.SigningRefused as exc:
        raise SigningRefusedError(exc.message, code=exc.code) from None
    except KeyProviderError as exc:
        raise SigningRefusedError(str(exc), code="key_unavailable") from None
    signing_record_write(
        actor=actor,
        key=key,
        pdf=pdf,
        signed=signed,
        document_ref=document_ref,
        field_name=field_name,
    )
    return signed


@transaction.atomic
def signing_record_write(
    *, actor: User, key: SigningKey, pdf: bytes, signed: bytes, document_ref: str, field_name: str
) -> SigningRecord:
    record = SigningRecord(
        key=key,
        actor=actor,
        purpose=key.purpose,
        document_ref=document_ref,
        field_name=field_name,
        level=str(conf.signing_config().level),
        input_sha256=hashlib.sha256(pdf).hexdigest(),
        output_sha256=hashlib.sha256(signed).hexdigest(),
    )
    record.full_clean()
    record.save()
    audit_record(
        actor=actor,
        action=(
            SignaturesAuditAction.SIGNED_AS_PERSON
            if key.purpose == KeyPurpose.PERSON
            else SignaturesAuditAction.SIGNED_AS_AGENCY
        ),
        target=record,
        agency_id=key.agency.pk if key.agency else actor.agency_id,
        data={"document": document_ref, "sha256": record.output_sha256},
    )
    return record


def signing_key_of(actor: User, *, as_agency: bool) -> SigningKey:
    """The key `actor` signs with: their own, or (văn thư only) their agency's."""
    if as_agency:
        if not actor.has_role(Role.CLERK) or actor.agency_id is None:
            raise PermissionDenied(
                _("Chỉ văn thư của cơ quan được ký số của cơ quan."), code="clerk_only"
            )
        key = signing_key_for_agency(agency_id=actor.agency_id)
    else:
        key = signing_key_for_person(user=actor)
    if key is None:
        raise SigningKeyNotFound()
    return key


def document_sign_as_person(
    *, actor: User, pdf: bytes, document_ref: str = "", pin: str | None = None
) -> bytes:
    """The competent person signs with their own key (Nghị định 30/2020/NĐ-CP, Điều 13)."""
    key = signing_key_of(actor, as_agency=False)
    return _sign(actor=actor, key=key, pdf=pdf, document_ref=document_ref, pin=pin)


def document_sign_as_agency(
    *, actor: User, pdf: bytes, document_ref: str = "", pin: str | None = None
) -> bytes:
    """Only the văn thư applies the agency's signature, and only after the competent person
    has signed (Nghị định 30/2020/NĐ-CP, Điều 32 khoản 2 điểm c–d); the library refuses a
    document without the person's signature."""
    key = signing_key_of(actor, as_agency=True)
    return _sign(actor=actor, key=key, pdf=pdf, document_ref=document_ref, pin=pin)


def document_sign_appendix(
    *,
    actor: User,
    pdf: bytes,
    document_number: str,
    document_ref: str = "",
    pin: str | None = None,
) -> bytes:
    """The văn thư signs an appendix or attachment in a separate file with the agency's key:
    no image, top right of page 1, the document's số và ký hiệu and the signing time (Nghị định
    30/2020/NĐ-CP, Phụ lục I; standards §3.4)."""
    key = signing_key_of(actor, as_agency=True)
    return _sign(
        actor=actor,
        key=key,
        pdf=pdf,
        document_ref=document_ref,
        pin=pin,
        appendix_number=document_number,
    )


def _report_for(data: bytes | Path, file_name: str, *, etsi: bool) -> ValidationReport:
    return validate_pdf(data, config=conf.validation_config(etsi_report=etsi), file_name=file_name)


# A file to check up to this size is read into memory (pyHanko parses bytes faster than a file);
# a larger one is validated, and copied for its report, from disk in pieces.
CHECK_IN_MEMORY_BYTES = 16 * 1024 * 1024


def check_source(path: Path) -> bytes | Path:
    """What a check of the file at `path` reads: its bytes when small, else the path."""
    if path.stat().st_size <= CHECK_IN_MEMORY_BYTES:
        return path.read_bytes()
    return path


def _etsi_xml(report: ValidationReport) -> str:
    return "\n".join(s.etsi_report_xml for s in report.signatures if s.etsi_report_xml)


@transaction.atomic
def file_validate(
    *,
    actor: User | None,
    data: bytes,
    file_name: str,
    document_ref: str = "",
    etsi_report: bool = False,
    private: bool = False,
) -> ValidationRecord:
    """Validate a signed file and store the report (biên bản kiểm tra chữ ký số).

    The report belongs to the actor's agency, whose staff may read it; a `private` report (the
    file of a secret document) belongs to the actor alone.
    """
    if not data:
        raise ValidationFailed(_("Tệp rỗng."), code="empty_file", field="file")
    report = _report_for(data, file_name, etsi=etsi_report)
    record = _record_for(
        actor=actor,
        data=data,
        file_name=file_name,
        document_ref=document_ref,
        report=report,
        private=private,
    )
    return _record_save(actor, record)


def _record_save(actor: User | None, record: ValidationRecord) -> ValidationRecord:
    """Insert a built report and append its audit entry (inside the caller's transaction)."""
    record.save()
    audit_record(**_audit_fields(actor, record))
    return record


def _record_for(
    *,
    actor: User | None,
    data: bytes | Path,
    file_name: str,
    document_ref: str,
    report: ValidationReport,
    private: bool,
) -> ValidationRecord:
    """The unsaved, cleaned record of a report, its copy of the file already in storage."""
    record = ValidationRecord(
        file_name=file_name[:255],
        file_sha256=report.file_sha256,
        file_size=report.file_size,
        verdict=str(report.verdict),
        summary=report.summary,
        report=report.to_dict(),
        etsi_report_xml=_etsi_xml(report),
        requested_by=actor,
        agency=actor.agency if actor is not None and not private else None,
        document_ref=document_ref,
        validated_at=report.validated_at,
    )
    name = f"{report.file_sha256}.pdf"
    if isinstance(data, Path):
        with data.open("rb") as handle:
            record.file.save(name, File(handle), save=False)
    else:
        record.file.save(name, ContentFile(data), save=False)
    record.full_clean()
    return record


def _audit_fields(actor: User | None, record: ValidationRecord) -> dict[str, Any]:
    """The audit entry of a stored report (`audit_record`'s and `AuditItem`'s fields)."""
    return {
        "actor": actor,
        "action": SignaturesAuditAction.FILE_VALIDATED,
        "target": record,
        "agency_id": record.agency.pk if record.agency else None,
        "data": {"sha256": record.file_sha256, "verdict": record.verdict},
    }


@dataclass(frozen=True)
class SignatureCheck:
    """The outcome of checking one file: a verdict, its Vietnamese summary, and the stored
    report when the file carries signatures (an unsigned file needs no report)."""

    verdict: str
    summary: str
    record: ValidationRecord | None = None


@transaction.atomic
def file_signatures_check(
    *,
    actor: User | None,
    data: bytes | Path,
    file_name: str,
    document_ref: str = "",
    private: bool = False,
) -> SignatureCheck:
    """Check every signature of a received PDF (Nghị định 30/2020/NĐ-CP, Điều 21 khoản 2:
    check the authenticity and integrity of an electronic document before registering it).

    A file without any signature dictionary is "Không có chữ ký số" and leaves no report; any
    other file — damaged ones included — is validated and its report stored.
    """
    outcome = _check_or_record(
        actor=actor, data=data, file_name=file_name, document_ref=document_ref, private=private
    )
    if isinstance(outcome, SignatureCheck):
        return outcome
    record = _record_save(actor, outcome)
    return SignatureCheck(verdict=record.verdict, summary=record.summary, record=record)


@dataclass(frozen=True)
class FileToCheck:
    """One file for `file_signatures_check_many`: `read` gives its bytes (or, for a large file,
    its path: `check_source`) when its turn comes (so a part's files are not all held in
    memory at once)."""

    read: Callable[[], bytes | Path]
    file_name: str


def _check_or_record(
    *,
    actor: User | None,
    data: bytes | Path,
    file_name: str,
    document_ref: str,
    private: bool,
) -> SignatureCheck | ValidationRecord:
    """`file_signatures_check` up to the database: the check of an unsigned file, or the
    unsaved record of a signed one (its file copy stored, cleaned)."""
    if not carries_signature(data):
        return SignatureCheck(
            verdict=ValidationVerdict.UNSIGNED, summary=_("Tệp không có chữ ký số nào.")
        )
    report = _report_for(data, file_name, etsi=False)
    if report.verdict == ValidationVerdict.UNSIGNED:
        return SignatureCheck(verdict=ValidationVerdict.UNSIGNED, summary=report.summary)
    return _record_for(
        actor=actor,
        data=data,
        file_name=file_name,
        document_ref=document_ref,
        report=report,
        private=private,
    )


def file_signatures_check_many(
    *,
    actor: User | None,
    files: Sequence[FileToCheck],
    document_ref: str = "",
    private: bool = False,
) -> list[SignatureCheck | Exception]:
    """`file_signatures_check` of each file, in order, with the reports of all of them stored
    in ONE short transaction (a row per report, one audit append of an entry per report, as
    each file's own check would write them). Every file is read and validated first, outside it.

    The error that a file's own check would raise (reading, validating, storing it) takes that
    file's place in the list, and the other files are checked all the same. When the shared
    transaction fails, each report is stored again on its own, as `file_signatures_check`
    does, so no verdict is lost."""
    outcomes: list[SignatureCheck | ValidationRecord | Exception] = []
    for one in files:
        try:
            outcomes.append(
                _check_or_record(
                    actor=actor,
                    data=one.read(),
                    file_name=one.file_name,
                    document_ref=document_ref,
                    private=private,
                )
            )
        except Exception as exc:  # the file's own check would have raised it
            outcomes.append(exc)
    records = [r for r in outcomes if isinstance(r, ValidationRecord)]
    if records and not _records_store(actor, records):
        stored: dict[int, ValidationRecord | Exception] = {}
        for record in records:
            stored[id(record)] = _record_store_alone(actor, record)
        outcomes = [
            stored.get(id(o), o) if isinstance(o, ValidationRecord) else o for o in outcomes
        ]
    return [
        SignatureCheck(verdict=o.verdict, summary=o.summary, record=o)
        if isinstance(o, ValidationRecord)
        else o
        for o in outcomes
    ]


def _records_store(actor: User | None, records: list[ValidationRecord]) -> bool:
    """Insert the records and append their audit entries in one transaction; False (nothing
    written, the records unsaved again) when it fails.

    The rows are saved one by one: on PostgreSQL Django 5.2's `bulk_create` sends them as one
    array per column (UNNEST), and psycopg escapes every element of those arrays in Python —
    for these rows (a JSON report, long texts) as much CPU as a transaction per report, twice
    that of a save per row. The audit entries go in one append."""
    try:
        with transaction.atomic():
            for record in records:
                record.save()
            audit_record_many([AuditItem(**_audit_fields(actor, r)) for r in records])
    except Exception:
        logger.exception("storing %d validation reports together failed", len(records))
        for record in records:  # unsaved again, for the one-at-a-time store
            _unsaved(record)
        return False
    return True


def _unsaved(record: ValidationRecord) -> None:
    record.pk = None
    record._state.adding = True


def _record_store_alone(
    actor: User | None, record: ValidationRecord
) -> ValidationRecord | Exception:
    try:
        with transaction.atomic():
            _record_save(actor, record)
    except Exception as exc:
        _unsaved(record)
        return exc
    return record


@transaction.atomic
def validation_recheck(*, actor: User, record: ValidationRecord) -> ValidationRecord:
    """Validate the stored file again (revocation may have changed since)."""
    with record.file.open("rb") as stream:
        data = stream.read()
    report = _report_for(data, record.file_name, etsi=bool(record.etsi_report_xml))
    record.verdict = str(report.verdict)
    record.summary = report.summary
    record.report = report.to_dict()
    record.etsi_report_xml = _etsi_xml(report)
    record.validated_at = report.validated_at or timezone.now()
    record.check_count += 1
    record.save(
        update_fields=[
            "verdict", "summary", "report", "etsi_report_xml", "validated_at", "check_count",
            "updated_at",
        ]
    )  # fmt: skip
    audit_record(
        actor=actor,
        action=SignaturesAuditAction.VALIDATION_RECHECKED,
        target=record,
        agency_id=record.agency.pk if record.agency else None,
        data={"verdict": record.verdict, "check_count": record.check_count},
    )
    return record
