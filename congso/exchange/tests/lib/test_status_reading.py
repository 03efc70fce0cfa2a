"""One reading of a status package (`StatusReading`, `parse_status_checked`) answers as the
separate calls `read_envelope`, `parse_status` and `verify_xml_signature` do: the same values,
the same errors (code, message, problems), in the caller's order."""

from __future__ import annotations

import datetime as dt
import io
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from congso.exchange.lib import (
    EdxmlError,
    Limits,
    StatusReading,
    build_package,
    build_status,
    fastread,
    parse_status,
    parse_status_checked,
    read_envelope,
    verify_xml_signature,
)
from congso.exchange.lib import config as C
from congso.exchange.lib.header_reader import _strptime
from congso.exchange.tests.lib.conftest import FIXTURES, sample_package


def _outcome(call: Callable[[], Any]) -> tuple[Any, ...]:
    """What a call gave: its value, or its error's code, message and problems."""
    try:
        return ("value", call())
    except EdxmlError as exc:
        return ("error", exc.code, exc.message_vi, [(p.code, p.path) for p in exc.problems])


def _separately(source: Any, config: C.CodecConfig = C.DEFAULT_CONFIG) -> list[tuple[Any, ...]]:
    fastread.forget()
    return [
        _outcome(lambda: read_envelope(source, config=config)),
        _outcome(lambda: parse_status(source, config=config)),
        _outcome(lambda: verify_xml_signature(source, config=config)),
    ]


def _in_one_reading(source: Any, config: C.CodecConfig = C.DEFAULT_CONFIG) -> list[tuple[Any, ...]]:
    fastread.forget()
    reading = StatusReading(source, config=config)
    return [
        _outcome(reading.envelope),
        _outcome(reading.status),
        _outcome(reading.signature),
    ]


def _checked_separately(source: Any) -> tuple[Any, ...]:
    """parse_status, then (when it read) verify_xml_signature: what the receiver called."""
    fastread.forget()
    first = _outcome(lambda: parse_status(source))
    if first[0] == "error":
        return first
    second = _outcome(lambda: verify_xml_signature(source))
    return second if second[0] == "error" else ("value", (first[1], second[1]))


def _checked_at_once(source: Any) -> tuple[Any, ...]:
    fastread.forget()
    return _outcome(lambda: parse_status_checked(source))


@pytest.fixture(scope="module")
def signed_status(kontum) -> bytes:
    return build_status(parse_status(FIXTURES / "status_01.edxml"), signer=kontum.signer())


