"""Certificate work shared across documents (certreuse, nameprep, hexstrings): each document
signed by the same people, agency and TSA reuses parsed certificates, name comparisons and
decoded PDF names, and still gets exactly the report it got when nothing was shared."""

from __future__ import annotations

import itertools
import re
import threading
from io import BytesIO
from typing import Any

import pytest
from asn1crypto import core, x509
from hypothesis import given
from hypothesis import strategies as st
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import general
from pyhanko.sign.validation import ades, dss, generic_cms
from pyhanko_certvalidator import sig_validate

from congso.signatures.lib import certreuse, cmsmemo, hexstrings, nameprep
from congso.signatures.lib.engine import ValidationConfig, validate_pdf
from congso.signatures.lib.report import CheckName, Verdict
from congso.signatures.lib.trust import (
    load_certificates,
)
from congso.signatures.tests import pdfattacks
from congso.signatures.tests.helpers import raw_sign


def _comparable(report) -> dict[str, Any]:
    data = report.to_dict()
    data.pop("validated_at", None)
    return data


def _signed_datas(data: bytes) -> list[Any]:
    """The CMS of every signature of `data` and of each signature's timestamp token."""
    reader = PdfFileReader(BytesIO(data))
    found = []
    for sig in reader.embedded_signatures:
        found.append(sig.signed_data)
        for attr in sig.signer_info["unsigned_attrs"]:
            if attr["type"].native == "signature_time_stamp_token":
                found.append(attr["values"][0]["content"])
    return found


def _ders(certs) -> list[bytes]:
    return [cert.dump() for cert in certs]


def test_extraction_finds_the_same_certificates_as_pyhanko(signed_twice):
    # Given the CMS of both signatures and of their timestamp tokens
    signed_datas = _signed_datas(signed_twice)
    assert len(signed_datas) == 4
    for signed_data in signed_datas:
        # When the certificates are extracted with and without sharing
        ours = certreuse.extract_certificate_info(signed_data)
        theirs = certreuse._original(signed_data)
        # Then the same signer and the other certificates, in the same order
        assert ours.signer_cert.dump() == theirs.signer_cert.dump()
        assert _ders(ours.other_certs) == _ders(theirs.other_certs)
        assert _ders(ours.attribute_certs) == _ders(theirs.attribute_certs)


def test_documents_from_the_same_signer_share_certificate_objects(prepared_decision, test_pki):
    # Given two different documents signed by the same person with the same TSA
    certreuse.clear()
    first = raw_sign(prepared_decision, pki=test_pki, label="person")
    second = raw_sign(prepared_decision + b"\n% another document\n", pki=test_pki, label="person")
    # When their certificates are extracted
    one = certreuse.extract_certificate_info(_signed_datas(first)[0])
    other = certreuse.extract_certificate_info(_signed_datas(second)[0])
    # Then the second document gets the very objects parsed for the first, fully parsed
    assert other.signer_cert is one.signer_cert
    assert all(a is b for a, b in zip(other.other_certs, one.other_certs, strict=True))
    assert certreuse.held() == 1 + len({c.dump() for c in one.other_certs})
    assert _unparsed_parts(one.signer_cert) == []


def _unparsed_parts(value: Any, path: str = "") -> list[str]:
    """Parts of an asn1crypto tree still waiting to be parsed lazily."""
    if isinstance(value, core.Sequence | core.SequenceOf):
        if value.children is None:
            return [path]
        found = []
        for index, child in enumerate(value.children):
            if isinstance(child, tuple):
                found.append(f"{path}[{index}]")
            else:
                found.extend(_unparsed_parts(child, f"{path}[{index}]"))
        return found
    if isinstance(value, core.Choice):
        return [path] if value._parsed is None else _unparsed_parts(value._parsed, path)
    if isinstance(value, core.ParsableOctetString) and value._parsed is not None:
        return _unparsed_parts(value._parsed[0], path)
    return []


def test_the_shared_certificates_are_bounded(signed_twice, monkeypatch):
    # Given room for a single certificate
    monkeypatch.setattr(certreuse, "MAX_CERTIFICATES", 1)
    certreuse.clear()
    # When signatures carrying several certificates are extracted
    for signed_data in _signed_datas(signed_twice):
        certreuse.extract_certificate_info(signed_data)
    # Then only the most recent one is kept
    assert certreuse.held() == 1
    certreuse.clear()


@pytest.mark.parametrize(
    "attack",
    [pdfattacks.change_signed_byte, pdfattacks.wrong_message_digest],
    ids=lambda value: value.__name__,
)
def test_an_altered_document_is_still_failed_after_a_valid_one_from_the_same_signers(
    attack, signed_twice, validation_config
):
    # Given the valid document validated first, so its certificates are shared
    assert validate_pdf(signed_twice, config=validation_config).verdict == Verdict.VALID
    # When a copy altered after signing is validated
    report = validate_pdf(attack(signed_twice), config=validation_config)
    # Then it is still refused for its integrity, and the original stays valid
    assert report.verdict == Verdict.FAILED, report.to_json()
    assert CheckName.INTEGRITY in {c.name for s in report.signatures for c in s.failing()}
    assert validate_pdf(signed_twice, config=validation_config).verdict == Verdict.VALID


