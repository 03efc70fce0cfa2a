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
from typing import Any

import aiohttp
import certifi
from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.authority import Authority
from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend
from pyhanko_certvalidator.fetchers.aiohttp_fetchers.util import LazySession
from pyhanko_certvalidator.fetchers.api import (
    CRLFetcher,
    FetcherBackend,
    Fetchers,
    OCSPFetcher,
    OwnedFetcherBackend,
)
from pyhanko_certvalidator.fetchers.common_utils import enumerate_delivery_point_urls
from pyhanko_certvalidator.policy_decl import (
    CertRevTrustPolicy,
    DisallowWeakAlgorithmsPolicy,
    FreshnessReqType,
    RevocationCheckingPolicy,
    RevocationCheckingRule,
)
from pyhanko_certvalidator.util import get_relevant_crl_dps, issuer_serial

from congso.signatures.lib.certreuse import parse_fully


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
    """The certificates of a trust file, parsed completely: a store is shared by every
    validation (and thread) of the process (see `certreuse.parse_fully`)."""
    try:
        certs = load_certificates(path)
    except (OSError, ValueError) as exc:
        raise TrustConfigurationError(f"Không đọc được tệp chứng thư {path}: {exc}") from None
    for cert in certs:  # best effort: what asn1crypto cannot parse fails later, as before
        parse_fully(cert)
    return certs


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


def fetcher_backend(timeout: float, cache: RevinfoCache | None = None) -> OwnedFetcherBackend:
    """An aiohttp backend the validation context closes when its operation ends; with `cache`,
    OCSP answers and CRLs still fresh there are not asked for again."""
    backend: FetcherBackend = AIOHttpFetcherBackend(
        session=_SharedTlsLazySession(),  # type: ignore[arg-type]  # LazySession is accepted at run time
        per_request_timeout=timeout,
    )
    if cache is not None:
        backend = CachingFetcherBackend(backend, cache)
    return OwnedFetcherBackend(backend)


