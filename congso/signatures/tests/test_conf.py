"""The trust store is built once per process and configuration, and again when a file changes."""

from __future__ import annotations

import os

import pytest

from congso.signatures import conf
from congso.signatures.lib.trust import TrustConfigurationError, fingerprint, load_certificates


def _fingerprints(certs) -> set[str]:
    return {fingerprint(cert) for cert in certs}


@pytest.fixture
def configured(settings, test_pki):
    settings.CONGSO_SIGNATURES_TEST_PKI_DIR = str(test_pki.directory)
    settings.CONGSO_SIGNATURES_PINNED_ROOTS = []
    settings.CONGSO_SIGNATURES_PINNED_SHA256 = []
    settings.CONGSO_SIGNATURES_EXTRA_ROOTS = []
    settings.CONGSO_SIGNATURES_INTERMEDIATES = []
    conf.clear_caches()
    yield settings
    conf.clear_caches()


def test_the_trust_store_is_built_once_for_an_unchanged_configuration(configured, test_pki):
    # Given the TEST PKI configured
    # When the validation configuration is asked for twice
    first = conf.validation_config()
    second = conf.validation_config()
    # Then both use the same trust store, with the TEST root and the issuing CA
    assert first.trust is second.trust
    assert _fingerprints(first.trust.roots) == _fingerprints(
        load_certificates(test_pki.cert_path("root"))
    )
    assert _fingerprints(first.trust.intermediates) == _fingerprints(
        load_certificates(test_pki.cert_path("ca"))
    )


def test_a_replaced_root_file_is_read_again(configured, test_pki, tmp_path):
    # Given an extra root file trusted from the command line
    extra = tmp_path / "extra.pem"
    extra.write_bytes(test_pki.cert_path("untrusted-root").read_bytes())
    before = conf.trust_store([str(extra)])
    # When the file is replaced by another certificate
    extra.write_bytes(test_pki.cert_path("ocsp").read_bytes())
    stat = extra.stat()
    os.utime(extra, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    after = conf.trust_store([str(extra)])
    # Then the new store trusts the new certificate instead of the old one
    assert fingerprint(load_certificates(extra)[0]) in _fingerprints(after.roots)
    assert fingerprint(before.roots[-1]) not in _fingerprints(after.roots)


def test_a_pinned_root_that_does_not_match_is_refused_every_time(configured, test_pki):
    # Given a pinned root file whose fingerprint is not among the pins
    configured.CONGSO_SIGNATURES_PINNED_ROOTS = [str(test_pki.cert_path("untrusted-root"))]
    configured.CONGSO_SIGNATURES_PINNED_SHA256 = ["00" * 32]
    # When / Then the trust store is refused, also when asked again (nothing cached)
    for _ in range(2):
        with pytest.raises(TrustConfigurationError):
            conf.trust_store()
