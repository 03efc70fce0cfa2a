"""Reusing OCSP answers and CRLs across files (CONGSO_SIGNATURES_REVINFO_CACHE_SECONDS): the
cache must save the requests themselves, while every answer it hands out is checked as before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp as x509_ocsp

from congso.signatures.lib import engine
from congso.signatures.lib.engine import ValidationConfig, validate_pdf
from congso.signatures.lib.report import CheckName, Verdict
from congso.signatures.lib.testservices import _Material, build_crl, build_ocsp
from congso.signatures.lib.trust import RevinfoCache
from congso.signatures.tests.helpers import raw_sign

TTL = 300.0


@pytest.fixture
def cached_config(trust):
    """Validation as deployed: answers reused for five minutes; the cache starts empty."""
    config = ValidationConfig(trust=trust, timeout=5, revinfo_cache_seconds=TTL)
    cache = engine._revinfo_cache(config)
    assert cache is not None
    cache.clear()
    yield config
    cache.clear()


def _revinfo_requests(services) -> int:
    return services.requests("ocsp") + services.requests("crl")


def _validate_counting(data, config, services):
    before_ocsp, before_crl = services.requests("ocsp"), services.requests("crl")
    report = validate_pdf(data, config=config)
    return report, services.requests("ocsp") - before_ocsp, services.requests("crl") - before_crl


def _failing_checks(report) -> set[CheckName]:
    return {check.name for sig in report.signatures for check in sig.failing()}


def test_a_second_validation_asks_no_responder_while_the_answers_are_fresh(
    signed_twice, cached_config, test_services
):
    # Given an empty cache and a first validation of a two-signature document
    first, first_ocsp, first_crl = _validate_counting(signed_twice, cached_config, test_services)
    assert first.verdict == Verdict.VALID, first.to_json()
    assert first_ocsp >= 3, "signer, agency and TSA certificates are checked over OCSP"
    assert first_crl >= 1, "the issuing CA is checked against the root's CRL"
    # When documents from the same issuers are validated again
    second, second_ocsp, second_crl = _validate_counting(signed_twice, cached_config, test_services)
    third, third_ocsp, third_crl = _validate_counting(signed_twice, cached_config, test_services)
    # Then no OCSP or CRL request is made, and the verdict is unchanged
    assert (second_ocsp, second_crl, third_ocsp, third_crl) == (0, 0, 0, 0)
    assert second.verdict == third.verdict == Verdict.VALID, second.to_json()
    assert [s.checks for s in second.signatures] == [s.checks for s in first.signatures]


def test_without_the_cache_every_validation_asks_again(signed_twice, trust, test_services):
    # Given the cache disabled (revinfo_cache_seconds=0)
    config = ValidationConfig(trust=trust, timeout=5, revinfo_cache_seconds=0)
    # When the same document is validated twice
    first, first_ocsp, first_crl = _validate_counting(signed_twice, config, test_services)
    second, second_ocsp, second_crl = _validate_counting(signed_twice, config, test_services)
    # Then both validations ask the responders, as many times each
    assert first.verdict == second.verdict == Verdict.VALID
    assert first_ocsp >= 3
    assert (second_ocsp, second_crl) == (first_ocsp, first_crl)


@pytest.mark.parametrize(
    ("label", "verdict", "check"),
    [
        ("revoked", Verdict.FAILED, CheckName.REVOCATION),
        ("rogue-ocsp", Verdict.INDETERMINATE, CheckName.REVOCATION),
    ],
)
def test_a_cached_answer_is_checked_like_a_fetched_one(
    label, verdict, check, prepared_decision, test_pki, cached_config, test_services
):
    # Given a signature by a revoked certificate (or answered by an unauthorised responder)
    signed = raw_sign(prepared_decision, pki=test_pki, label=label)
    first = validate_pdf(signed, config=cached_config)
    assert first.verdict == verdict, first.to_json()
    # When it is validated again with the answer now taken from the cache
    second, ocsp_requests, crl_requests = _validate_counting(signed, cached_config, test_services)
    # Then it asked no responder and is still refused for the same reason
    assert (ocsp_requests, crl_requests) == (0, 0)
    assert second.verdict == verdict, second.to_json()
    assert check in _failing_checks(second)


def test_the_cache_keeps_one_answer_per_certificate(signed_twice, cached_config):
    # Given a cache that has seen one validation of a two-signature document
    validate_pdf(signed_twice, config=cached_config)
    cache = engine._revinfo_cache(cached_config)
    assert cache is not None
    crls, ocsps = cache.known()
    assert len(ocsps) == 3
    assert len(crls) == 1
    # When the same document is validated again and again
    for _ in range(3):
        assert validate_pdf(signed_twice, config=cached_config).verdict == Verdict.VALID
    # Then the cache still holds one answer per certificate or CRL: it does not grow
    assert tuple(map(len, cache.known())) == (1, 3)


def _ocsp_answer(pki, label: str, at: datetime) -> asn1_ocsp.OCSPResponse:
    material = _Material(pki)
    request = (
        x509_ocsp.OCSPRequestBuilder()
        .add_certificate(material.certs[label], material.certs["ca"], hashes.SHA1())  # noqa: S303 - OCSP CertID
        .build()
    )
    body = request.public_bytes(serialization.Encoding.DER)
    return asn1_ocsp.OCSPResponse.load(build_ocsp(material, "ocsp", body, at))


def test_an_answer_past_its_next_update_is_never_kept(test_pki):
    # Given OCSP answers and CRLs issued now and issued two days ago (next update passed)
    now = datetime.now(UTC)
    cache = RevinfoCache(TTL)
    material = _Material(test_pki)
    fresh_crl = asn1_crl.CertificateList.load(build_crl(material, "root", now))
    stale_crl = asn1_crl.CertificateList.load(build_crl(material, "root", now - timedelta(days=2)))
    # When they are offered to the cache
    cache.store_ocsp(b"fresh", _ocsp_answer(test_pki, "person", now))
    cache.store_ocsp(b"stale", _ocsp_answer(test_pki, "person", now - timedelta(days=2)))
    cache.store_crl("http://fresh/root.crl", fresh_crl)
    cache.store_crl("http://stale/root.crl", stale_crl)
    # Then only the fresh ones are handed out
    assert cache.ocsp(b"fresh") is not None
    assert cache.ocsp(b"stale") is None
    assert cache.crl("http://fresh/root.crl") is fresh_crl
    assert cache.crl("http://stale/root.crl") is None


def test_no_cache_for_validation_as_of_a_past_moment_or_offline(trust):
    # Given configurations with the cache enabled but a fixed moment, or without fetching
    past = ValidationConfig(
        trust=trust, revinfo_cache_seconds=TTL, moment=datetime.now(UTC) - timedelta(days=1)
    )
    offline = ValidationConfig(trust=trust, revinfo_cache_seconds=TTL, allow_fetching=False)
    # When / Then no cache is used: answers fetched now speak about now only
    assert engine._revinfo_cache(past) is None
    assert engine._revinfo_cache(offline) is None