class RevinfoCache:
    """OCSP responses and CRLs fetched during validations, reused for `ttl` seconds (never past
    their nextUpdate) so a batch does not ask the responder again for every document
    (anchors §3.5 rule 8).

    The answers are handed out by the fetchers of `CachingFetcherBackend`: pyHanko asks its OCSP
    fetcher for every certificate with an OCSP URL, whatever the context already holds, so
    answers merely given to a new ValidationContext did not save a single request. A cached
    answer goes through the same checks as a fetched one (signature, responder authorisation,
    freshness as of the validation time, certificate status); only the request is saved.

    OCSP answers are kept per certificate and issuing key (what an OCSP CertID names), CRLs per
    distribution-point URL; a newer answer for the same subject replaces the older one and
    expired answers are dropped whenever one is added, so the cache holds one answer per subject
    seen within the TTL and does not grow with the number of validations. The parsed objects
    are shared, so each validation does not parse them again; they are parsed completely before
    they are kept (`certreuse.parse_fully`), so threads never parse a shared object at once.
    """

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._ocsps: dict[bytes, tuple[asn1_ocsp.OCSPResponse, datetime]] = {}
        self._crls: dict[str, tuple[asn1_crl.CertificateList, datetime]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def ocsp_key(cert: Any, authority: Authority) -> bytes:
        """The certificate (issuer name and serial) and the key of the authority that issued
        it, as an OCSP request names them."""
        return bytes(issuer_serial(cert)) + b"|" + authority.public_key.sha256

    def ocsp(self, key: bytes) -> asn1_ocsp.OCSPResponse | None:
        with self._lock:
            entry = self._ocsps.get(key)
            if entry is None:
                return None
            if entry[1] <= datetime.now(UTC):
                del self._ocsps[key]
                return None
            return entry[0]

    def store_ocsp(self, key: bytes, response: asn1_ocsp.OCSPResponse) -> None:
        try:
            basic = response["response_bytes"]["response"].parsed
            updates = [
                single["next_update"].native for single in basic["tbs_response_data"]["responses"]
            ]
        except (KeyError, IndexError, TypeError, ValueError):
            return
        expires = self._expiry(updates)
        if expires is not None and parse_fully(response):
            with self._lock:
                self._prune()
                self._ocsps[key] = (response, expires)

    def crl(self, url: str) -> asn1_crl.CertificateList | None:
        with self._lock:
            entry = self._crls.get(url)
            if entry is None:
                return None
            if entry[1] <= datetime.now(UTC):
                del self._crls[url]
                return None
            return entry[0]

    def store_crl(self, url: str, certificate_list: asn1_crl.CertificateList) -> None:
        try:
            next_update = certificate_list["tbs_cert_list"]["next_update"].native
        except (KeyError, TypeError, ValueError):
            return
        expires = self._expiry([next_update])
        if expires is not None and parse_fully(certificate_list):
            with self._lock:
                self._prune()
                self._crls[url] = (certificate_list, expires)

    def _prune(self) -> None:
        """Drop expired answers (under the lock), so certificates seen once do not stay."""
        now = datetime.now(UTC)
        self._ocsps = {k: v for k, v in self._ocsps.items() if v[1] > now}
        self._crls = {k: v for k, v in self._crls.items() if v[1] > now}

    def _expiry(self, next_updates: list[datetime | None]) -> datetime | None:
        """Now + ttl, never past the earliest nextUpdate; None when already stale."""
        now = datetime.now(UTC)
        expires = now + timedelta(seconds=self.ttl)
        for next_update in next_updates:
            if next_update is not None:
                expires = min(expires, next_update)
        return expires if expires > now else None

    def known(self) -> tuple[list[bytes], list[bytes]]:
        """The fresh CRLs and OCSP responses held, DER-encoded."""
        now = datetime.now(UTC)
        with self._lock:
            crls = [crl.dump() for crl, expires in self._crls.values() if expires > now]
            ocsps = [resp.dump() for resp, expires in self._ocsps.values() if expires > now]
        return crls, ocsps

    def clear(self) -> None:
        with self._lock:
            self._ocsps.clear()
            self._crls.clear()


class _CachingOcspFetcher(OCSPFetcher):
    """Answers from the cache while fresh; asks the responder (and keeps the answer) otherwise."""

    def __init__(self, inner: OCSPFetcher, cache: RevinfoCache) -> None:
        self._inner = inner
        self._cache = cache
        self._results: dict[bytes, tuple[bytes, asn1_ocsp.OCSPResponse]] = {}

    async def fetch(self, cert: Any, authority: Authority) -> asn1_ocsp.OCSPResponse:
        key = RevinfoCache.ocsp_key(cert, authority)
        response = self._cache.ocsp(key)
        if response is None:
            response = await self._inner.fetch(cert, authority)
            self._cache.store_ocsp(key, response)
        self._results[key] = (bytes(issuer_serial(cert)), response)
        return response

    def fetched_responses(self) -> Iterable[asn1_ocsp.OCSPResponse]:
        return [response for _, response in self._results.values()]

    def fetched_responses_for_cert(self, cert: Any) -> Iterable[asn1_ocsp.OCSPResponse]:
        target = bytes(issuer_serial(cert))
        return [response for subject, response in self._results.values() if subject == target]


class _CachingCrlFetcher(CRLFetcher):
    """Serves a certificate's CRLs from the cache when every distribution-point URL has a fresh
    one; otherwise fetches them all (and keeps each by its URL)."""

    def __init__(self, inner: CRLFetcher, cache: RevinfoCache) -> None:
        self._inner = inner
        self._cache = cache
        self._by_cert: dict[bytes, list[asn1_crl.CertificateList]] = {}

    async def fetch(self, cert: Any, *, use_deltas: Any = True) -> list[asn1_crl.CertificateList]:
        subject = bytes(issuer_serial(cert))
        if subject in self._by_cert:
            return self._by_cert[subject]
        urls = list(
            dict.fromkeys(
                url
                for point in get_relevant_crl_dps(cert, use_deltas=use_deltas)
                for url in enumerate_delivery_point_urls(point)
            )
        )
        cached = [self._cache.crl(url) for url in urls]
        if urls and all(item is not None for item in cached):
            results = [item for item in cached if item is not None]
        else:
            results = list(await self._inner.fetch(cert, use_deltas=use_deltas))
            for url, fetched in self._fetched_by_url(urls, results):
                self._cache.store_crl(url, fetched)
        self._by_cert[subject] = results
        return results

    def _fetched_by_url(
        self, urls: list[str], results: list[asn1_crl.CertificateList]
    ) -> list[tuple[str, asn1_crl.CertificateList]]:
        """Which URL gave which CRL: pyHanko's aiohttp fetcher keeps its results by URL."""
        by_url = getattr(self._inner, "_iter_results", None)
        if by_url is not None:
            wanted = set(urls)
            return [(url, item) for url, item in by_url() if url in wanted]
        if len(urls) == 1 and len(results) == 1:
            return [(urls[0], results[0])]
        return []

    def fetched_crls(self) -> Iterable[asn1_crl.CertificateList]:
        seen: dict[int, asn1_crl.CertificateList] = {}
        for items in self._by_cert.values():
            for item in items:
                seen.setdefault(id(item), item)
        return list(seen.values())

    def fetched_crls_for_cert(self, cert: Any) -> Iterable[asn1_crl.CertificateList]:
        return self._by_cert[bytes(issuer_serial(cert))]


class CachingFetcherBackend(FetcherBackend):
    """pyHanko's aiohttp backend whose OCSP and CRL fetchers go through a `RevinfoCache`
    (certificate fetching, for AIA chasing, is left as it is)."""

    def __init__(self, inner: FetcherBackend, cache: RevinfoCache) -> None:
        self._inner = inner
        self.cache = cache

    def get_fetchers(self) -> Fetchers:
        fetchers = self._inner.get_fetchers()
        return Fetchers(
            ocsp_fetcher=_CachingOcspFetcher(fetchers.ocsp_fetcher, self.cache),
            crl_fetcher=_CachingCrlFetcher(fetchers.crl_fetcher, self.cache),
            cert_fetcher=fetchers.cert_fetcher,
        )

    async def close(self) -> None:
        await self._inner.close()


def validation_context(
    trust: TrustStore,
    *,
    timeout: float = 5.0,
    allow_fetching: bool = True,
    moment: datetime | None = None,
    extra_certs: Iterable[asn1_x509.Certificate] = (),
    crls: Iterable[bytes] = (),
    ocsps: Iterable[bytes] = (),
    revinfo_cache: RevinfoCache | None = None,
) -> ValidationContext:
    """A context that requires revocation information for every certificate in the path;
    `revinfo_cache` serves (and keeps) the OCSP answers and CRLs its fetchers need. Signatures
    found good are remembered process-wide by the raw signature check (`cmsmemo`)."""
    return ValidationContext(
        trust_roots=list(trust.roots),
        other_certs=list(trust.intermediates) + list(extra_certs),
        allow_fetching=allow_fetching,
        revinfo_policy=HARD_FAIL,
        moment=moment,
        crls=list(crls),
        ocsps=list(ocsps),
        fetcher_backend=fetcher_backend(timeout, revinfo_cache) if allow_fetching else None,
        algorithm_usage_policy=ALGORITHM_POLICY,
    )
