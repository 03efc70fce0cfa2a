"""Memoised RFC 4518 string preparation for certificate name comparison.

asn1crypto compares X.509 names (issuer ↔ subject, ESS issuer/serial, OCSP responder IDs) by
preparing every attribute value with RFC 4518 stringprep, character by character in Python. It
keeps the result on the parsed attribute, but every validation parses the signatures' and the
timestamps' certificates afresh, so the same few Vietnamese names (0.06–0.2 ms each) were
prepared about 80 times per two-signature document. The preparation is a pure function of the
string, so its result is kept per string (bounded); the comparison itself is unchanged.

Whole-name comparison (`Name.__eq__`, RFC 5280 §7.1) is likewise a pure function of the two
names' encodings (and `Name.hashable`, the key certificate registries look names up by, of
the name's encoding); pyHanko compares the same issuer/subject pairs dozens of times per document
(signer identification, ESS certificate IDs, path building, OCSP/CRL issuer checks), each time
walking freshly parsed attributes. Its result is kept per pair of encodings as read (bounded);
names built in memory, never parsed, are compared as before, and a comparison that raises is
not kept.

`install()` is idempotent and applies to every asn1crypto name in the process.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

from asn1crypto.x509 import Name, NameTypeAndValue

from congso.signatures.lib.certreuse import encoding_as_read

_original = NameTypeAndValue._ldap_string_prep
_original_eq = Name.__eq__
_original_hashable = Name.hashable
MAX_COMPARISONS = 4096
_comparisons: dict[tuple[bytes, bytes], bool] = {}
_comparisons_lock = threading.Lock()


@functools.lru_cache(maxsize=4096)
def _prepared(string: str) -> str:
    return str(_original(None, string))


def _ldap_string_prep(self: Any, string: str) -> str:  # noqa: ARG001 - asn1crypto's signature
    if not isinstance(string, str):  # left to asn1crypto as it is, uncached
        return _original(self, string)
    return _prepared(string)


def _name_eq(self: Name, other: object) -> bool:
    if not isinstance(other, Name):
        return False
    # Names compare by their chosen RDN sequences (asn1crypto's own rule), read as parsed.
    mine, theirs = encoding_as_read(self.chosen), encoding_as_read(other.chosen)
    if mine is None or theirs is None:
        return bool(_original_eq(self, other))
    key = (mine, theirs)
    known = _comparisons.get(key)
    if known is None:
        known = bool(_original_eq(self, other))
        with _comparisons_lock:
            if len(_comparisons) >= MAX_COMPARISONS:
                _comparisons.clear()
            _comparisons[key] = known
    return known


@functools.lru_cache(maxsize=4096)
def _hashable_of(encoding: bytes) -> str:
    return str(_original_hashable.fget(Name.load(encoding)))


def _name_hashable(self: Name) -> str:
    encoding = encoding_as_read(self.chosen)
    if encoding is None:
        return str(_original_hashable.fget(self))
    return _hashable_of(encoding)


def install() -> None:
    """Idempotent: asn1crypto's NameTypeAndValue uses the memoised preparation, and Name
    equality the memoised comparison."""
    NameTypeAndValue._ldap_string_prep = _ldap_string_prep
    Name.__eq__ = _name_eq
    Name.hashable = property(_name_hashable)