@pytest.mark.parametrize(
    ("label", "verdict"),
    [
        ("person", Verdict.VALID),
        ("ec256", Verdict.VALID),  # a second, different signer
        ("revoked", Verdict.FAILED),
        ("expired", Verdict.FAILED),
        ("untrusted", Verdict.INDETERMINATE),  # a root we do not trust
    ],
)
def test_reports_are_the_same_as_when_nothing_is_shared(
    label, verdict, prepared_decision, test_pki, trust, signed_twice, monkeypatch
):
    # Given a signed document and the reports of pyHanko with nothing shared (no OCSP cache,
    # no shared certificates, names or remembered signatures)
    config = ValidationConfig(trust=trust, timeout=5)
    signed = raw_sign(prepared_decision, pki=test_pki, label=label)
    with monkeypatch.context() as patch:
        for module in (general, generic_cms, ades, dss):
            patch.setattr(module, "extract_certificate_info", certreuse._original)
        patch.setattr(x509.Name, "__eq__", nameprep._original_eq)
        patch.setattr(x509.Name, "hashable", nameprep._original_hashable)
        patch.setattr(generic, "_decode_name", hexstrings._ORIGINAL_DECODE_NAME)
        patch.setattr(generic, "read_until_delimiter", hexstrings._ORIGINAL_READ_UNTIL_DELIMITER)
        patch.setattr(sig_validate, "_validate_raw", cmsmemo._original_validate_raw)
        plain = validate_pdf(signed, config=config)
        plain_twice = validate_pdf(signed_twice, config=config)
    # When the same documents are validated with sharing, after other documents were seen
    validate_pdf(signed_twice, config=config)
    shared = validate_pdf(signed, config=config)
    shared_twice = validate_pdf(signed_twice, config=config)
    # Then the verdicts and the whole reports are the same
    assert shared.verdict == plain.verdict == verdict, shared.to_json()
    assert _comparable(shared) == _comparable(plain)
    assert _comparable(shared_twice) == _comparable(plain_twice)


