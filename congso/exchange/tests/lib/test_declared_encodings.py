"""The encoding an XML declaration names: UTF-8 (and what expat reads itself) is read; any other
name is refused as malformed by every entry point, never a crash (fuzzing finding C1: a
LookupError, ValueError or UnicodeError escaped from the parser)."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from congso.exchange.lib import (
    EdxmlError,
    StatusReading,
    build_package,
    build_status,
    fastread,
    parse_package,
    parse_package_checked,
    parse_status,
    parse_status_checked,
    read_envelope,
    validate,
    validate_checked,
    verify_xml_signature,
)
from congso.exchange.tests.lib.conftest import FIXTURES, sample_package

# Unknown names, codecs that are not character sets, multi-byte codecs expat cannot use, codecs
# that fail on their own; cp1258 and unicode_escape were read through a Python codec before.
REFUSED = [
    "x-nope",
    "base64",
    "rot13",
    "zlib",
    "hex",
    "uu",
    "mbcs",
    "shift_jis",
    "utf-32",
    "utf-7",
    "idna",
    "punycode",
    "unicode_escape",
    "cp1258",
    "UTF8",
]

READERS: dict[str, Callable[[Any, Path], object]] = {
    "read_envelope": lambda source, _dir: read_envelope(source),
    "parse_package": lambda source, directory: parse_package(source, attachment_dir=directory),
    "parse_package_checked": lambda source, directory: parse_package_checked(
        source, attachment_dir=directory
    ),
    "parse_status": lambda source, _dir: parse_status(source),
    "parse_status_checked": lambda source, _dir: parse_status_checked(source),
    "verify_xml_signature": lambda source, _dir: verify_xml_signature(source),
}


@pytest.fixture(scope="module")
def signed_packages(kontum) -> dict[str, bytes]:
    return {
        "document": build_package(sample_package(), signer=kontum.signer()),
        "status": build_status(parse_status(FIXTURES / "status_01.edxml"), signer=kontum.signer()),
    }


def _declaring(data: bytes, encoding: str) -> bytes:
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return data.replace(b'encoding="UTF-8"', f'encoding="{encoding}"'.encode(), 1)


def _sources(data: bytes, tmp_path: Path) -> dict[str, Callable[[], Any]]:
    """The package as bytes (read in memory), a stream (read streaming) and a path."""
    path = tmp_path / "package.edxml"
    path.write_bytes(data)
    return {"bytes": lambda: data, "stream": lambda: io.BytesIO(data), "path": lambda: path}


@pytest.mark.parametrize("encoding", REFUSED)
@pytest.mark.parametrize("kind", ["document", "status"])
def test_given_an_unsupported_encoding_when_read_by_any_entry_point_then_it_is_malformed(
    signed_packages, kind, encoding, tmp_path
):
    # given a signed package whose XML declaration names an encoding the codec does not read
    data = _declaring(signed_packages[kind], encoding)
    out = tmp_path / "attachments"
    for label, source in _sources(data, tmp_path).items():
        fastread.forget()
        # when each entry point reads it
        # then each refuses it as malformed, naming the encoding, and writes nothing
        problems = validate(source())
        assert [p.code for p in problems] == ["edxml_malformed"], label
        assert f"'{encoding}'" in problems[0].message_vi
        checked_problems, check = validate_checked(source())
        assert checked_problems == problems, label
        assert not check.valid
        assert check.problem_code == "edxml_malformed"
        for name, read in READERS.items():
            with pytest.raises(EdxmlError) as exc:
                read(source(), out)
            assert exc.value.code == "edxml_malformed", (label, name)
            assert f"'{encoding}'" in exc.value.message_vi, (label, name)
        if label != "stream":
            reading = StatusReading(source())
            for step in (reading.envelope, reading.status, reading.signature):
                with pytest.raises(EdxmlError) as exc:
                    step()
                assert exc.value.code == "edxml_malformed", (label, step.__name__)
        assert not out.exists() or list(out.iterdir()) == []


def test_given_the_minimal_reproduction_when_validated_then_it_is_malformed_not_a_crash():
    # given the fuzzer's smallest case
    data = b'<?xml version="1.0" encoding="x-nope"?><a/>'
    # when validated from bytes and from a stream
    # then both answer with the codec's malformed problem
    for source in (data, io.BytesIO(data)):
        problems = validate(source)
        assert [p.code for p in problems] == ["edxml_malformed"]
        assert "x-nope" in problems[0].message_vi


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("utf-8", lambda text: text.encode("utf-8")),
        ("UTF-16", lambda text: text.encode("utf-16")),
        ("UTF-16LE", lambda text: text.encode("utf-16-le")),
        ("ISO-8859-1", lambda text: text.encode("latin-1", "replace")),
        ("US-ASCII", lambda text: text.encode("ascii", "replace")),
    ],
)
def test_given_an_encoding_expat_reads_itself_when_validated_then_it_is_read(
    encoding, encode, tmp_path
):
    # given an unsigned document declared and written in that encoding (Vietnamese letters
    # outside ISO-8859-1 and US-ASCII written "?")
    text = build_package(sample_package()).decode()
    data = encode(text.replace('encoding="UTF-8"', f'encoding="{encoding}"', 1))
    for label, source in _sources(data, tmp_path).items():
        fastread.forget()
        # when validated and parsed
        problems = validate(source())
        pkg = parse_package(source(), attachment_dir=tmp_path / label)
        # then it is read as before
        assert problems == [], label
        assert pkg.header.from_org.code == "000.00.00.H34"
