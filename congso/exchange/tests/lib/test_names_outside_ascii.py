"""Names (elements, attributes, prefixes, processing instructions) with characters outside ASCII:
the in-memory reader answers as the streaming reader, the reference, does (fuzzing finding O2:
libxml2 reads names by XML 1.0 fifth edition and accepted `<edXML:Note𐀀>`, which expat refuses,
so validate(bytes) gave [] and validate(stream) edxml_malformed)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest

from congso.exchange.lib import (
    EdxmlError,
    build_package,
    build_status,
    fastread,
    parse_package,
    parse_package_checked,
    parse_status,
    validate,
    validate_checked,
    verify_xml_signature,
)
from congso.exchange.tests.lib.conftest import FIXTURES, sample_package

STATUS_CODE = b"<edXML:StatusCode>"
SUBJECT = b"<edXML:Subject>"

# (where, what is put before it): each name below is refused by expat and read by libxml2,
# except the last two (Vietnamese letters, which both read).
FORMS = {
    "astral-element-name": (STATUS_CODE, "<edXML:Note\U00010000>x</edXML:Note\U00010000>"),
    "bmp-element-name": (STATUS_CODE, "<edXML:Ghi\u0218>x</edXML:Ghi\u0218>"),
    "astral-attribute-name": (STATUS_CODE, '<edXML:Note a\U00010000="1">x</edXML:Note>'),
    "astral-prefix": (
        STATUS_CODE,
        '<p\U00010000:Note xmlns:p\U00010000="urn:x">x</p\U00010000:Note>',
    ),
    "unused-astral-prefix": (STATUS_CODE, '<edXML:Note xmlns:p\U00010000="urn:x">x</edXML:Note>'),
    "vietnamese-element-name": (STATUS_CODE, "<edXML:Ghi_chú>x</edXML:Ghi_chú>"),
    "vietnamese-attribute-name": (STATUS_CODE, '<edXML:Note lưu_ý="1">x</edXML:Note>'),
}


def _outcome(read: Callable[[], Any]) -> tuple[str, Any]:
    fastread.forget()
    try:
        result = read()
    except EdxmlError as exc:
        return "error", exc.code
    return "value", result


def _same_both_ways(data: bytes, read: Callable[[Any], Any]) -> tuple[str, Any]:
    in_memory = _outcome(lambda: read(data))
    streaming = _outcome(lambda: read(io.BytesIO(data)))
    assert in_memory == streaming
    return in_memory


@pytest.fixture(scope="module")
def status() -> bytes:
    return (FIXTURES / "status_01.edxml").read_bytes()


@pytest.mark.parametrize("form", list(FORMS))
def test_given_a_name_outside_ascii_in_a_status_then_both_readers_answer_alike(status, form):
    # given a status with an extra element whose name (or prefix, or attribute) is not ASCII
    before, insert = FORMS[form]
    data = status.replace(before, insert.encode() + before, 1)
    assert data != status
    # when validated and parsed from bytes (in memory) and from a stream (streaming)
    problems = _same_both_ways(data, lambda source: [p.code for p in validate(source)])
    parsed = _same_both_ways(data, parse_status)
    # then both give the streaming reader's answer
    if form.startswith("vietnamese"):
        assert problems == ("value", [])
        assert parsed[0] == "value"
    else:
        assert problems == ("value", ["edxml_malformed"])
        assert parsed == ("error", "edxml_malformed")


def test_given_the_reproduction_then_validate_gives_malformed_from_bytes_too(status):
    # given the fuzzer's package: the unsigned status with <edXML:Note𐀀>
    data = status.replace(
        STATUS_CODE, "<edXML:Note\U00010000>x</edXML:Note\U00010000>".encode() + STATUS_CODE, 1
    )
    # then bytes, as a stream, are malformed, not accepted
    assert [p.code for p in validate(data)] == ["edxml_malformed"]


@pytest.mark.parametrize(
    "change",
    [
        lambda data: data.replace(b"<?xml", "<?xm\U0001f600l".encode(), 1),
        lambda data: "<?p\U00010000 x?>".encode() + data[data.index(b"\n") + 1 :],
        lambda data: data.replace(SUBJECT, '<edXML:Subject a\U00010000="1">'.encode(), 1),
        lambda data: data.replace(
            b"<SignatureMethod Algorithm", "<SignatureMethod Al\U0001f600gorithm".encode(), 1
        ),
    ],
    ids=[
        "declaration-turned-pi",
        "pi-before-the-root",
        "attribute-in-the-header",
        "attribute-in-the-signature",
    ],
)
def test_given_a_signed_document_with_such_a_name_then_both_readers_answer_alike(
    kontum, change, tmp_path
):
    # given a signed document changed so that a name is outside ASCII
    signed = build_package(sample_package(), signer=kontum.signer())
    data = change(signed)
    assert data != signed
    # when read, and read with its signature checked, from bytes and from a stream
    validated = _same_both_ways(data, lambda source: [p.code for p in validate(source)])
    parsed = _same_both_ways(
        data, lambda source: parse_package(source, attachment_dir=tmp_path).header.document_id
    )
    checked = _same_both_ways(
        data,
        lambda source: (
            parse_package_checked(source, attachment_dir=tmp_path)[1],
            [p.code for p in validate_checked(source)[0]],
        ),
    )
    verified = _same_both_ways(data, lambda source: verify_xml_signature(source).valid)
    # then the streaming reader's refusal holds for each
    assert validated == ("value", ["edxml_malformed"])
    assert parsed == ("error", "edxml_malformed")
    assert checked == ("error", "edxml_malformed")
    assert verified == ("error", "edxml_malformed")


def test_given_a_signed_status_with_such_a_name_then_the_check_is_the_streaming_one(kontum):
    data = build_status(parse_status(FIXTURES / "status_01.edxml"), signer=kontum.signer())
    data = data.replace(
        STATUS_CODE, "<edXML:Ghi\u0218>x</edXML:Ghi\u0218>".encode() + STATUS_CODE, 1
    )
    assert _same_both_ways(data, lambda source: verify_xml_signature(source).valid) == (
        "error",
        "edxml_malformed",
    )
