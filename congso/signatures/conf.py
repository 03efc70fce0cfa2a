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


def test_pki() -> TestPki | None:
    directory = _get("CONGSO_SIGNATURES_TEST_PKI_DIR", "")
    if not directory or not (Path(directory) / "manifest.json").exists():
        return None
    return TestPki.load(directory)


def trust_store(extra_roots: list[str] | None = None) -> TrustStore:
    pki = test_pki()
    store = TrustStore.build(
        pinned_roots=_get("CONGSO_SIGNATURES_PINNED_ROOTS", []),
        pinned_sha256=_get("CONGSO_SIGNATURES_PINNED_SHA256", []),
        extra_roots=_get("CONGSO_SIGNATURES_EXTRA_ROOTS", []),
        test_roots=pki.trust_roots if pki else [],
        intermediates=list(_get("CONGSO_SIGNATURES_INTERMEDIATES", []))
        + (pki.intermediates if pki else []),
    )
    return store.with_extra_roots(extra_roots or [])


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
