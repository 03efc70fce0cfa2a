"""Interrupted signing: congso prepares, a remote device signs the hash, congso finishes."""

from __future__ import annotations

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from congso.signatures.lib import appearance, images, signing
from congso.signatures.lib.engine import validate_pdf
from congso.signatures.lib.external import (
    PreparedSignature,
    finish_external_signature,
    prepare_external_signature,
)
from congso.signatures.lib.report import Verdict


def _asn1(cert):
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def test_remote_device_signs_prepared_hash_and_document_validates(
    prepared_decision, test_pki, signing_config, validation_config
):
    # given a document prepared for the person's certificate (as a browser plug-in would get)
    prepared = prepare_external_signature(
        prepared_decision,
        certificate=_asn1(test_pki.cert("person")),
        chain=[_asn1(test_pki.cert("ca"))],
        field_name=signing.PERSON_FIELD,
        config=signing_config,
        style=appearance.image_style(images.signature_png()),
    )
    # the state survives a round trip through JSON between the two requests
    prepared = PreparedSignature.from_dict(prepared.to_dict())
    assert len(prepared.digest_to_sign) == 32
    # when the remote key signs the signed attributes
    value = test_pki.key("person").sign(prepared.data_to_sign, padding.PKCS1v15(), hashes.SHA256())
    signed = finish_external_signature(prepared, value, config=signing_config)
    # then the document carries a valid, timestamped person signature
    report = validate_pdf(signed, config=validation_config)
    assert report.verdict == Verdict.VALID, report.summary
    assert report.signatures[0].timestamp_time is not None


def test_signature_from_another_key_is_refused_before_embedding(
    prepared_decision, test_pki, signing_config
):
    prepared = prepare_external_signature(
        prepared_decision,
        certificate=_asn1(test_pki.cert("person")),
        chain=[_asn1(test_pki.cert("ca"))],
        field_name=signing.PERSON_FIELD,
        config=signing_config,
        style=appearance.image_style(images.signature_png()),
    )
    wrong = test_pki.key("organisation").sign(
        prepared.data_to_sign, padding.PKCS1v15(), hashes.SHA256()
    )
    with pytest.raises(signing.SigningRefused) as refused:
        finish_external_signature(prepared, wrong, config=signing_config)
    assert refused.value.code == "external_signature_invalid"
