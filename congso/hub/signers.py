"""Whose key made a package's XML signature: the signer bound to the sending member.

The hub authenticates a member by its token; the package's XMLDSig says which key signed it.
`HUB_XML_SIGNERS` decides how the two are tied (docs/hub.md):
- `registered` (default): a member with XML signing certificates on record (`member-add
  --xml-cert`) may sign only with one of them or with its member key; a member without any is
  not checked (one platform may sign for many agencies with its own certificate);
- `strict`: every member, with its member key or a certificate on record;
- `any`: not checked (a valid signature is enough).
Keys are compared as SubjectPublicKeyInfo, so a renewed certificate of the same key still fits.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography import x509
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PublicFormat,
    load_pem_public_key,
)

from congso.hub import conf
from congso.hub.errors import HubSignerMismatch
from congso.hub.models import Member

_SPKI = (Encoding.DER, PublicFormat.SubjectPublicKeyInfo)


def certificates_from_pem(bundle: str) -> list[x509.Certificate]:
    """Every certificate of a PEM bundle (ValueError when there is none or one is unreadable)."""
    certificates = x509.load_pem_x509_certificates(bundle.encode("ascii"))
    if not certificates:
        raise ValueError("no certificate")
    return certificates


@lru_cache(maxsize=1024)
def _keys_of(public_key_pem: str, certificates_pem: str) -> tuple[frozenset[bytes], bool]:
    """(the member's signing keys, whether it has certificates on record)."""
    keys = {load_pem_public_key(public_key_pem.encode("ascii")).public_bytes(*_SPKI)}
    registered = bool(certificates_pem.strip())
    if registered:
        certificates = certificates_from_pem(certificates_pem)
        keys.update(c.public_key().public_bytes(*_SPKI) for c in certificates)
    return frozenset(keys), registered


def signer_check(member: Member, certificate_der: bytes | None) -> None:
    """Refuse (403 `hub_signer_mismatch`) a verified signature whose key is not the member's."""
    mode = conf.xml_signers()
    if mode == "any":
        return
    keys, registered = _keys_of(member.public_key_pem, member.xml_certificates_pem)
    if mode != "strict" and not registered:
        return
    try:
        signer = x509.load_der_x509_certificate(certificate_der or b"")
        key = signer.public_key().public_bytes(*_SPKI)
    except ValueError:
        key = b""
    if key not in keys:
        raise HubSignerMismatch(
            f"Chữ ký số XML của gói tin không được tạo bằng khóa hay chứng thư đã đăng ký của "
            f"đơn vị {member.code}."
        )
