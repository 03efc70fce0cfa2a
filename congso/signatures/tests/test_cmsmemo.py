"""The memoised CMS/path steps (cmsmemo): documents signed with the same certificates reuse
raw signature checks, ESS certificate matches and algorithm verdicts, and still get exactly
the report pyHanko gives with nothing remembered, tampered inputs included."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from asn1crypto import keys, tsp, x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from hypothesis import given, settings
from hypothesis import strategies as st
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import general
from pyhanko.sign.validation import generic_cms
from pyhanko_certvalidator import name_trees, sig_validate
from pyhanko_certvalidator import validate as certvalidator_validate
from pyhanko_certvalidator.policy_decl import DisallowWeakAlgorithmsPolicy

from congso.signatures.lib import certreuse, cmsmemo
from congso.signatures.lib.engine import ValidationConfig, validate_pdf
from congso.signatures.lib.report import Verdict
from congso.signatures.lib.trust import ALGORITHM_POLICY, load_certificates
from congso.signatures.tests import pdfattacks
from congso.signatures.tests.helpers import raw_sign


def _comparable(report) -> dict[str, Any]:
    data = report.to_dict()
    data.pop("validated_at", None)
    return data


def _without_memos(patch: pytest.MonkeyPatch) -> None:
    """pyHanko's own functions, as before cmsmemo (and certreuse's partition memo)."""
    patch.setattr(sig_validate, "_validate_raw", cmsmemo._original_validate_raw)
    patch.setattr(general, "check_ess_certid", cmsmemo._original_check_ess_certid)
    patch.setattr(generic_cms, "check_ess_certid", cmsmemo._original_check_ess_certid)
    patch.setattr(
        DisallowWeakAlgorithmsPolicy,
        "signature_algorithm_allowed",
        cmsmemo._original_signature_algorithm_allowed,
    )
    patch.setattr(
        certvalidator_validate,
        "default_permitted_subtrees",
        cmsmemo._original_default_permitted_subtrees,
    )
    patch.setattr(
        certreuse, "_partition", lambda certs, _keys, info: general._partition_certs(certs, info)
    )


def test_install_puts_the_memoised_steps_in_pyhanko():
    # Given / When the signature library is imported (it installs cmsmemo)
    # Then pyHanko's modules call the memoised steps
    assert sig_validate._validate_raw is cmsmemo.validate_raw
    assert generic_cms.check_ess_certid is cmsmemo.check_ess_certid
    assert (
        DisallowWeakAlgorithmsPolicy.signature_algorithm_allowed
        is cmsmemo.signature_algorithm_allowed
    )
    assert certvalidator_validate.default_permitted_subtrees is cmsmemo.default_permitted_subtrees


@pytest.mark.parametrize(
    "label",
    ["person", "ec256", "revoked", "expired", "untrusted", "rogue-ocsp", "rsa1024", "sha1"],
)
def test_reports_are_the_same_as_without_the_memos(
    label, prepared_decision, test_pki, trust, signed_twice, monkeypatch
):
    # Given a document signed by `label` and the reports pyHanko gives with nothing remembered
    config = ValidationConfig(trust=trust, timeout=5)
    signed = raw_sign(prepared_decision, pki=test_pki, label=label)
    with monkeypatch.context() as patch:
        _without_memos(patch)
        plain = validate_pdf(signed, config=config)
        plain_twice = validate_pdf(signed_twice, config=config)
    # When the same documents are validated with the memos, after other documents filled them
    validate_pdf(signed_twice, config=config)
    validate_pdf(signed, config=config)
    remembered = validate_pdf(signed, config=config)
    remembered_twice = validate_pdf(signed_twice, config=config)
    # Then the whole reports are the same
    assert _comparable(remembered) == _comparable(plain), remembered.to_json()
    assert _comparable(remembered_twice) == _comparable(plain_twice)
    assert remembered_twice.verdict == Verdict.VALID


@pytest.mark.parametrize(
    "attack",
    [pdfattacks.change_signed_byte, pdfattacks.wrong_message_digest],
    ids=lambda value: value.__name__,
)
def test_a_tampered_document_is_refused_after_valid_ones_from_the_same_signers(
    attack, signed_twice, validation_config, monkeypatch
):
    # Given the valid document validated twice, so its signers' checks are remembered
    for _ in range(2):
        assert validate_pdf(signed_twice, config=validation_config).verdict == Verdict.VALID
    tampered = attack(signed_twice)
    with monkeypatch.context() as patch:
        _without_memos(patch)
        plain = validate_pdf(tampered, config=validation_config)
    # When a tampered copy is validated, twice
    reports = [validate_pdf(tampered, config=validation_config) for _ in range(2)]
    # Then it is refused each time exactly as pyHanko alone refuses it
    for report in reports:
        assert report.verdict == Verdict.FAILED
        assert _comparable(report) == _comparable(plain)


def _certificate_and_issuer(test_pki) -> tuple[x509.Certificate, x509.Certificate]:
    return (
        load_certificates(test_pki.cert_path("person"))[0],
        load_certificates(test_pki.cert_path("ca"))[0],
    )


def _raw_check(cert: x509.Certificate, issuer: x509.Certificate, signed: bytes) -> None:
    sig_validate._validate_raw(
        cert["signature_value"].native,
        signed,
        issuer.public_key,
        cert["signature_algorithm"],
    )


def test_a_good_raw_signature_is_remembered_and_a_bad_one_refused_every_time(test_pki):
    # Given the person's certificate, its CA, and no remembered signature
    cmsmemo.SIGNATURES.clear()
    cert, issuer = _certificate_and_issuer(test_pki)
    tbs = cert["tbs_certificate"].dump()
    # When its signature is checked twice
    _raw_check(cert, issuer, tbs)
    _raw_check(cert, issuer, tbs)
    # Then it is remembered once
    assert len(cmsmemo.SIGNATURES) == 1
    # And altered bytes, another key or another signature are refused, every time, unkept
    altered = tbs[:-1] + bytes([tbs[-1] ^ 1])
    for _ in range(2):
        with pytest.raises(InvalidSignature):
            _raw_check(cert, issuer, altered)
        with pytest.raises(InvalidSignature):
            _raw_check(cert, cert, tbs)
        with pytest.raises(InvalidSignature):
            sig_validate._validate_raw(
                bytes(64) + cert["signature_value"].native[64:],
                tbs,
                issuer.public_key,
                cert["signature_algorithm"],
            )
    assert len(cmsmemo.SIGNATURES) == 1


def test_a_key_built_in_memory_is_checked_without_the_memo(test_pki):
    # Given the CA's public key rebuilt in memory (no encoding as read)
    cmsmemo.SIGNATURES.clear()
    cert, issuer = _certificate_and_issuer(test_pki)
    rebuilt = keys.PublicKeyInfo(
        {"algorithm": issuer.public_key["algorithm"], "public_key": issuer.public_key["public_key"]}
    )
    # When the certificate's signature is checked with it
    sig_validate._validate_raw(
        cert["signature_value"].native,
        cert["tbs_certificate"].dump(),
        rebuilt,
        cert["signature_algorithm"],
    )
    # Then it is verified but nothing is remembered
    assert len(cmsmemo.SIGNATURES) == 0


def _signing_certificate_ids(data: bytes) -> list[tuple[x509.Certificate, Any]]:
    """Each signature's signer certificate and its signing-certificate-v2 ESS ID."""
    found = []
    for sig in PdfFileReader(BytesIO(data)).embedded_signatures:
        attr = generic_cms.get_signing_cert_attr(sig.signer_info["signed_attrs"])
        assert attr is not None
        found.append((sig.signer_cert, attr["certs"][0]))
    return found


