"""Hash signing over HTTP: congso prepares the PDF, a remote device signs, congso finishes.

The VGCA browser plug-in, a PKI SIM (ETSI TS 102 204) or a remote HSM holds the private key and
never gives it up; it signs the signed attributes (or their SHA-256) that `external_signing_prepare`
returns. The certificate the device offers must be the one registered for the signer
(`SigningKey.certificate_sha256`), so a plug-in cannot sign in someone else's name. The device's
answer is verified against that certificate *before* anything is embedded
(`lib.external.finish_external_signature`). A session lives `SESSION_SECONDS` and is used once.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import uuid
from datetime import timedelta

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.accounts.models import User
from congso.audit.services import audit_record
from congso.core.errors import Conflict, PermissionDenied, ValidationFailed
from congso.signatures import conf
from congso.signatures.constants import SignaturesAuditAction
from congso.signatures.errors import SigningRefusedError
from congso.signatures.lib import appearance, images, signing
from congso.signatures.lib.external import PreparedSignature
from congso.signatures.lib.external import finish_external_signature as _finish
from congso.signatures.lib.external import prepare_external_signature as _prepare
from congso.signatures.models import ExternalSigningSession
from congso.signatures.services import signing_key_of, signing_record_write

SESSION_SECONDS = 600


def _certificate(data: bytes) -> asn1_x509.Certificate:
    try:
        if pem.detect(data):
            data = pem.unarmor(data)[2]
        certificate = asn1_x509.Certificate.load(data)
        certificate.native  # noqa: B018 - parse it all now, not later
    except (ValueError, TypeError):
        raise ValidationFailed(
            _("Chứng thư số gửi lên không đọc được (cần PEM hoặc DER)."),
            code="certificate_unreadable",
            field="certificate",
        ) from None
    return certificate


@transaction.atomic
def external_signing_prepare(
    *,
    actor: User,
    pdf: bytes,
    certificate: bytes,
    as_agency: bool = False,
    document_ref: str = "",
) -> ExternalSigningSession:
    """Prepare `pdf` for the certificate the device offers; what to sign is in the session."""
    key = signing_key_of(actor, as_agency=as_agency)
    cert = _certificate(certificate)
    if not key.certificate_sha256 or cert.sha256.hex() != key.certificate_sha256.lower():
        raise PermissionDenied(
            _("Chứng thư số của thiết bị không phải chứng thư đã đăng ký cho người ký."),
            code="external_certificate_mismatch",
        )
    config = conf.signing_config()
    if as_agency:
        field_name = signing.ORGANISATION_FIELD
        try:
            signing.require_person_signature(pdf)
        except signing.SigningRefused as exc:
            raise SigningRefusedError(exc.message, code=exc.code) from None
        style = appearance.image_style(bytes(key.image) or images.seal_png())
    else:
        field_name = signing.PERSON_FIELD
        style = appearance.image_style(bytes(key.image) or images.signature_png())
    try:
        prepared = _prepare(
            pdf,
            certificate=cert,
            chain=list(config.trust.intermediates),
            field_name=field_name,
            config=config,
            style=style,
        )
    except signing.SigningRefused as exc:
        raise SigningRefusedError(exc.message, code=exc.code) from None
    session = ExternalSigningSession.objects.create(
        id=uuid.uuid4(),
        key=key,
        actor=actor,
        document_ref=document_ref,
        input_sha256=hashlib.sha256(pdf).hexdigest(),
        prepared=prepared.to_dict(),
        expires_at=timezone.now() + timedelta(seconds=SESSION_SECONDS),
    )
    audit_record(
        actor=actor,
        action=SignaturesAuditAction.EXTERNAL_PREPARED,
        target=session,
        agency_id=key.agency_id or actor.agency_id,
        data={"document": document_ref, "field": field_name, "sha256": session.input_sha256},
    )
    return session


def external_signing_finish(
    *, actor: User, session: ExternalSigningSession, signature_value: str
) -> bytes:
    """Embed the device's signature value (base64) after checking it against the certificate.
    `session` comes from `access.access_external_session_by_id` (only its signer finishes it)."""
    if session.finished_at is not None:
        raise Conflict(_("Phiên ký này đã hoàn tất."), code="external_session_used")
    if session.expires_at <= timezone.now():
        raise Conflict(
            _("Phiên ký đã hết hạn; vui lòng ký lại từ đầu."), code="external_session_expired"
        )
    try:
        value = base64.b64decode(signature_value, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed(
            _("Giá trị chữ ký không phải base64 hợp lệ."),
            code="signature_value_invalid",
            field="signature_value",
        ) from None
    prepared = PreparedSignature.from_dict(session.prepared)
    try:
        signed = _finish(prepared, value, config=conf.signing_config())
    except signing.SigningRefused as exc:
        raise SigningRefusedError(exc.message, code=exc.code) from None
    with transaction.atomic():
        locked = ExternalSigningSession.objects.select_for_update().get(pk=session.pk)
        if locked.finished_at is not None:
            raise Conflict(_("Phiên ký này đã hoàn tất."), code="external_session_used")
        locked.finished_at = timezone.now()
        locked.output_sha256 = hashlib.sha256(signed).hexdigest()
        locked.save(update_fields=["finished_at", "output_sha256", "updated_at"])
        signing_record_write(
            actor=actor,
            key=session.key,
            pdf=prepared.prepared_pdf,
            signed=signed,
            document_ref=session.document_ref,
            field_name=prepared.field_name,
        )
    return signed
