"""Memoised pure steps of pyHanko's CMS, timestamp and certificate-path validation.

An agency receives documents signed with the same few certificates (signer, agency, CA, TSA,
OCSP responder), and pyHanko repeats, for each document, work that depends only on the exact
bytes of those certificates:

- every raw signature check (each certificate's by its issuer, the OCSP answers' and CRLs' by
  theirs, also in the contexts pyHanko builds itself, such as the OCSP responder's): a success is
  kept under (signature, SHA-256 of the signed bytes, public key DER,
  algorithm DER, signature context);
- the ESS signing-certificate match (`check_ess_certid`: hash of the certificate's encoding,
  issuer and serial compared with the signed attribute), kept under both encodings;
- the algorithm policy's verdict on a signature algorithm and key (`signature_algorithm_allowed`
  of pyHanko's `DisallowWeakAlgorithmsPolicy`, which reads neither the time nor anything but the
  algorithm's and key's encodings and the policy's own settings);
- the default PKIX name-constraint trees every path validation starts from (handed out as new
  sets of the same immutable subtrees).

Nothing here keeps a verdict about a document, a path or revocation data: validity periods,
revocation, freshness, policies and the signatures over each document's own bytes are decided
by pyHanko on each validation. A failure is never kept (it is checked, and raised, every time),
a value whose encoding as read cannot be told (built in memory, changed after parsing, tagged)
goes to pyHanko's original function, and every memo is bounded (least recently used dropped).
`install()` is idempotent; `uninstall()` puts pyHanko's functions back (benchmarks, tests).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Any

from pyhanko.sign import general
from pyhanko.sign.validation import generic_cms
from pyhanko_certvalidator import name_trees, sig_validate
from pyhanko_certvalidator import validate as certvalidator_validate
from pyhanko_certvalidator.policy_decl import AlgorithmUsageConstraint, DisallowWeakAlgorithmsPolicy

from congso.signatures.lib.certreuse import encoding_as_read

MAX_SIGNATURES = 2048
MAX_CERT_IDS = 1024
MAX_ALGORITHM_VERDICTS = 1024

_MISSING = object()


class BoundedMemo:
    """A thread-safe mapping keeping the `limit` most recently used entries."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._entries: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any:
        with self._lock:
            value = self._entries.get(key, _MISSING)
            if value is not _MISSING:
                self._entries.move_to_end(key)
            return value

    def put(self, key: Any, value: Any) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.limit:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


SIGNATURES = BoundedMemo(MAX_SIGNATURES)
CERT_IDS = BoundedMemo(MAX_CERT_IDS)
ALGORITHM_VERDICTS = BoundedMemo(MAX_ALGORITHM_VERDICTS)

_original_validate_raw = sig_validate._validate_raw
_original_check_ess_certid = general.check_ess_certid
_original_signature_algorithm_allowed = DisallowWeakAlgorithmsPolicy.signature_algorithm_allowed
_original_default_permitted_subtrees = name_trees.default_permitted_subtrees


def _signature_key(
    signature: Any, signed_data: Any, public_key_info: Any, signature_algorithm: Any, context: Any
) -> tuple[Any, ...] | None:
    if type(signature) is not bytes or type(signed_data) is not bytes:
        return None
    try:
        hash(context)
        key_der = encoding_as_read(public_key_info)
        algorithm_der = encoding_as_read(signature_algorithm)
    except Exception:  # left to pyHanko, which meets the same problem
        return None
    if key_der is None or algorithm_der is None:
        return None
    return (
        signature,
        len(signed_data),
        hashlib.sha256(signed_data).digest(),
        type(public_key_info),
        key_der,
        type(signature_algorithm),
        algorithm_der,
        context,
    )


def validate_raw(
    signature: bytes,
    signed_data: bytes,
    public_key_info: Any,
    signature_algorithm: Any,
    context: Any = sig_validate.DEFAULT_VALIDATION_CONTEXT,
) -> None:
    """pyHanko's raw signature check; a success is remembered under the exact inputs."""
    key = _signature_key(signature, signed_data, public_key_info, signature_algorithm, context)
    if key is not None and SIGNATURES.get(key) is True:
        return
    _original_validate_raw(signature, signed_data, public_key_info, signature_algorithm, context)
    if key is not None:
        SIGNATURES.put(key, True)


