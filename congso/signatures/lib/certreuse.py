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
extra tagging) is copied as before. Which of a CMS's certificates its issuer-and-serial `sid`
names is likewise kept per (sid, certificate encodings), so the signer is not searched for
again each time pyHanko extracts the certificates of a CMS signed with the same certificates.
`install()` is idempotent.
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
MAX_SIGNER_CHOICES = 1024
_signers: OrderedDict[tuple[bytes, tuple[bytes | None, ...]], frozenset[int]] = OrderedDict()


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
    return _shared(value, encoding_as_read(value))


def _shared(value: x509.Certificate, key: bytes | None) -> x509.Certificate:
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
    keys: list[bytes | None] = []
    attr_certs = []
    for choice in signed_data["certificates"]:
        if choice.name == "certificate":
            key = encoding_as_read(choice.chosen)
            certs.append(_shared(choice.chosen, key))
            keys.append(key)
            continue
        cert = choice.chosen.untag()
        if choice.name == "v2_attr_cert":
            attr_certs.append(cert)
    signer_info = extract_signer_info(signed_data)
    signer_cert, other_certs = _partition(certs, keys, signer_info)
    return SignedDataCerts(
        signer_cert=signer_cert, other_certs=other_certs, attribute_certs=attr_certs
    )


def _partition(
    certs: list[x509.Certificate], keys: list[bytes | None], signer_info: cms.SignerInfo
) -> tuple[x509.Certificate, list[x509.Certificate]]:
    """pyHanko's `_partition_certs`: the signer's certificate (the last one its `sid` names)
    and the others in order. Which certificates an issuer-and-serial `sid` names is a pure
    function of the encodings, so it is kept per (sid, certificate encodings) (bounded); other
    identifiers, values not as read, and a missing signer go to pyHanko every time."""
    sid = signer_info["sid"]
    sid_key = encoding_as_read(sid.chosen) if sid.name == "issuer_and_serial_number" else None
    if sid_key is None or any(key is None for key in keys):
        return general._partition_certs(certs, signer_info)
    memo_key = (sid_key, tuple(keys))
    with _lock:
        matching = _signers.get(memo_key)
        if matching is not None:
            _signers.move_to_end(memo_key)
    if matching is None:
        signer_cert, other_certs = general._partition_certs(certs, signer_info)
        others = {id(cert) for cert in other_certs}
        found = frozenset(i for i, cert in enumerate(certs) if id(cert) not in others)
        with _lock:
            _signers[memo_key] = found
            while len(_signers) > MAX_SIGNER_CHOICES:
                _signers.popitem(last=False)
        return signer_cert, other_certs
    # pyHanko keeps the last certificate the sid names and lists every other one
    return certs[max(matching)], [cert for i, cert in enumerate(certs) if i not in matching]


def clear() -> None:
    with _lock:
        _certs.clear()
        _signers.clear()


def held() -> int:
    with _lock:
        return len(_certs)


def install() -> None:
    """Idempotent: pyHanko's modules that imported the function use the shared objects."""
    from pyhanko.sign.validation import ades, dss, generic_cms

    for module in (general, generic_cms, ades, dss):
        module.extract_certificate_info = extract_certificate_info  # type: ignore[attr-defined]
