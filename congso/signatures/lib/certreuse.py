"""One parsed certificate object per certificate, shared by every validation in the process.

pyHanko takes a signature's certificates out of its CMS with `extract_certificate_info`, which
deep-copies each one (`untag()`), and does so several times per signature (signer, then the
timestamp token). Every validation therefore parsed, lazily and again, the same agency, signer,
CA and TSA certificates: names, extensions, public keys, each prepared and compared from scratch.
An agency's documents carry the same handful of certificates, so the first copy made of a
certificate's exact encoding is kept here (bounded, least recently used dropped) and handed out
instead of a new copy. asn1crypto computes its lazy values from the encoding only, so a kept
object answers exactly as a fresh copy would. A kept object is parsed completely before it is
shared (see `parse_fully`), as are the trust roots and the cached OCSP/CRL answers.

Only the way each certificate object is obtained changes: the extraction below is pyHanko's
own (`pyhanko.sign.general.extract_certificate_info`), with the same classification, signer
selection and errors. A certificate whose encoding is not plain DER-framed (indefinite length,
extra tagging) is copied as before. `install()` is idempotent.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from asn1crypto import cms, x509
from pyhanko.sign import general
from pyhanko.sign.general import SignedDataCerts, extract_signer_info

MAX_CERTIFICATES = 256  # about 50 KiB each once fully parsed

_original = general.extract_certificate_info
_certs: OrderedDict[bytes, x509.Certificate] = OrderedDict()
_lock = threading.Lock()


def encoding_as_read(value: Any) -> bytes | None:
    """The exact bytes `value` was parsed from, or None when that cannot be told without
    re-encoding (never parsed, indefinite length, or tagged)."""
    contents = value.contents  # first: re-encodes (and drops the header of) a changed value
    header = getattr(value, "_header", None)
    trailer = getattr(value, "_trailer", b"")
    if not isinstance(header, bytes) or not header or header.endswith(b"\x80"):
        return None
    if value.explicit is not None or value.implicit or trailer:
        return None
    if not isinstance(contents, bytes):
        return None
    return header + contents


def parse_fully(value: Any) -> bool:
    """Parse every part of `value` now; False if asn1crypto cannot.

    asn1crypto parses lazily and fills a structure's child list in place, so two threads
    parsing the same object for the first time could see a half-filled list. An object shared
    between validations is therefore parsed completely before anyone else can see it; what is
    computed lazily afterwards (prepared names, digests) is set in one assignment.
    """
    try:
        value.native  # noqa: B018 - parses the whole tree
    except Exception:
        return False
    return True


def shared_certificate(value: x509.Certificate) -> x509.Certificate:
    """The process's object for this certificate encoding (an `untag()` copy the first time)."""
    key = encoding_as_read(value)
    if key is None:
        return value.untag()
    with _lock:
        cert = _certs.get(key)
        if cert is not None:
            _certs.move_to_end(key)
            return cert
    cert = value.untag()
    if not parse_fully(cert):
        return value.untag()  # not shared; pyHanko meets the same error on its own copy
    with _lock:
        kept = _certs.setdefault(key, cert)
        _certs.move_to_end(key)
        while len(_certs) > MAX_CERTIFICATES:
            _certs.popitem(last=False)
    return kept


def extract_certificate_info(signed_data: cms.SignedData) -> SignedDataCerts:
    """pyHanko's `extract_certificate_info`, with shared certificate objects."""
    certs = []
    attr_certs = []
    for choice in signed_data["certificates"]:
        if choice.name == "certificate":
            certs.append(shared_certificate(choice.chosen))
            continue
        cert = choice.chosen.untag()
        if choice.name == "v2_attr_cert":
            attr_certs.append(cert)
    signer_info = extract_signer_info(signed_data)
    signer_cert, other_certs = general._partition_certs(certs, signer_info)
    return SignedDataCerts(
        signer_cert=signer_cert, other_certs=other_certs, attribute_certs=attr_certs
    )


def clear() -> None:
    with _lock:
        _certs.clear()


def held() -> int:
    with _lock:
        return len(_certs)


def install() -> None:
    """Idempotent: pyHanko's modules that imported the function use the shared objects."""
    from pyhanko.sign.validation import ades, dss, generic_cms

    for module in (general, generic_cms, ades, dss):
        module.extract_certificate_info = extract_certificate_info  # type: ignore[attr-defined]