def check_ess_certid(cert: Any, certid: Any) -> bool:
    """pyHanko's `check_ess_certid`, its answer kept per (certificate, certificate ID) encoding."""
    try:
        cert_der = encoding_as_read(cert)
        certid_der = encoding_as_read(certid)
    except Exception:
        cert_der = certid_der = None
    if cert_der is None or certid_der is None:
        return bool(_original_check_ess_certid(cert, certid))
    key = (type(cert), cert_der, type(certid), certid_der)
    known = CERT_IDS.get(key)
    if known is _MISSING:
        known = bool(_original_check_ess_certid(cert, certid))
        CERT_IDS.put(key, known)
    return bool(known)


def _algorithm_key(
    policy: DisallowWeakAlgorithmsPolicy, algo: Any, public_key: Any
) -> tuple[Any, ...] | None:
    # Only pyHanko's own policy class, unchanged: a subclass may read the time or other data.
    if type(policy) is not DisallowWeakAlgorithmsPolicy or "digest_algorithm_allowed" in vars(
        policy
    ):
        return None
    try:
        settings = (
            policy.weak_hash_algos,
            policy.weak_signature_algos,
            policy.rsa_key_size_threshold,
            policy.dsa_key_size_threshold,
        )
        hash(settings)
        algo_der = encoding_as_read(algo)
        key_der = None if public_key is None else encoding_as_read(public_key)
    except Exception:
        return None
    if algo_der is None or (public_key is not None and key_der is None):
        return None
    return (settings, type(algo), algo_der, type(public_key), key_der)


def signature_algorithm_allowed(
    self: DisallowWeakAlgorithmsPolicy, algo: Any, moment: Any, public_key: Any
) -> AlgorithmUsageConstraint:
    """pyHanko's verdict for `DisallowWeakAlgorithmsPolicy`, kept per algorithm and key
    encoding and policy settings (the class does not read `moment`)."""
    key = _algorithm_key(self, algo, public_key)
    if key is None:
        return _original_signature_algorithm_allowed(self, algo, moment, public_key)
    known = ALGORITHM_VERDICTS.get(key)
    if known is _MISSING:
        known = _original_signature_algorithm_allowed(self, algo, moment, public_key)
        if type(known) is AlgorithmUsageConstraint:  # frozen: safe to hand out again
            ALGORITHM_VERDICTS.put(key, known)
    return known


_default_subtrees: dict[Any, frozenset[Any]] | None = None
_POLICY_CLASS: Any = DisallowWeakAlgorithmsPolicy  # its method is replaced in place


def default_permitted_subtrees() -> dict[Any, set[Any]]:
    """pyHanko's default permitted name trees: new sets of the same frozen `NameSubtree`s."""
    global _default_subtrees
    if _default_subtrees is None:
        _default_subtrees = {
            name_type: frozenset(trees)
            for name_type, trees in _original_default_permitted_subtrees().items()
        }
    return {name_type: set(trees) for name_type, trees in _default_subtrees.items()}


def clear() -> None:
    for memo in (SIGNATURES, CERT_IDS, ALGORITHM_VERDICTS):
        memo.clear()


def _patches() -> list[tuple[Any, str, Any, Any]]:
    """(owner, attribute, memoised step, pyHanko's own) for each replaced function."""
    return [
        (sig_validate, "_validate_raw", validate_raw, _original_validate_raw),
        (general, "check_ess_certid", check_ess_certid, _original_check_ess_certid),
        (generic_cms, "check_ess_certid", check_ess_certid, _original_check_ess_certid),
        (
            _POLICY_CLASS,
            "signature_algorithm_allowed",
            signature_algorithm_allowed,
            _original_signature_algorithm_allowed,
        ),
        (
            certvalidator_validate,
            "default_permitted_subtrees",
            default_permitted_subtrees,
            _original_default_permitted_subtrees,
        ),
    ]


def install() -> None:
    """Idempotent: pyHanko's modules use the memoised steps."""
    for owner, attribute, memoised, _original in _patches():
        setattr(owner, attribute, memoised)


def uninstall() -> None:
    """pyHanko's own functions again (the memos are kept)."""
    for owner, attribute, _memoised, original in _patches():
        setattr(owner, attribute, original)
