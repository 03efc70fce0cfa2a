"""Session fixtures: a fresh TEST PKI, SoftHSM2 tokens and the local TSA/OCSP/CRL service.

The service runs in-process on a free 127.0.0.1 port chosen for this run (its URLs are baked
into the test certificates), so the tests need nothing started beforehand. PKCS#11 tests skip
when SoftHSM2 is not installed. The material is shared with every other test package of the
process (`session.py`).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from congso.signatures.lib import images, sampledoc, signing
from congso.signatures.lib.engine import ValidationConfig
from congso.signatures.lib.keys import Pkcs11KeyProvider, Pkcs12KeyProvider
from congso.signatures.lib.softhsm import TEST_TOKENS, TEST_USER_PIN
from congso.signatures.lib.testpki import TEST_P12_PASSWORD, TestPki
from congso.signatures.lib.testservices import TestServices
from congso.signatures.lib.trust import TrustStore
from congso.signatures.tests.session import (
    shared_softhsm,
    shared_test_pki,
    shared_test_services,
)

ARTIFACTS = Path(__file__).resolve().parents[3] / "artifacts" / "signatures"


@pytest.fixture(scope="session")
def test_pki() -> TestPki:
    return shared_test_pki()


@pytest.fixture(scope="session")
def test_services(test_pki: TestPki) -> TestServices:
    """The local TSA/OCSP/CRL service of `test_pki`; `requests(kind)` counts what it answered."""
    return shared_test_services()


@pytest.fixture(scope="session")
def softhsm(test_pki: TestPki) -> str:
    module = shared_softhsm()
    if module is None:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("SoftHSM2 is required under CI=true (apt-get install softhsm2 opensc)")
        pytest.skip("SoftHSM2 not installed (apt-get install softhsm2 opensc)")
    return module


@pytest.fixture(scope="session")
def trust(test_pki: TestPki) -> TrustStore:
    return TrustStore.build(test_roots=test_pki.trust_roots, intermediates=test_pki.intermediates)


@pytest.fixture(scope="session")
def signing_config(test_pki: TestPki, trust: TrustStore) -> signing.SigningConfig:
    return signing.SigningConfig(trust=trust, tsa_url=test_pki.tsa_url, timeout=5)


@pytest.fixture(scope="session")
def validation_config(trust: TrustStore) -> ValidationConfig:
    return ValidationConfig(trust=trust, timeout=5)


@pytest.fixture(scope="session")
def person_key(softhsm: str) -> Pkcs11KeyProvider:
    token = TEST_TOKENS[0]
    return Pkcs11KeyProvider(
        softhsm, token.token_label, key_label=token.key_label, pin=TEST_USER_PIN
    )


@pytest.fixture(scope="session")
def organisation_key(softhsm: str) -> Pkcs11KeyProvider:
    token = TEST_TOKENS[1]
    return Pkcs11KeyProvider(
        softhsm, token.token_label, key_label=token.key_label, pin=TEST_USER_PIN
    )


@pytest.fixture(scope="session")
def p12_key(test_pki: TestPki):
    def _make(label: str) -> Pkcs12KeyProvider:
        return Pkcs12KeyProvider(test_pki.p12_path(label), TEST_P12_PASSWORD)

    return _make


@pytest.fixture(scope="session")
def prepared_decision() -> bytes:
    """The sample decision with both empty signature fields already created."""
    pdf, block = sampledoc.decision_pdf()
    return signing.prepare_signature_fields(
        pdf,
        [
            signing.FieldPlacement(signing.PERSON_FIELD, block.page, block.person_box),
            signing.FieldPlacement(signing.ORGANISATION_FIELD, block.page, block.organisation_box),
        ],
    )


@pytest.fixture(scope="session")
def signed_twice(
    prepared_decision: bytes,
    person_key: Pkcs11KeyProvider,
    organisation_key: Pkcs11KeyProvider,
    signing_config: signing.SigningConfig,
) -> bytes:
    """The decision signed by the person and then by the organisation, on SoftHSM2."""
    once = signing.sign_as_person(
        prepared_decision,
        provider=person_key,
        config=signing_config,
        signature_image=images.signature_png(),
    ).getvalue()
    return signing.sign_as_organisation(
        once,
        provider=organisation_key,
        config=signing_config,
        seal_image=images.seal_png(),
    ).getvalue()
