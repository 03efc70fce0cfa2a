"""Every damaged or hostile file gets the right verdict and a Vietnamese sentence, never VALID
(issue 4 "Bad input"; anchors §8.3). Files are generated here from our own signed documents."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from congso.signatures.lib import signing
from congso.signatures.lib.engine import ValidationConfig, validate_pdf
from congso.signatures.lib.report import CheckName, Verdict
from congso.signatures.tests import pdfattacks
from congso.signatures.tests.helpers import raw_sign

FAILED, INDETERMINATE, VALID = Verdict.FAILED, Verdict.INDETERMINATE, Verdict.VALID


def _assert_verdict(report, verdict, check=None):
    assert report.verdict == verdict, report.to_json()
    assert report.summary, "a clerk-readable sentence is required"
    if check is not None:
        names = {c.name for s in report.signatures for c in s.failing()}
        assert check in names, report.to_json()


@pytest.mark.parametrize(
    ("attack", "check"),
    [
        (pdfattacks.change_signed_byte, CheckName.INTEGRITY),
        (pdfattacks.add_page, CheckName.MODIFICATIONS),
        (pdfattacks.remove_page, CheckName.MODIFICATIONS),
        (pdfattacks.add_overlay_annotation, CheckName.MODIFICATIONS),
        (pdfattacks.add_form_field, CheckName.MODIFICATIONS),
        (pdfattacks.byte_range_not_from_zero, None),
        (pdfattacks.byte_range_short_of_eof, None),
        (pdfattacks.byte_range_overlapping, None),
        (pdfattacks.byte_range_wider_gap, None),
        (pdfattacks.two_signer_infos, None),  # refused while listing signatures
        (pdfattacks.wrong_message_digest, CheckName.INTEGRITY),
        (pdfattacks.truncate, None),
    ],
    ids=lambda value: getattr(value, "__name__", str(value)),
)
def test_tampered_document_is_failed(attack, check, signed_twice, validation_config):
    # given a correctly signed decision, attacked after signing
    attacked = attack(signed_twice)
    # when validated
    report = validate_pdf(attacked, config=validation_config)
    # then it is FAILED with a reason
    _assert_verdict(report, FAILED, check)


def test_missing_signed_attributes_are_failed(signed_twice, validation_config, test_pki):
    attacked = pdfattacks.without_signed_attrs(signed_twice, test_pki.key("organisation"))
    report = validate_pdf(attacked, config=validation_config)
    _assert_verdict(report, FAILED, CheckName.STRUCTURE)


@pytest.mark.parametrize(
    ("label", "verdict", "check"),
    [
        ("expired", FAILED, CheckName.VALIDITY),
        ("not-yet-valid", FAILED, CheckName.VALIDITY),
        ("revoked", FAILED, CheckName.REVOCATION),
        ("rsa1024", FAILED, CheckName.ALGORITHMS),
        ("sha1", FAILED, CheckName.ALGORITHMS),
        ("wrong-ku", FAILED, CheckName.KEY_USAGE),
        ("wrong-eku", FAILED, CheckName.KEY_USAGE),
        ("untrusted", INDETERMINATE, CheckName.TRUST),
        ("rogue-ocsp", INDETERMINATE, CheckName.REVOCATION),
    ],
)
def test_bad_certificate_is_never_valid(
    label, verdict, check, prepared_decision, test_pki, validation_config
):
    signed = raw_sign(prepared_decision, pki=test_pki, label=label)
    report = validate_pdf(signed, config=validation_config)
    _assert_verdict(report, verdict, check)


def test_sha1_digest_is_failed(prepared_decision, test_pki, validation_config):
    signed = raw_sign(prepared_decision, pki=test_pki, label="person", md_algorithm="sha1")
    report = validate_pdf(signed, config=validation_config)
    _assert_verdict(report, FAILED)


def test_ecdsa_p256_signature_is_valid(prepared_decision, test_pki, validation_config):
    signed = raw_sign(prepared_decision, pki=test_pki, label="ec256")
    _assert_verdict(validate_pdf(signed, config=validation_config), VALID)


def test_revoked_after_signing_without_timestamp_is_indeterminate(
    prepared_decision, test_pki, validation_config
):
    # signed (by its own claim) ten days ago, certificate revoked an hour ago, no timestamp
    before = datetime.now(UTC) - timedelta(days=10)
    signed = raw_sign(
        prepared_decision, pki=test_pki, label="revoked-later", tsa=None, signing_time=before
    )
    report = validate_pdf(signed, config=validation_config)
    _assert_verdict(report, INDETERMINATE, CheckName.REVOCATION)


def test_revoked_after_a_timestamped_signature_stays_valid(
    prepared_decision, test_pki, validation_config
):
    # the twin: the signature timestamp proves the signature existed before the revocation
    before = datetime.now(UTC) - timedelta(days=10)
    signed = raw_sign(
        prepared_decision, pki=test_pki, label="revoked-later", tsa_time=before, signing_time=before
    )
    report = validate_pdf(signed, config=validation_config)
    _assert_verdict(report, VALID)
    revocation = [c for c in report.signatures[0].checks if c.name == CheckName.REVOCATION]
    assert "sau thời điểm ký" in revocation[0].message


def test_timestamp_from_tsa_without_timestamping_eku_is_not_trusted(
    prepared_decision, test_pki, validation_config
):
    signed = raw_sign(prepared_decision, pki=test_pki, label="person", tsa="tsa-no-eku")
    report = validate_pdf(signed, config=validation_config)
    assert report.verdict in (INDETERMINATE, FAILED)
    _assert_verdict(report, report.verdict, CheckName.TIMESTAMP)


def test_revocation_service_offline_is_indeterminate(signed_twice, trust):
    offline = ValidationConfig(trust=trust, allow_fetching=False)
    report = validate_pdf(signed_twice, config=offline)
    _assert_verdict(report, INDETERMINATE, CheckName.REVOCATION)


def test_unknown_root_is_indeterminate(signed_twice):
    from congso.signatures.lib.trust import TrustStore

    report = validate_pdf(signed_twice, config=ValidationConfig(trust=TrustStore(roots=())))
    _assert_verdict(report, INDETERMINATE, CheckName.TRUST)


def test_thousand_revision_file_is_not_called_valid(signed_twice, validation_config):
    attacked = pdfattacks.many_revisions(signed_twice, 1000)
    report = validate_pdf(attacked, config=validation_config)
    assert report.revisions > 1000
    _assert_verdict(report, INDETERMINATE, CheckName.MODIFICATIONS)


@pytest.mark.parametrize(
    "data",
    [b"", b"not a pdf at all", b"%PDF-1.7\n%%EOF\n", b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer<<>>"],
)
def test_garbage_is_failed_or_unsigned_never_a_crash(data, validation_config):
    report = validate_pdf(data, config=validation_config)
    assert report.verdict in (FAILED, Verdict.UNSIGNED)
    assert not report.is_valid


def test_unsigned_pdf_is_reported_as_unsigned(validation_config):
    from congso.signatures.lib import sampledoc

    pdf, _ = sampledoc.decision_pdf()
    report = validate_pdf(pdf, config=validation_config)
    assert report.verdict == Verdict.UNSIGNED
    assert not report.is_valid


def test_hundred_megabyte_file_signs_and_validates(
    organisation_key, signing_config, validation_config, tmp_path
):
    from congso.signatures.lib import sampledoc

    big = sampledoc.padded_pdf(101 * 1024 * 1024)
    source = tmp_path / "big.pdf"
    source.write_bytes(big)
    del big
    target = tmp_path / "big-signed.pdf"
    with source.open("rb") as stream, target.open("wb") as out:
        signing.sign_appendix(
            stream,
            provider=organisation_key,
            config=signing_config,
            document_number="Số: 16/QĐ-STTTT",
            output=out,
        )
    assert target.stat().st_size > 100 * 1024 * 1024
    report = validate_pdf(target, config=validation_config)
    _assert_verdict(report, VALID)


def test_leaf_only_signature_is_completed_from_the_trust_store(
    prepared_decision, test_pki, validation_config
):
    # VGCA signatures often carry only the signer's certificate (anchors §3.2)
    from io import BytesIO

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    from congso.signatures.tests.helpers import p12_signer

    full = p12_signer(test_pki, "person")
    leaf_only = signers.SimpleSigner(
        signing_cert=full.signing_cert,
        signing_key=full.signing_key,
        cert_registry=SimpleCertificateStore(),
    )
    meta = signers.PdfSignatureMetadata(
        field_name=signing.PERSON_FIELD, subfilter=SigSeedSubFilter.PADES
    )
    signed = signers.sign_pdf(
        IncrementalPdfFileWriter(BytesIO(prepared_decision)), meta, signer=leaf_only
    ).getvalue()
    report = validate_pdf(signed, config=validation_config)
    _assert_verdict(report, VALID)


def test_file_over_its_time_budget_is_indeterminate_never_valid(signed_twice, trust):
    # Given a validation budget that is already spent when the signatures are reached
    hurried = ValidationConfig(trust=trust, timeout=5, time_limit_s=0)
    # When the two-signature document is validated
    report = validate_pdf(signed_twice, config=hurried)
    # Then both signatures are reported unchecked, the file INDETERMINATE, with the reason
    assert [s.verdict for s in report.signatures] == [INDETERMINATE, INDETERMINATE]
    _assert_verdict(report, INDETERMINATE, CheckName.INTEGRITY)
    assert "Quá thời gian" in report.summary


def test_a_normal_budget_leaves_the_verdict_alone(signed_twice, trust):
    # Given the default budget of a minute
    report = validate_pdf(signed_twice, config=ValidationConfig(trust=trust, timeout=5))
    # Then the document validates as before
    _assert_verdict(report, VALID)
