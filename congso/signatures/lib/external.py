"""External signing of a prepared hash (pyHanko's interrupted signing): the VGCA browser
plug-in, a PKI SIM (ETSI TS 102 204) or a remote signing service signs; congso keeps control
of the document (anchors §3.2, §3.5 rule 4).

1. `prepare_external_signature` checks the certificate, builds the PDF with the signature's
   placeholder and the signed attributes, and returns what the remote party must sign:
   `data_to_sign` (the DER signed attributes, for signers that hash themselves) or
   `digest_to_sign` (their SHA-256, for hash-only signers such as SIM-PKI).
2. `finish_external_signature` verifies the returned signature value against the certificate
   *before* embedding it, adds the RFC 3161 signature timestamp and writes the CMS.

The prepared state is plain bytes (`to_dict`/`from_dict`) so it can wait in the database or
the session between the two HTTP requests. External signatures are PAdES B-T.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
from dataclasses import asdict, dataclass
from io import BytesIO
from typing import IO, Any

from asn1crypto import algos, cms
from asn1crypto import x509 as asn1_x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.signers import ExternalSigner
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument
from pyhanko.stamp import BaseStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore

from congso.signatures.lib.certcheck import CertificateRejected, check_signer_certificate
from congso.signatures.lib.signing import (
    SigningConfig,
    SigningRefused,
    _metadata,
    _stream,
    _timestamper,
    _VietnamTimePdfSigner,
    signature_field_states,
)


@dataclass(frozen=True)
class PreparedSignature:
    field_name: str
    prepared_pdf: bytes
    document_digest: bytes
    reserved_region_start: int
    reserved_region_end: int
    signed_attrs: bytes
    signer_cert: bytes
    chain: tuple[bytes, ...] = ()

    @property
    def data_to_sign(self) -> bytes:
        return self.signed_attrs

    @property
    def digest_to_sign(self) -> bytes:
        return hashlib.sha256(self.signed_attrs).digest()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        return {
            key: (
                base64.b64encode(value).decode()
                if isinstance(value, bytes)
                else [base64.b64encode(v).decode() for v in value]
                if isinstance(value, tuple)
                else value
            )
            for key, value in data.items()
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PreparedSignature:
        def b(value: str) -> bytes:
            return base64.b64decode(value)

        return cls(
            field_name=data["field_name"],
            prepared_pdf=b(data["prepared_pdf"]),
            document_digest=b(data["document_digest"]),
            reserved_region_start=int(data["reserved_region_start"]),
            reserved_region_end=int(data["reserved_region_end"]),
            signed_attrs=b(data["signed_attrs"]),
            signer_cert=b(data["signer_cert"]),
            chain=tuple(b(v) for v in data.get("chain", ())),
        )


def _raw_signature_size(cert: asn1_x509.Certificate) -> int:
    bits = cert.public_key.bit_size
    if cert.public_key.algorithm == "ec":
        return 2 * ((bits + 7) // 8) + 8
    return (bits + 7) // 8


def _mechanism(cert: asn1_x509.Certificate) -> algos.SignedDigestAlgorithm:
    name = "sha256_ecdsa" if cert.public_key.algorithm == "ec" else "sha256_rsa"
    return algos.SignedDigestAlgorithm({"algorithm": name})


def prepare_external_signature(
    source: bytes | IO[bytes],
    *,
    certificate: asn1_x509.Certificate,
    chain: list[asn1_x509.Certificate],
    field_name: str,
    config: SigningConfig,
    style: BaseStampStyle,
    text_params: dict[str, str] | None = None,
) -> PreparedSignature:
    if config.precheck:
        try:
            check_signer_certificate(
                certificate,
                trust=config.trust,
                chain=chain,
                timeout=config.timeout,
                cache_seconds=config.precheck_cache_seconds,
            )
        except CertificateRejected as exc:
            raise SigningRefused(exc.code, exc.message) from None
    writer = IncrementalPdfFileWriter(_stream(source))
    if signature_field_states(writer.prev).get(field_name, True):
        raise SigningRefused(
            "field_not_available", f"Văn bản không có ô chữ ký trống '{field_name}'."
        )
    signer = ExternalSigner(
        signing_cert=certificate,
        cert_registry=SimpleCertificateStore.from_certs(chain),
        signature_value=_raw_signature_size(certificate),
        signature_mechanism=_mechanism(certificate),
    )
    pdf_signer = _VietnamTimePdfSigner(
        _metadata(field_name, config, chain), signer=signer, stamp_style=style
    )

    async def _prepare() -> PreparedSignature:
        digest, _tbs, output = await pdf_signer.async_digest_doc_for_signing(
            writer,
            existing_fields_only=True,
            bytes_reserved=config.bytes_reserved,
            appearance_text_params=text_params,
        )
        attrs = await signer.signed_attrs(digest.document_digest, "sha256", use_pades=True)
        output.seek(0)
        return PreparedSignature(
            field_name=field_name,
            prepared_pdf=output.read(),
            document_digest=digest.document_digest,
            reserved_region_start=digest.reserved_region_start,
            reserved_region_end=digest.reserved_region_end,
            signed_attrs=attrs.dump(),
            signer_cert=certificate.dump(),
            chain=tuple(c.dump() for c in chain),
        )

    return asyncio.run(_prepare())


def _verify(cert: asn1_x509.Certificate, data: bytes, signature: bytes) -> None:
    from cryptography import x509

    public_key = x509.load_der_x509_certificate(cert.dump()).public_key()
    try:
        if isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        else:
            raise InvalidSignature
    except InvalidSignature:
        raise SigningRefused(
            "external_signature_invalid",
            "Chữ ký nhận về không khớp với chứng thư số đã chọn "
            "(sai thiết bị ký hoặc sai dữ liệu).",
        ) from None


def finish_external_signature(
    prepared: PreparedSignature, signature_value: bytes, *, config: SigningConfig
) -> bytes:
    cert = asn1_x509.Certificate.load(prepared.signer_cert)
    _verify(cert, prepared.signed_attrs, signature_value)
    chain = [asn1_x509.Certificate.load(der) for der in prepared.chain]
    signer = ExternalSigner(
        signing_cert=cert,
        cert_registry=SimpleCertificateStore.from_certs(chain),
        signature_value=signature_value,
        signature_mechanism=_mechanism(cert),
    )
    attrs = cms.CMSAttributes.load(prepared.signed_attrs)

    async def _finish() -> bytes:
        signed_cms = await signer.async_sign_prescribed_attributes(
            "sha256", signed_attrs=attrs, timestamper=_timestamper(config)
        )
        output = BytesIO(prepared.prepared_pdf)
        await PdfTBSDocument.async_finish_signing(
            output,
            PreparedByteRangeDigest(
                document_digest=prepared.document_digest,
                reserved_region_start=prepared.reserved_region_start,
                reserved_region_end=prepared.reserved_region_end,
            ),
            signed_cms,
        )
        return output.getvalue()

    return asyncio.run(_finish())


def public_key_pem(cert: asn1_x509.Certificate) -> bytes:
    """Helper for plug-ins that need the key to check what they sign."""
    from cryptography import x509

    return (
        x509.load_der_x509_certificate(cert.dump())
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