def test_ess_certificate_ids_match_as_in_pyhanko(signed_twice):
    # Given both signers' certificates and ESS IDs, and a tampered ID (one hash byte changed),
    # each ID read afresh from DER for every call, as pyHanko reads it from the signed attributes
    pairs = _signing_certificate_ids(signed_twice)
    certs = [cert for cert, _ in pairs]
    ders = [certid.dump() for _, certid in pairs]
    tampered = tsp.ESSCertIDv2.load(ders[0])
    digest = tampered["cert_hash"].native
    tampered["cert_hash"] = digest[:-1] + bytes([digest[-1] ^ 1])
    ders.append(tampered.dump())

    def fresh(der: bytes) -> tsp.ESSCertIDv2:
        return tsp.ESSCertIDv2.load(der)

    cmsmemo.CERT_IDS.clear()
    # When every certificate is matched with every ID, twice (the second from the memo)
    for cert in certs:
        for der in ders:
            expected = cmsmemo._original_check_ess_certid(cert, fresh(der))
            # Then the answers are pyHanko's
            assert cmsmemo.check_ess_certid(cert, fresh(der)) is expected
            assert cmsmemo.check_ess_certid(cert, fresh(der)) is expected
    assert cmsmemo.check_ess_certid(certs[0], fresh(ders[0])) is True
    assert cmsmemo.check_ess_certid(certs[0], fresh(ders[2])) is False
    assert cmsmemo.check_ess_certid(certs[1], fresh(ders[0])) is False
    assert len(cmsmemo.CERT_IDS) == len(certs) * len(ders)


