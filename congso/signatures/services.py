"""Use cases: sign a document as the competent person or as the agency, validate a file,
re-check a stored report. The cryptography lives in `congso.signatures.lib`; this module adds
who may do what, the records and the audit trail."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.accounts.models import User
from congso.audit.services import audit_record
from congso.core.errors import PermissionDenied, ValidationFailed
from congso.core.identity import Role
from congso.organizations.models import Agency
from congso.signatures import conf
from congso.signatures.constants import KeyProviderKind, KeyPurpose, SignaturesAuditAction
from congso.signatures.errors import SigningKeyNotFound, SigningRefusedError
from congso.signatures.lib import images, signing
from congso.signatures.lib.engine import validate_pdf
from congso.signatures.lib.keys import (
    KeyProvider,
    KeyProviderError,
    Pkcs11KeyProvider,
    Pkcs12KeyProvider,
)
from congso.signatures.lib.report import ValidationReport
from congso.signatures.models import SigningKey, SigningRecord, ValidationRecord
from congso.signatures.selectors import signing_key_for_agency, signing_key_for_person


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
    actor: User,
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


def _sign(
    *,
    actor: User,
    key: SigningKey,
    pdf: bytes,
    document_ref: str,
    pin: str | None,
) -> bytes:
    config = conf.signing_config()
    try:
        provider = key_provider_for(key, pin=pin)
        if key.purpose == KeyPurpose.PERSON:
            signed = signing.sign_as_person(
                pdf,
                provider=provider,
                config=config,
                signature_image=bytes(key.image) or images.signature_png(),
            ).getvalue()
        else:
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
    _signing_record(actor=actor, key=key, pdf=pdf, signed=signed, document_ref=document_ref)
    return signed


@transaction.atomic
def _signing_record(
    *, actor: User, key: SigningKey, pdf: bytes, signed: bytes, document_ref: str
) -> SigningRecord:
    record = SigningRecord(
        key=key,
        actor=actor,
        purpose=key.purpose,
        document_ref=document_ref,
        field_name=(
            signing.PERSON_FIELD if key.purpose == KeyPurpose.PERSON else signing.ORGANISATION_FIELD
        ),
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


def document_sign_as_person(
    *, actor: User, pdf: bytes, document_ref: str = "", pin: str | None = None
) -> bytes:
    """The competent person signs with their own key (Nghị định 30/2020/NĐ-CP, Điều 13)."""
    key = signing_key_for_person(user=actor)
    if key is None:
        raise SigningKeyNotFound()
    return _sign(actor=actor, key=key, pdf=pdf, document_ref=document_ref, pin=pin)


def document_sign_as_agency(
    *, actor: User, pdf: bytes, document_ref: str = "", pin: str | None = None
) -> bytes:
    """Only the văn thư applies the agency's signature, and only after the competent person
    has signed (Nghị định 30/2020/NĐ-CP, Điều 32 khoản 2 điểm c–d); the library refuses a
    document without the person's signature."""
    if not actor.has_role(Role.CLERK) or actor.agency_id is None:
        raise PermissionDenied(
            _("Chỉ văn thư của cơ quan được ký số của cơ quan."), code="clerk_only"
        )
    key = signing_key_for_agency(agency_id=actor.agency_id)
    if key is None:
        raise SigningKeyNotFound()
    return _sign(actor=actor, key=key, pdf=pdf, document_ref=document_ref, pin=pin)


def _report_for(data: bytes, file_name: str, *, etsi: bool) -> ValidationReport:
    return validate_pdf(data, config=conf.validation_config(etsi_report=etsi), file_name=file_name)


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
) -> ValidationRecord:
    """Validate a signed file and store the report (biên bản kiểm tra chữ ký số)."""
    if not data:
        raise ValidationFailed(_("Tệp rỗng."), code="empty_file", field="file")
    report = _report_for(data, file_name, etsi=etsi_report)
    record = ValidationRecord(
        file_name=file_name[:255],
        file_sha256=report.file_sha256,
        file_size=report.file_size,
        verdict=str(report.verdict),
        summary=report.summary,
        report=report.to_dict(),
        etsi_report_xml=_etsi_xml(report),
        requested_by=actor,
        agency=actor.agency if actor is not None else None,
        document_ref=document_ref,
        validated_at=report.validated_at,
    )
    record.file.save(f"{report.file_sha256}.pdf", ContentFile(data), save=False)
    record.full_clean()
    record.save()
    audit_record(
        actor=actor,
        action=SignaturesAuditAction.FILE_VALIDATED,
        target=record,
        agency_id=record.agency.pk if record.agency else None,
        data={"sha256": record.file_sha256, "verdict": record.verdict},
    )
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