def _variants(data: bytes, document: bytes) -> dict[str, bytes]:
    """A signed status and statuses changed after signing, bad or unusual."""
    value_at = data.index(b"<SignatureValue>") + len(b"<SignatureValue>")
    return {
        "signed": data,
        "unsigned": data[: data.index(b"<Signature ")] + data[data.index(b"</Signature>") + 12 :],
        "changed_after_signing": data.replace(b"000.00.00.H41", b"000.00.00.H42", 1),
        "bad_signature_value": data[:value_at] + b"AAAA" + data[value_at + 4 :],
        "unknown_status_code": data.replace(b">01</edXML:StatusCode>", b">99</edXML:StatusCode>"),
        "no_sender": data.replace(b"000.00.00.H41", b"", 1),
        "a_document": document,
        "not_xml": data[: len(data) // 2],
        "doctype": data.replace(b"<edXML ", b"<!DOCTYPE edXML []><edXML ", 1),
        "processing_instruction": data.replace(b"<edXML:Status>", b"<?pi x?><edXML:Status>", 1),
        "latin1": data.replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"', 1),
        "comment_before_root": b"<!-- c -->" + data[data.index(b"\n") + 1 :],
        "two_headers": data.replace(
            b"</edXML:edXMLHeader>", b"</edXML:edXMLHeader><edXML:edXMLHeader/>", 1
        ),
        "soap_wrapped": (FIXTURES / "status_soap.xml").read_bytes(),
        "standard_example": (FIXTURES / "status_01.edxml").read_bytes(),
    }


@pytest.fixture(scope="module")
def variants(signed_status, kontum) -> dict[str, bytes]:
    document = build_package(sample_package(), signer=kontum.signer())
    return _variants(signed_status, document)


def test_given_each_variant_when_read_once_then_each_answer_is_that_of_the_separate_call(
    variants, tmp_path
):
    for name, data in variants.items():
        # given the package as bytes and as a file
        path = tmp_path / f"{name}.edxml"
        path.write_bytes(data)
        for source in (data, path):
            # when it is read once for the envelope, the status and the signature
            # then each answer (value or error) is that of the call alone
            assert _in_one_reading(source) == _separately(source), name


def test_given_each_variant_when_parsed_checked_then_the_receivers_two_calls_are_matched(
    variants, tmp_path
):
    for name, data in variants.items():
        path = tmp_path / f"{name}.edxml"
        path.write_bytes(data)
        for source in (data, path, bytearray(data)):
            # then parse_status_checked gives parse_status's error first, else both values
            assert _checked_at_once(source) == _checked_separately(source), name


def test_given_the_variants_then_they_cover_values_errors_and_failed_checks(variants):
    # the comparisons above are not between two errors only
    outcomes = {name: _checked_separately(data) for name, data in variants.items()}
    assert outcomes["signed"][0] == "value"
    assert outcomes["signed"][1][1].valid
    assert outcomes["unsigned"][1][1].problem_code == "edxml_signature_missing"
    assert not outcomes["changed_after_signing"][1][1].valid
    assert not outcomes["bad_signature_value"][1][1].valid
    assert outcomes["unknown_status_code"][0] == "error"
    assert outcomes["a_document"][1] == "edxml_wrong_kind"
    assert outcomes["not_xml"][0] == "error"
    assert outcomes["doctype"][0] == "error"
    assert outcomes["latin1"][0] == "value"


def test_given_a_stream_when_parsed_checked_then_it_is_read_once_with_the_same_answer(variants):
    for name, data in variants.items():
        # given the package as a stream, which can be read once only
        # then the one streaming pass answers as the two calls on its bytes
        assert _checked_at_once(io.BytesIO(data)) == _checked_separately(data), name


def test_given_a_package_too_big_for_memory_then_the_streaming_answers_are_the_same(
    variants, tmp_path, monkeypatch
):
    # given every package above the in-memory bound (read streaming)
    monkeypatch.setattr(fastread, "SMALL_PACKAGE_BYTES", 100)
    for name, data in variants.items():
        path = tmp_path / f"{name}.edxml"
        path.write_bytes(data)
        # then one reading and the separate calls still agree
        assert _in_one_reading(path) == _separately(path), name
        assert _checked_at_once(path) == _checked_separately(path), name


def test_given_another_configuration_then_the_reading_checks_with_it(signed_status):
    # given a configuration that refuses RSA-SHA256
    strict = C.CodecConfig(accepted_signature_methods=(C.SIG_RSA_SHA1,))
    # then the signature check of one reading is that of verify_xml_signature with it
    answers = _in_one_reading(signed_status, strict)
    assert answers == _separately(signed_status, strict)
    assert not answers[2][1].valid


def test_given_other_packages_read_in_between_then_the_reading_keeps_its_own(variants, tmp_path):
    # given two readings begun one after the other (as a batch reads every envelope first)
    first_path, second_path = tmp_path / "first.edxml", tmp_path / "second.edxml"
    first_path.write_bytes(variants["signed"])
    second_path.write_bytes(variants["changed_after_signing"])
    expected_first, expected_second = _separately(first_path), _separately(second_path)
    fastread.forget()
    first, second = StatusReading(first_path), StatusReading(second_path)
    envelopes = [_outcome(first.envelope), _outcome(second.envelope)]
    # when a third package is read by the thread before the statuses and signatures
    parse_status(FIXTURES / "status_01.edxml")
    # then each reading answers for its own package
    assert [envelopes[0], _outcome(first.status), _outcome(first.signature)] == expected_first
    assert [envelopes[1], _outcome(second.status), _outcome(second.signature)] == expected_second


def test_given_the_file_changes_after_the_reading_began_then_the_first_bytes_are_answered(
    variants, tmp_path
):
    # given a reading of a file
    path = tmp_path / "status.edxml"
    path.write_bytes(variants["signed"])
    reading = StatusReading(path)
    # when the file is rewritten before the status and the signature are asked for
    path.write_bytes(variants["changed_after_signing"])
    # then they are those of the bytes read first (one reading of the file)
    assert _outcome(reading.signature)[1].valid
    assert _outcome(reading.status) == _outcome(lambda: parse_status(variants["signed"]))


def test_given_a_missing_file_then_each_answer_is_the_streaming_readers_error(tmp_path):
    missing = Path(tmp_path / "missing.edxml")
    with pytest.raises(FileNotFoundError, match="missing.edxml"):
        read_envelope(missing)
    reading = StatusReading(missing)
    for ask in (reading.envelope, reading.status, reading.signature):
        with pytest.raises(FileNotFoundError, match="missing.edxml"):
            ask()


def test_given_a_limit_reached_then_the_reading_refuses_as_the_separate_calls(signed_status):
    limits = Limits(max_elements=10)
    fastread.forget()
    expected = _outcome(lambda: parse_status(signed_status, limits=limits))
    assert expected[0] == "error"
    fastread.forget()
    assert _outcome(lambda: parse_status_checked(signed_status, limits=limits)) == expected
    assert _outcome(StatusReading(signed_status, limits=limits).envelope) == _outcome(
        lambda: read_envelope(signed_status, limits=limits)
    )


def _strptime_outcome(parse: Callable[[str, str], Any], value: str, fmt: str) -> tuple[Any, ...]:
    try:
        return ("value", parse(value, fmt))
    except ValueError as exc:
        return ("error", str(exc))


DATE_VALUES = [
    "2026/11/27",
    "2024/02/29",
    "2023/02/29",
    "2026/00/10",
    "2026/13/01",
    "2026/04/31",
    "2026/01/00",
    "0000/01/01",
    "0999/01/01",
    "2026/1/05",
    "2026/11/27x",
    "2026/11/27\n",
    "２０２６/11/27",
    "2026/11/27 08:30:00",
    "2026/11/27 23:59:59",
    "2026/11/27 24:00:00",
    "2026/11/27 08:60:00",
    "2026/11/27 08:30:60",
    "2026/11/27 08:30:61",
    "2026/11/27  08:30:00",
    "2026/11/27\t08:30:00",
    "2026/11/27 8:30:00",
    "2026/11/27 08:30",
    "",
]


@pytest.mark.parametrize("fmt", ["%Y/%m/%d", "%Y/%m/%d %H:%M:%S", "%Y-%m-%d"])
def test_given_dates_and_times_then_the_quick_reading_is_strptimes(fmt):
    # given edge values and random well-shaped ones
    rng = random.Random(5)
    shaped = [
        f"{rng.randint(0, 9999):04d}/{rng.randint(0, 14):02d}/{rng.randint(0, 33):02d}"
        f" {rng.randint(0, 25):02d}:{rng.randint(0, 61):02d}:{rng.randint(0, 62):02d}"
        for _ in range(3000)
    ]
    values = DATE_VALUES + shaped + [v[:10] for v in shaped]
    # then each gives what datetime.strptime gives: the same value or the same error
    for value in values:
        assert _strptime_outcome(_strptime, value, fmt) == _strptime_outcome(
            dt.datetime.strptime, value, fmt
        ), value
