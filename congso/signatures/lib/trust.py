"""Trust anchors and the validation context built from them.

Government (VGCA G2) and national (NEAC) roots are pinned by SHA-256 fingerprint (standards §8.2,
anchors §3.5 rule 9): a root file whose fingerprint is not pinned is refused, so a replaced file
on disk cannot widen trust. Extra roots (the TEST roots in development, `--trust` on the command
line) are accepted as given. Intermediates come from the store too, because VGCA signatures often
carry only the signer's certificate (anchors §3.2).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import ssl
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import certifi
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend
from pyhanko_certvalidator.fetchers.aiohttp_fetchers.util import LazySession
from pyhanko_certvalidator.fetchers.api import OwnedFetcherBackend
from pyhanko_certvalidator.policy_decl import (
    CertRevTrustPolicy,
    DisallowWeakAlgorithmsPolicy,
    FreshnessReqType,
    RevocationCheckingPolicy,
    RevocationCheckingRule,
)


class TrustConfigurationError(Exception):
    """A trust anchor file is unreadable or not pinned."""


def load_certificates(path: Path | str) -> list[asn1_x509.Certificate]:
    """Every certificate of a PEM bundle or a single DER file."""
    data = Path(path).read_bytes()
    if pem.detect(data):
        return [asn1_x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]
    return [asn1_x509.Certificate.load(data)]


def fingerprint(cert: asn1_x509.Certificate) -> str:
    return hashlib.sha256(cert.dump()).hexdigest()


@dataclass(frozen=True)
class TrustStore:
    roots: tuple[asn1_x509.Certificate, ...]
    intermediates: tuple[asn1_x509.Certificate, ...] = ()
    test_fingerprints: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def build(
        cls,
        *,
        pinned_roots: Iterable[Path | str] = (),
        pinned_sha256: Iterable[str] = (),
        extra_roots: Iterable[Path | str] = (),
        test_roots: Iterable[Path | str] = (),
        intermediates: Iterable[Path | str] = (),
    ) -> TrustStore:
        pins = {pin.replace(":", "").lower() for pin in pinned_sha256}
        roots: list[asn1_x509.Certificate] = []
        for path in pinned_roots:
            for cert in _load(path):
                if fingerprint(cert) not in pins:
                    raise TrustConfigurationError(
                        f"Chứng thư gốc {cert.subject.human_friendly} trong {Path(path).name} "
                        "không khớp dấu vân tay SHA-256 đã ghim."
                    )
                roots.append(cert)
        for path in extra_roots:
            roots.extend(_load(path))
        tests: list[asn1_x509.Certificate] = []
        for path in test_roots:
            tests.extend(_load(path))
        chain: list[asn1_x509.Certificate] = []
        for path in intermediates:
            chain.extend(_load(path))
        return cls(
            roots=tuple(roots + tests),
            intermediates=tuple(chain),
            test_fingerprints=frozenset(fingerprint(c) for c in tests),
        )

    def with_extra_roots(self, paths: Iterable[Path | str]) -> TrustStore:
        extra = [cert for path in paths for cert in _load(path)]
        if not extra:
            return self
        return TrustStore(
            roots=self.roots + tuple(extra),
            intermediates=self.intermediates,
            test_fingerprints=self.test_fingerprints,
        )

    def is_test_root(self, cert: asn1_x509.Certificate) -> bool:
        return fingerprint(cert) in self.test_fingerprints


def _load(path: Path | str) -> list[asn1_x509.Certificate]:
    try:
        return load_certificates(path)
    except (OSError, ValueError) as exc:
        raise TrustConfigurationError(f"Không đọc được tệp chứng thư {path}: {exc}") from None


# Circular 15/2025/TT-BKHCN: RSA >= 2048; SHA-1 and MD5 refused (anchors §3.2, standards §8.1).
ALGORITHM_POLICY = DisallowWeakAlgorithmsPolicy(
    weak_hash_algos=frozenset({"md2", "md5", "sha1"}),
    rsa_key_size_threshold=2048,
    dsa_key_size_threshold=3072,
)

# Hard fail: without an answer from OCSP or CRL the certificate is not known good.
HARD_FAIL = CertRevTrustPolicy(
    revocation_checking_policy=RevocationCheckingPolicy(
        ee_certificate_rule=RevocationCheckingRule.CRL_OR_OCSP_REQUIRED,
        intermediate_ca_cert_rule=RevocationCheckingRule.CRL_OR_OCSP_REQUIRED,
    ),
    freshness_req_type=FreshnessReqType.DEFAULT,
)

# For validation as of a past moment (a timestamp's time): revocation data fetched now speaks
# about that earlier moment too.
HARD_FAIL_RETROACTIVE = dataclasses.replace(HARD_FAIL, retroactive_revinfo=True)


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    return ssl.create_default_context(cafile=certifi.where())


class _SharedTlsLazySession(LazySession):
    """pyHanko's lazy session builds a TLS context from the certifi bundle for every
    validation (~30 ms); build it once per process."""

    def get_session(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(ssl=_ssl_context())
            )
        return self._session


def fetcher_backend(timeout: float) -> OwnedFetcherBackend:
    """An aiohttp backend the validation context closes when its operation ends."""
    return OwnedFetcherBackend(
        AIOHttpFetcherBackend(session=_SharedTlsLazySession(), per_request_timeout=timeout)  # type: ignore[arg-type]  # LazySession is accepted at run time
    )


class RevinfoCache:
    """OCSP responses and CRLs fetched during validations, reused for `ttl` seconds (never past
    their nextUpdate) so a batch does not ask the responder again for every document
    (anchors §3.5 rule 8)."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        # One answer per subject: per certificate (OCSP CertID) or per issuer (CRL), the newest.
        # Keyed by the bytes themselves, every validation that fetched again added its answers
        # and the list handed to each new context grew without bound (measured: 3 more per
        # validation, 24 → 12 validations/s after 100).
        self._items: dict[bytes, tuple[str, bytes, datetime]] = {}
        self._issued: dict[bytes, datetime] = {}
        self._lock = threading.Lock()

    def known(self) -> tuple[list[bytes], list[bytes]]:
        now = datetime.now(UTC)
        with self._lock:
            self._items = {k: v for k, v in self._items.items() if v[2] > now}
            self._issued = {k: v for k, v in self._issued.items() if k in self._items}
            crls = [der for kind, der, _ in self._items.values() if kind == "crl"]
            ocsps = [der for kind, der, _ in self._items.values() if kind == "ocsp"]
        return crls, ocsps

    def absorb(self, context: ValidationContext) -> None:
        now = datetime.now(UTC)
        limit = now + timedelta(seconds=self.ttl)
        found: list[tuple[bytes, str, bytes, datetime, datetime]] = []
        for item in context.crls:
            tbs = item["tbs_cert_list"]
            next_update = tbs["next_update"].native
            subject = b"crl" + tbs["issuer"].dump()
            issued = tbs["this_update"].native
            found.append((subject, "crl", item.dump(), min(limit, next_update or limit), issued))
        for response in context.ocsps:
            try:
                basic = response["response_bytes"]["response"].parsed
                single = basic["tbs_response_data"]["responses"][0]
                next_update = single["next_update"].native
                subject = b"ocsp" + single["cert_id"].dump()
                issued = single["this_update"].native
            except (KeyError, IndexError, TypeError, ValueError):
                continue
            expires = min(limit, next_update or limit)
            found.append((subject, "ocsp", response.dump(), expires, issued))
        with self._lock:
            for subject, kind, der, expires, issued in found:
                key = hashlib.sha256(subject).digest()
                if expires > now and issued >= self._issued.get(key, issued):
                    self._items[key] = (kind, der, expires)
                    self._issued[key] = issued

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._issued.clear()


def validation_context(
    trust: TrustStore,
    *,
    timeout: float = 5.0,
    allow_fetching: bool = True,
    moment: datetime | None = None,
    extra_certs: Iterable[asn1_x509.Certificate] = (),
    crls: Iterable[bytes] = (),
    ocsps: Iterable[bytes] = (),
) -> ValidationContext:
    """A context that requires revocation information for every certificate in the path."""
    return ValidationContext(
        trust_roots=list(trust.roots),
        other_certs=list(trust.intermediates) + list(extra_certs),
        allow_fetching=allow_fetching,
        revinfo_policy=HARD_FAIL,
        moment=moment,
        crls=list(crls),
        ocsps=list(ocsps),
        fetcher_backend=fetcher_backend(timeout) if allow_fetching else None,
        algorithm_usage_policy=ALGORITHM_POLICY,
    )