def test_threads_validating_at_once_get_the_usual_verdict(signed_twice, validation_config):
    # Given nothing shared yet
    certreuse.clear()
    verdicts: list[Verdict] = []
    lock = threading.Lock()

    def _validate() -> None:
        report = validate_pdf(signed_twice, config=validation_config)
        with lock:
            verdicts.append(report.verdict)

    # When four threads validate documents of the same signers at the same time
    threads = [threading.Thread(target=_validate) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Then every one of them finds the document valid
    assert verdicts == [Verdict.VALID] * 4


def _pki_names(test_pki) -> list[x509.Name]:
    names = []
    for path in sorted((test_pki.directory / "certs").glob("*.pem"))[:12]:
        cert = load_certificates(path)[0]
        names.extend([cert.subject, cert.issuer])
    return names


def test_name_comparison_and_lookup_key_are_asn1cryptos(test_pki):
    # Given the subject and issuer names of the TEST certificates, and a name built in memory
    names = _pki_names(test_pki)
    built = x509.Name.build({"common_name": "TEST – Máy chủ", "country_name": "VN"})
    names.append(built)
    # When every pair is compared, twice, with the memo and with asn1crypto alone
    for left, right in itertools.product(names, repeat=2):
        expected = nameprep._original_eq(left, right)
        # Then the answers agree, and so do the registry lookup keys
        assert (left == right) is expected
        assert (left == right) is expected
        assert (left != right) is not expected
    for name in names:
        assert name.hashable == nameprep._original_hashable.fget(name)
    assert any(a == b for a, b in itertools.combinations(names, 2))
    assert built != 42


@given(raw=st.binary(max_size=40))
def test_pdf_names_decode_as_pyhanko_decodes_them(raw):
    # Given arbitrary bytes after a name's "/"
    original = hexstrings._ORIGINAL_DECODE_NAME
    # When they are decoded (twice: the second from the memo) and by pyHanko
    try:
        expected = original(raw)
    except Exception as exc:
        refusal: Exception | None = exc
    else:
        refusal = None
    if refusal is not None:
        # Then what pyHanko refuses is refused the same way, every time
        for _ in range(2):
            with pytest.raises(type(refusal), match=re.escape(str(refusal))):
                hexstrings.decode_name(raw)
        return
    first, second = hexstrings.decode_name(raw), hexstrings.decode_name(raw)
    # Then the same name, as a new NameObject each time
    assert type(first) is type(expected) is generic.NameObject
    assert first == second == expected
    assert first is not second


def test_names_with_escapes_decode_like_pyhanko():
    # Given names with #-escapes, UTF-8 and a bad escape
    for raw in (b"Type", b"A#20B", b"Ti#E1#BA#BFng", b"#2F", b"Bad#G1", b"Open#2"):
        # When / Then each decodes (or is refused) exactly as pyHanko does
        try:
            expected = hexstrings._ORIGINAL_DECODE_NAME(raw)
        except Exception as exc:
            with pytest.raises(type(exc)):
                hexstrings.decode_name(raw)
            continue
        assert hexstrings.decode_name(raw) == expected


@given(
    data=st.binary(max_size=200) | st.text(alphabet="ab/ (<%\n\x00#", max_size=150).map(str.encode),
    skip=st.integers(min_value=0, max_value=10),
)
def test_tokens_are_read_up_to_the_delimiter_like_pyhanko(data, skip):
    # Given a stream positioned anywhere in arbitrary bytes (long tokens span several chunks)
    fast_stream, slow_stream = BytesIO(data), BytesIO(data)
    start = min(skip, len(data))
    fast_stream.seek(start)
    slow_stream.seek(start)
    # When a token is read by our reader and by pyHanko's
    fast = hexstrings.read_until_delimiter(fast_stream)
    slow = hexstrings._ORIGINAL_READ_UNTIL_DELIMITER(slow_stream)
    # Then both return the same bytes and leave the stream at the same place
    assert fast == slow
    assert fast_stream.tell() == slow_stream.tell()


def test_a_long_name_at_the_end_of_the_file_is_read_whole():
    # Given a 300-byte token with no delimiter after it
    data = b"/" + b"N" * 300
    fast_stream, slow_stream = BytesIO(data), BytesIO(data)
    fast_stream.seek(1)
    slow_stream.seek(1)
    # When / Then it is read to the end, as pyHanko does
    assert hexstrings.read_until_delimiter(fast_stream) == b"N" * 300
    assert hexstrings._ORIGINAL_READ_UNTIL_DELIMITER(slow_stream) == b"N" * 300
    assert fast_stream.tell() == slow_stream.tell() == len(data)


def test_a_name_changed_after_parsing_is_compared_by_its_new_value():
    # Given a parsed name compared once, then changed in place
    built = x509.Name.build({"common_name": "Sở A", "country_name": "VN"})
    original, parsed = x509.Name.load(built.dump()), x509.Name.load(built.dump())
    assert parsed == original
    parsed.chosen[0][0]["value"] = x509.DirectoryString(name="utf8_string", value="LA")
    # When it is compared again
    changed = x509.Name.build({"common_name": "Sở A", "country_name": "LA"})
    # Then the memo is not consulted: the answers are asn1crypto's own (which keeps the
    # attribute values it prepared before the change)
    assert certreuse.encoding_as_read(parsed.chosen) is None
    assert (parsed == original) is nameprep._original_eq(parsed, original)
    assert (parsed == changed) is nameprep._original_eq(parsed, changed)
    assert parsed.hashable == nameprep._original_hashable.fget(parsed)


def _with_certificates(signed_data: Any, extra: list[x509.Certificate]) -> Any:
    """A copy of `signed_data` (parsed from DER) carrying `extra` after its own certificates."""
    from asn1crypto import cms

    copy = cms.SignedData.load(signed_data.untag().dump())
    choices = [cms.CertificateChoices.load(choice.dump()) for choice in copy["certificates"]]
    choices.extend(cms.CertificateChoices(name="certificate", value=cert) for cert in extra)
    copy["certificates"] = cms.CertificateSet(choices)
    return cms.SignedData.load(copy.dump())


def test_the_signer_is_picked_as_pyhanko_picks_it_every_time(signed_twice):
    # Given each CMS of the document, as signed and with its signer certificate included twice
    certreuse.clear()
    variants = []
    for signed_data in _signed_datas(signed_twice):
        signer = certreuse._original(signed_data).signer_cert
        variants += [signed_data, _with_certificates(signed_data, [signer])]
    for signed_data in variants:
        theirs = certreuse._original(signed_data)
        # When the certificates are extracted twice (the second time from the memo)
        for _ in range(2):
            ours = certreuse.extract_certificate_info(signed_data)
            # Then the same signer and the same other certificates, in order
            assert ours.signer_cert.dump() == theirs.signer_cert.dump()
            assert _ders(ours.other_certs) == _ders(theirs.other_certs)


def test_a_signature_whose_signer_is_missing_is_refused_every_time(signed_twice):
    # Given a CMS whose certificates do not include its signer's
    from asn1crypto import cms
    from pyhanko.sign.general import CMSExtractionError

    signed_data = _signed_datas(signed_twice)[0]
    signer = certreuse._original(signed_data).signer_cert.dump()
    copy = cms.SignedData.load(signed_data.untag().dump())
    copy["certificates"] = cms.CertificateSet(
        [
            cms.CertificateChoices.load(choice.dump())
            for choice in copy["certificates"]
            if choice.chosen.dump() != signer
        ]
    )
    stripped = cms.SignedData.load(copy.dump())
    # When / Then its extraction fails like pyHanko's, each time
    for _ in range(2):
        with pytest.raises(CMSExtractionError):
            certreuse.extract_certificate_info(stripped)
