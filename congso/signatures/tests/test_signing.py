"""Signing documents as the competent person and as the agency (PAdES, SoftHSM2 tokens)."""

from __future__ import annotations

import shutil
import subprocess
from io import BytesIO

import pytest
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from congso.signatures.lib import images, sampledoc, signing
from congso.signatures.lib.engine import validate_pdf
from congso.signatures.lib.report import Verdict
from congso.signatures.tests.conftest import ARTIFACTS


def test_person_then_organisation_signature_validates_here_and_in_pyhanko(
    signed_twice, validation_config, test_pki
):
    # given a decision signed by the person, then by the agency, on SoftHSM2 tokens
    # when we validate it
    report = validate_pdf(signed_twice, config=validation_config)
    # then both signatures are valid, with a signature timestamp (PAdES B-T)
    assert report.verdict == Verdict.VALID, report.to_json()
    fields = [s.field_name for s in report.signatures]
    assert fields == [signing.PERSON_FIELD, signing.ORGANISATION_FIELD]
    assert all(s.timestamp_time is not None for s in report.signatures)
    signers = [s.signer.common_name for s in report.signatures if s.signer is not None]
    assert signers == ["Nguyễn Văn An", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG"]
    # and pyHanko's own validator agrees (trust root given, no revocation)
    reader = PdfFileReader(BytesIO(signed_twice))
    context = ValidationContext(
        trust_roots=[load_cert_from_pemder(str(test_pki.cert_path("root")))]
    )
    for sig in reader.embedded_signatures:
        status = validate_pdf_signature(sig, context)
        assert status.bottom_line, status.pretty_print_details()


def test_signatures_are_approval_signatures_never_certification(signed_twice):
    reader = PdfFileReader(BytesIO(signed_twice))
    assert all(sig.docmdp_level is None for sig in reader.embedded_signatures)
    assert "/Perms" not in reader.root


def test_second_signature_only_fills_the_pre_created_field(signed_twice, validation_config):
    report = validate_pdf(signed_twice, config=validation_config)
    person = report.signatures[0]
    assert person.modification_level in ("FORM_FILLING", "LTA_UPDATES", "NONE")
    assert person.verdict == Verdict.VALID


def test_page_one_rendering_shows_signature_and_seal(signed_twice):
    # The PNG rendering is kept as an artifact for review (issue 4, "done when").
    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils not installed")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "decision-signed.pdf").write_bytes(signed_twice)
    subprocess.run(
        ["pdftoppm", "-r", "80", "-png", "-singlefile", str(ARTIFACTS / "decision-signed.pdf"),
         str(ARTIFACTS / "decision-signed-page1")],
        check=True,
    )  # fmt: skip
    from PIL import Image

    image = Image.open(ARTIFACTS / "decision-signed-page1.png").convert("RGB")
    raw = image.tobytes()
    pixels = [tuple(raw[i : i + 3]) for i in range(0, len(raw), 3)]
    red = sum(1 for r, g, b in pixels if r > 180 and g < 90 and b < 90)
    blue = sum(1 for r, g, b in pixels if b > 150 and r < 90 and g < 110)
    assert red > 500, "seal image not rendered"
    assert blue > 100, "signature image not rendered"


def test_organisation_refuses_a_document_the_person_has_not_signed(
    prepared_decision, organisation_key, signing_config
):
    with pytest.raises(signing.SigningRefused) as refused:
        signing.sign_as_organisation(
            prepared_decision,
            provider=organisation_key,
            config=signing_config,
            seal_image=images.seal_png(),
        )
    assert refused.value.code == "person_signature_missing"


def test_a_filled_field_cannot_be_signed_again(signed_twice, person_key, signing_config):
    with pytest.raises(signing.SigningRefused) as refused:
        signing.sign_as_person(
            signed_twice,
            provider=person_key,
            config=signing_config,
            signature_image=images.signature_png(),
        )
    assert refused.value.code == "field_not_available"


def test_appendix_gets_text_only_organisation_signature_top_right(
    organisation_key, signing_config, validation_config
):
    signed = signing.sign_appendix(
        sampledoc.appendix_pdf(),
        provider=organisation_key,
        config=signing_config,
        document_number="Số: 15/QĐ-STTTT",
    ).getvalue()
    report = validate_pdf(signed, config=validation_config)
    assert report.verdict == Verdict.VALID
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-f", "1", "-l", "1", "-", "-"], input=signed, capture_output=True,
            check=True,
        ).stdout.decode()  # fmt: skip
        assert "Số: 15/QĐ-STTTT" in text
        assert "+07:00" in text
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "appendix-signed.pdf").write_bytes(signed)


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("expired", "certificate_expired"),
        ("not-yet-valid", "certificate_not_yet_valid"),
        ("revoked", "certificate_revoked"),
        ("rsa1024", "weak_key"),
        ("sha1", "weak_algorithm"),
        ("wrong-ku", "wrong_key_usage"),
        ("wrong-eku", "wrong_extended_key_usage"),
        ("untrusted", "untrusted_chain"),
        ("rogue-ocsp", "revocation_unavailable"),
    ],
)
def test_certificate_is_checked_before_the_key_signs(
    label, code, p12_key, prepared_decision, signing_config
):
    with pytest.raises(signing.SigningRefused) as refused:
        signing.sign_as_person(
            prepared_decision,
            provider=p12_key(label),
            config=signing_config,
            signature_image=images.signature_png(),
        )
    assert refused.value.code == code
    assert refused.value.message  # Vietnamese sentence for the UI


