"""The XMLDSig enveloped signature: sign, verify (SHA-256 and SHA-1), tampering, interop."""

from __future__ import annotations

import base64

import pytest
import signxml
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree

from congso.exchange.lib import (
    CodecConfig,
    build_package,
    build_status,
    parse_package_checked,
    parse_status,
    verify_xml_signature,
)
from congso.exchange.lib import config as C
from congso.exchange.tests.lib.conftest import FIXTURES, attachment, sample_package

ALGORITHMS = [("rsa-sha256", "sha256", C.SIG_RSA_SHA256), ("rsa-sha1", "sha1", C.SIG_RSA_SHA1)]


@pytest.fixture
def signed(kontum, tmp_path):
    pkg = sample_package((attachment(tmp_path / "vb.pdf", b"%PDF-1.7 noi dung " * 500),))
    return build_package(pkg, signer=kontum.signer())


@pytest.mark.parametrize(("method", "digest", "uri"), ALGORITHMS)
def test_a_signed_package_verifies(kontum, tmp_path, method, digest, uri):
    # given a package signed by the sending organisation
    pkg = sample_package((attachment(tmp_path / "vb.pdf", b"%PDF " * 100),))
    data = build_package(pkg, signer=kontum.signer(signature_method=method, digest_method=digest))
    # when the signature is verified
    check = verify_xml_signature(data)
    # then it is valid and names the signer
    assert check.valid, check.message_vi
    assert check.algorithm == uri
    assert "UBND tỉnh Kon Tum" in check.signer_subject
    assert check.certificate_der == kontum.cert.public_bytes(Encoding.DER)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("V/v triển khai".encode(), b"V/v trien khai"),  # header text
        (b"000.00.00.G22", b"000.00.00.G09"),  # a recipient
        (b"<edXML:Paper>0</edXML:Paper>", b"<edXML:Paper>1</edXML:Paper>"),  # business
    ],
)
def test_tampering_with_the_header_is_detected(signed, old, new):
    # given a signed package changed after signing
    assert old in signed
    tampered = signed.replace(old, new, 1)
    # then the digest no longer matches
    check = verify_xml_signature(tampered)
    assert not check.valid
    assert check.problem_code == "edxml_signature_invalid"


def test_tampering_with_an_attachment_is_detected(signed):
    # given one base64 character of the attachment changed
    start = signed.index(b"<edXML:ContentTransferEncoded")
    start = signed.index(b">", start) + 40
    flipped = b"A" if signed[start : start + 1] != b"A" else b"B"
    tampered = signed[:start] + flipped + signed[start + 1 :]
    # then verification fails
    assert verify_xml_signature(tampered).problem_code == "edxml_signature_invalid"


def test_a_forged_signature_value_is_detected(signed, other_agency):
    # given the SignatureValue replaced by another organisation's signature of the same SignedInfo
    root = etree.fromstring(signed)
    ns = {"ds": C.DSIG_NS}
    info = root.find(".//ds:SignedInfo", ns)
    forged = other_agency.key.sign(
        etree.tostring(info, method="c14n", exclusive=True), padding.PKCS1v15(), hashes.SHA256()
    )
    root.find(".//ds:SignatureValue", ns).text = base64.b64encode(forged).decode()
    # then it does not verify against the embedded certificate
    check = verify_xml_signature(etree.tostring(root))
    assert check.problem_code == "edxml_signature_invalid"
    assert "SignatureValue" in check.message_vi


def test_an_unsigned_package_has_a_missing_signature(tmp_path):
    data = build_package(sample_package())
    check = verify_xml_signature(data)
    assert (check.valid, check.problem_code) == (False, "edxml_signature_missing")
    # the Lạng Sơn variant's empty DigitalSignature is no signature either
    assert verify_xml_signature(FIXTURES / "lang_son_variant.edxml").problem_code == (
        "edxml_signature_missing"
    )


def test_the_sdk_sample_signature_is_reported_invalid_not_crashing():
    check = verify_xml_signature(FIXTURES / "vnpt_sdk_sample.edxml")
    assert check.problem_code == "edxml_signature_invalid"
    assert check.algorithm == C.SIG_RSA_SHA1


def test_sha1_can_be_refused_by_configuration(kontum):
    data = build_package(sample_package(), signer=kontum.signer(signature_method="rsa-sha1"))
    strict = CodecConfig(accepted_signature_methods=(C.SIG_RSA_SHA256,))
    check = verify_xml_signature(data, config=strict)
    assert check.problem_code == "edxml_signature_invalid"
    assert "SignatureMethod" in check.message_vi


def test_signed_status_verifies_and_tampering_is_seen(kontum):
    st = parse_status(FIXTURES / "status_01.edxml")
    data = build_status(st, signer=kontum.signer())
    assert verify_xml_signature(data).valid
    assert not verify_xml_signature(data.replace(b">01<", b">03<")).valid


def test_parse_and_verify_in_one_pass(signed, tmp_path):
    pkg, check = parse_package_checked(signed, attachment_dir=tmp_path)
    assert check is not None
    assert check.valid
    assert pkg.attachments[0].size == len(b"%PDF-1.7 noi dung " * 500)


def test_signxml_verifies_our_signatures(kontum, signed):
    # interop: an independent XMLDSig implementation accepts what we sign (SHA-256 and SHA-1)
    signxml.XMLVerifier().verify(signed, x509_cert=kontum.cert)
    sha1 = build_package(
        sample_package(), signer=kontum.signer(signature_method="rsa-sha1", digest_method="sha1")
    )
    config = signxml.SignatureConfiguration(
        signature_methods=frozenset({signxml.SignatureMethod.RSA_SHA1}),
        digest_algorithms=frozenset({signxml.DigestAlgorithm.SHA1}),
    )
    signxml.XMLVerifier().verify(sha1, x509_cert=kontum.cert, expect_config=config)


@pytest.mark.parametrize(
    "c14n",
    [
        signxml.CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
        signxml.CanonicalizationMethod.CANONICAL_XML_1_0,
    ],
)
def test_we_verify_signxml_signatures(kontum, c14n):
    # given a package signed by signxml with the Signature placed in edXMLHeader
    unsigned = build_package(sample_package())
    root = etree.fromstring(unsigned)
    header = root.find(f".//{{{C.EDXML_NS}}}edXMLHeader")
    etree.SubElement(header, f"{{{C.DSIG_NS}}}Signature", Id="placeholder")
    signer = signxml.XMLSigner(method=signxml.methods.enveloped, c14n_algorithm=c14n)
    signed = etree.tostring(signer.sign(root, key=kontum.key, cert=[kontum.cert]))
    # then our streaming verifier accepts it, and sees tampering
    assert verify_xml_signature(signed).valid
    assert not verify_xml_signature(signed.replace(b"Kon Tum", b"Kon  Tum", 1)).valid


def test_inclusive_c14n_signer_round_trips(kontum):
    # SignedInfo under inclusive C14N carries the namespaces in scope (xmlns:edXML), as the
    # spec wants; signxml's own inclusive signatures verify above with the same code.
    data = build_package(sample_package(), signer=kontum.signer(c14n_method=C.C14N))
    assert verify_xml_signature(data).valid
    assert not verify_xml_signature(data.replace(b"Kon Tum", b"Kon-Tum", 1)).valid