def test_an_ess_id_changed_after_parsing_is_matched_without_the_memo(signed_twice):
    # Given a signer's ESS ID whose hash is changed in place after it was read
    cert, certid = _signing_certificate_ids(signed_twice)[0]
    certid = tsp.ESSCertIDv2.load(certid.dump())
    assert cmsmemo.check_ess_certid(cert, certid) is True
    digest = certid["cert_hash"].native
    certid["cert_hash"] = digest[:-1] + bytes([digest[-1] ^ 1])
    # When / Then it no longer matches (the memo is not consulted for a changed value)
    assert certreuse.encoding_as_read(certid) is None
    assert cmsmemo.check_ess_certid(cert, certid) is False


def _public_key(kind: str) -> keys.PublicKeyInfo:
    private: Any
    if kind == "ec256":
        private = ec.generate_private_key(ec.SECP256R1())
    else:
        private = rsa.generate_private_key(public_exponent=65537, key_size=int(kind[3:]))
    der = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return keys.PublicKeyInfo.load(der)


_KEYS = {kind: _public_key(kind) for kind in ("rsa1024", "rsa2048", "ec256")}
_ALGORITHMS = ["sha1_rsa", "sha256_rsa", "sha512_rsa", "md5_rsa", "sha256_ecdsa", "rsassa_pss"]


@settings(max_examples=60, deadline=None)
@given(
    algorithm=st.sampled_from(_ALGORITHMS),
    key=st.sampled_from([None, *_KEYS]),
    policy=st.sampled_from(
        [
            ALGORITHM_POLICY,
            DisallowWeakAlgorithmsPolicy(),
            DisallowWeakAlgorithmsPolicy(
                weak_signature_algos=frozenset({"ecdsa"}), rsa_key_size_threshold=1024
            ),
        ]
    ),
)
def test_algorithm_verdicts_are_pyhankos(algorithm, key, policy):
    # Given a signature algorithm as read from DER, a key (or none) and a policy
    from asn1crypto import algos

    algo = algos.SignedDigestAlgorithm.load(
        algos.SignedDigestAlgorithm({"algorithm": algorithm}).dump()
    )
    public_key = None if key is None else _KEYS[key]
    # When the policy judges it, twice, and pyHanko's function judges it
    expected = _outcome(cmsmemo._original_signature_algorithm_allowed, policy, algo, public_key)
    first = _outcome(
        DisallowWeakAlgorithmsPolicy.signature_algorithm_allowed, policy, algo, public_key
    )
    second = _outcome(
        DisallowWeakAlgorithmsPolicy.signature_algorithm_allowed, policy, algo, public_key
    )
    # Then the verdicts and their reasons (or the errors) are the same
    assert first == second == expected


def _outcome(function: Any, policy: Any, algo: Any, public_key: Any) -> tuple[Any, ...]:
    try:
        return ("verdict", function(policy, algo, None, public_key))
    except Exception as exc:
        return ("error", type(exc), str(exc))


def test_a_policy_subclass_is_never_remembered():
    # Given a policy subclass that reads the time
    from asn1crypto import algos

    class _Strict(DisallowWeakAlgorithmsPolicy):
        calls = 0

        def digest_algorithm_allowed(self, algo, moment):
            type(self).calls += 1
            return super().digest_algorithm_allowed(algo, moment)

    algo = algos.SignedDigestAlgorithm.load(
        algos.SignedDigestAlgorithm({"algorithm": "sha256_rsa"}).dump()
    )
    policy = _Strict()
    # When it judges the same algorithm twice
    for _ in range(2):
        assert policy.signature_algorithm_allowed(algo, None, _KEYS["rsa2048"])
    # Then it was asked both times
    assert _Strict.calls == 2


def test_default_name_trees_are_pyhankos_and_new_each_time():
    # Given the default permitted subtrees, handed out twice
    first = cmsmemo.default_permitted_subtrees()
    second = cmsmemo.default_permitted_subtrees()
    # Then they equal pyHanko's and changing one does not change the next
    assert first == second == name_trees.default_permitted_subtrees()
    next(iter(first.values())).clear()
    assert cmsmemo.default_permitted_subtrees() == name_trees.default_permitted_subtrees()
    assert all(a is not b for a, b in zip(first.values(), second.values(), strict=True))


def test_memos_are_bounded():
    # Given a memo of two entries
    memo = cmsmemo.BoundedMemo(2)
    # When three are put, the first one read again before the third
    memo.put("a", 1)
    memo.put("b", 2)
    assert memo.get("a") == 1
    memo.put("c", 3)
    # Then the least recently used one is gone
    assert len(memo) == 2
    assert memo.get("b") is cmsmemo._MISSING
    assert (memo.get("a"), memo.get("c")) == (1, 3)