@pytest.mark.parametrize("level", [signing.SignatureLevel.B_LT, signing.SignatureLevel.B_LTA])
def test_long_term_levels_embed_validation_data(
    level, prepared_decision, person_key, signing_config, validation_config
):
    from dataclasses import replace

    config = replace(signing_config, level=level)
    signed = signing.sign_as_person(
        prepared_decision,
        provider=person_key,
        config=config,
        signature_image=images.signature_png(),
    ).getvalue()
    reader = PdfFileReader(BytesIO(signed))
    assert "/DSS" in reader.root
    report = validate_pdf(signed, config=validation_config)
    assert report.verdict == Verdict.VALID, report.to_json()
    kinds = [s.kind for s in report.signatures]
    assert kinds.count("document_timestamp") == (1 if level == signing.SignatureLevel.B_LTA else 0)


def test_etsi_report_is_kept_alongside_when_asked(
    prepared_decision, person_key, signing_config, trust
):
    # pyHanko's EN 319 102-1 long-term validation needs the revocation data in the file
    # (B-LT/B-LTA); for a B-T file it answers INDETERMINATE/NO_POE, which we only report.
    from dataclasses import replace

    from congso.signatures.lib.engine import ValidationConfig

    config = replace(signing_config, level=signing.SignatureLevel.B_LTA)
    signed = signing.sign_as_person(
        prepared_decision,
        provider=person_key,
        config=config,
        signature_image=images.signature_png(),
    ).getvalue()
    report = validate_pdf(signed, config=ValidationConfig(trust=trust, etsi_report=True))
    first = report.signatures[0]
    assert first.etsi_report_xml is not None
    assert "ValidationReport" in first.etsi_report_xml
    assert first.ades_indication == "PASSED", first.ades_subindication
    assert "etsi_report_xml" in report.to_dict(with_etsi=True)["signatures"][0]


def test_too_small_reservation_is_measured_again_instead_of_failing(
    prepared_decision, person_key, signing_config, validation_config
):
    from dataclasses import replace

    config = replace(signing_config, bytes_reserved=2048)
    signed = signing.sign_as_person(
        prepared_decision,
        provider=person_key,
        config=config,
        signature_image=images.signature_png(),
    ).getvalue()
    assert validate_pdf(signed, config=validation_config).verdict == Verdict.VALID
