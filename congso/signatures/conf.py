"""Settings of the signatures app, read with defaults (documented in the lead's settings list).

| setting | meaning |
|---|---|
| CONGSO_SIGNATURES_PINNED_ROOTS | root certificate files (VGCA G2, NEAC) — each must match a pin |
| CONGSO_SIGNATURES_PINNED_SHA256 | SHA-256 fingerprints allowed for those roots |
| CONGSO_SIGNATURES_EXTRA_ROOTS | further trusted roots, not pinned (use sparingly) |
| CONGSO_SIGNATURES_INTERMEDIATES | issuing-CA certificates offered for leaf-only signatures |
| CONGSO_SIGNATURES_TEST_PKI_DIR | development: trust the TEST PKI in this directory, use its TSA |
| CONGSO_SIGNATURES_TSA_URL | RFC 3161 TSA (e.g. http://tsa.ca.gov.vn) |
| CONGSO_SIGNATURES_LEVEL | B-B, B-T (default), B-LT or B-LTA |
| CONGSO_SIGNATURES_TIMEOUT | seconds per TSA/OCSP/CRL request (default 5) |
| CONGSO_SIGNATURES_MAX_REVISIONS | revisions beyond which modifications are not analysed (200) |
| CONGSO_SIGNATURES_REVINFO_CACHE_SECONDS | reuse OCSP/CRL answers across files (300; 0 = off) |
| CONGSO_SIGNATURES_VALIDATION_TIME_LIMIT | seconds per file; the rest is INDETERMINATE (60) |
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from django.conf import settings

from congso.signatures.lib.engine import ValidationConfig
from congso.signatures.lib.signing import SignatureLevel, SigningConfig
from congso.signatures.lib.testpki import TestPki
from congso.signatures.lib.trust import TrustStore


def _get(name: str, default: Any) -> Any:
    """The Django setting; until config/settings/base.py defines it, the environment variable
    of the same name (lists comma-separated), then the default."""
    if hasattr(settings, name):
        return getattr(settings, name)
    raw = os.environ.get(name)
    if raw is None:
        return default
    if isinstance(default, list):
        return [item.strip() for item in raw.split(",") if item.strip()]
    return raw


FileStamp = tuple[str, int, int, int, int]
_CACHE_LOCK = threading.Lock()
_TEST_PKIS: dict[FileStamp, TestPki] = {}
_TRUST_STORES: dict[tuple[Any, ...], TrustStore] = {}
_MAX_TRUST_STORES = 16


def _stamp(path: Path | str) -> FileStamp:
    """What identifies a file's content without reading it: replaced or edited files get a new
    inode, mtime or size; a missing file is stamped as such (building then raises)."""
    try:
        st = os.stat(path)
    except OSError:
        return (str(path), -1, -1, -1, -1)
    return (str(path), st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)


def test_pki() -> TestPki | None:
    directory = _get("CONGSO_SIGNATURES_TEST_PKI_DIR", "")
    if not directory or not (Path(directory) / "manifest.json").exists():
        return None
    key = _stamp(Path(directory) / "manifest.json")
    with _CACHE_LOCK:
        pki = _TEST_PKIS.get(key)
    if pki is None:
        pki = TestPki.load(directory)
        with _CACHE_LOCK:
            _TEST_PKIS.clear()  # one TEST PKI per configuration; keep only the current one
            _TEST_PKIS[key] = pki
    return pki


def trust_store(extra_roots: list[str] | None = None) -> TrustStore:
    """The configured trust anchors and intermediates, built (files read, certificates parsed,
    pins checked) once per process and configuration: rebuilt when a setting or one of the
    files changes. Sharing the parsed certificates also keeps what asn1crypto computes lazily
    on them (fingerprints, prepared names) from one validation to the next."""
    pki = test_pki()
    pinned_roots = [str(p) for p in _get("CONGSO_SIGNATURES_PINNED_ROOTS", [])]
    pinned_sha256 = [str(p) for p in _get("CONGSO_SIGNATURES_PINNED_SHA256", [])]
    configured_extra = [str(p) for p in _get("CONGSO_SIGNATURES_EXTRA_ROOTS", [])]
    test_roots = [str(p) for p in (pki.trust_roots if pki else [])]
    intermediates = [str(p) for p in _get("CONGSO_SIGNATURES_INTERMEDIATES", [])] + [
        str(p) for p in (pki.intermediates if pki else [])
    ]
    more = [str(p) for p in extra_roots or []]
    key = (
        tuple(_stamp(p) for p in pinned_roots),
        tuple(pinned_sha256),
        tuple(_stamp(p) for p in configured_extra),
        tuple(_stamp(p) for p in test_roots),
        tuple(_stamp(p) for p in intermediates),
        tuple(_stamp(p) for p in more),
    )
    with _CACHE_LOCK:
        store = _TRUST_STORES.get(key)
    if store is not None:
        return store
    store = TrustStore.build(
        pinned_roots=pinned_roots,
        pinned_sha256=pinned_sha256,
        extra_roots=configured_extra,
        test_roots=test_roots,
        intermediates=intermediates,
    ).with_extra_roots(more)
    with _CACHE_LOCK:
        if len(_TRUST_STORES) >= _MAX_TRUST_STORES:  # files replaced again and again: start over
            _TRUST_STORES.clear()
        _TRUST_STORES[key] = store
    return store


def clear_caches() -> None:
    """Forget the built trust stores and TEST PKI manifests (tests, a reload)."""
    with _CACHE_LOCK:
        _TEST_PKIS.clear()
        _TRUST_STORES.clear()


def tsa_url() -> str | None:
    url = _get("CONGSO_SIGNATURES_TSA_URL", "")
    if url:
        return str(url)
    pki = test_pki()
    return pki.tsa_url if pki else None


def signing_config(level: str | None = None) -> SigningConfig:
    return SigningConfig(
        trust=trust_store(),
        tsa_url=tsa_url(),
        level=SignatureLevel(level or _get("CONGSO_SIGNATURES_LEVEL", "B-T")),
        timeout=float(_get("CONGSO_SIGNATURES_TIMEOUT", 5)),
    )


def validation_config(
    extra_roots: list[str] | None = None, *, etsi_report: bool = False
) -> ValidationConfig:
    return ValidationConfig(
        trust=trust_store(extra_roots),
        timeout=float(_get("CONGSO_SIGNATURES_TIMEOUT", 5)),
        max_revisions=int(_get("CONGSO_SIGNATURES_MAX_REVISIONS", 200)),
        revinfo_cache_seconds=float(_get("CONGSO_SIGNATURES_REVINFO_CACHE_SECONDS", 300)),
        time_limit_s=float(_get("CONGSO_SIGNATURES_VALIDATION_TIME_LIMIT", 60)),
        etsi_report=etsi_report,
    )
