"""Zipped attachments (the SDK's zip of one file): `validate` and `parse_*` read the zip the same
way, streaming, so a corrupt zip is refused by both, naming the attachment, and `validate() ==
[]` exactly when `parse_*` accepts (fuzzing finding C2: zipfile's BadZipFile, ValueError and
OSError escaped from parse_package while validate returned [])."""

from __future__ import annotations

import base64
import dataclasses
import io
import re
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from congso.exchange.lib import (
    EdxmlError,
    Limits,
    build_package,
    fastread,
    parse_package,
    parse_package_checked,
    validate,
    validate_checked,
)
from congso.exchange.lib import config as C
from congso.exchange.tests.lib.conftest import attachment, sample_package

PAYLOAD = b"%PDF-1.7\n" + b"Quyet dinh so 125/QD-UBND " * 4000  # compresses: deflate data
CONTENT = re.compile(rb"(<edXML:ContentTransferEncoded[^>]*>)([^<]+)(</)")
CONTENT_PATH = "AttachmentEncoded/Attachment[1]/ContentTransferEncoded"


def _zip(
    payload: bytes = PAYLOAD, method: int = zipfile.ZIP_DEFLATED, name: str = "a.pdf"
) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as zf:
        zf.writestr(name, payload)
    return out.getvalue()


class _Pipe(io.RawIOBase):
    """An output that cannot seek: zipfile then writes data descriptors (as Go and Java do)."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        self.data += b
        return len(b)


def _zip_to_pipe(method: int, directory_first: bool = False) -> bytes:
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", method) as zf:
        if directory_first:
            with zf.open("thu-muc/", "w"):
                pass
        with zf.open("thu-muc/a.pdf" if directory_first else "a.pdf", "w") as fh:
            fh.write(PAYLOAD)
    return bytes(pipe.data)


def _package(tmp_path: Path, content: bytes, name: str = "a.pdf") -> bytes:
    """An unsigned document whose one attachment (`name`, declared application/zip) travels as
    the base64 of `content`."""
    data = build_package(sample_package((attachment(tmp_path / name, PAYLOAD),)))
    found = CONTENT.search(data)
    assert found is not None
    return data[: found.start(2)] + base64.b64encode(content) + data[found.end(2) :]


def _bad_offset(good: bytes) -> bytes:
    """The central directory points the file's header far away."""
    bad = bytearray(good)
    struct.pack_into("<I", bad, good.rfind(b"PK\x01\x02") + 42, 0x7FFFFFF0)
    return bytes(bad)


def _bad_local_signature(good: bytes) -> bytes:
    return b"XX" + good[2:]


def _bad_deflate_data(good: bytes) -> bytes:
    bad = bytearray(good)
    bad[40:60] = b"\xff" * 20
    return bytes(bad)


def _bad_crc(good: bytes) -> bytes:
    """A stored file with one byte changed: only its CRC-32 tells."""
    bad = bytearray(good)
    bad[good.index(b"%PDF") + 20] ^= 0x01
    return bytes(bad)


def _truncated(good: bytes) -> bytes:
    """The middle of the data lost, the central directory kept."""
    return good[:50] + good[len(good) // 2 :]


CORRUPTIONS: dict[str, Callable[[], bytes]] = {
    "bad-offset": lambda: _bad_offset(_zip()),
    "bad-local-signature": lambda: _bad_local_signature(_zip()),
    "bad-deflate-data": lambda: _bad_deflate_data(_zip()),
    "bad-crc": lambda: _bad_crc(_zip(method=zipfile.ZIP_STORED)),
    "truncated": lambda: _truncated(_zip()),
}


def _sources(data: bytes, tmp_path: Path) -> dict[str, Callable[[], Any]]:
    """Bytes are read in memory (the attachment decoded whole), a stream streaming (decoded in
    chunks, to files when parsed), a path as bytes are."""
    path = tmp_path / "package.edxml"
    path.write_bytes(data)
    return {"bytes": lambda: data, "stream": lambda: io.BytesIO(data), "path": lambda: path}


@pytest.mark.parametrize("corruption", list(CORRUPTIONS))
def test_given_a_corrupt_zip_when_validated_or_parsed_then_both_refuse_it_naming_the_attachment(
    corruption, tmp_path
):
    # given a package whose one zipped attachment is corrupt
    data = _package(tmp_path, CORRUPTIONS[corruption]())
    for label, source in _sources(data, tmp_path).items():
        fastread.forget()
        out = tmp_path / f"in-{label}"
        # when it is validated (what the hub does) and parsed (what the recipient does)
        problems = validate(source())
        checked_problems, _check = validate_checked(source())
        with pytest.raises(EdxmlError) as parsed:
            parse_package(source(), attachment_dir=out)
        with pytest.raises(EdxmlError) as parsed_checked:
            parse_package_checked(source(), attachment_dir=out)
        # then validate reports what parse refuses with: the attachment, by place and name
        assert [(p.code, p.path) for p in problems] == [("edxml_malformed", CONTENT_PATH)], label
        assert "'a.pdf'" in problems[0].message_vi
        assert checked_problems == problems
        assert parsed.value.problems == problems
        assert parsed_checked.value.problems == problems
        # and nothing is left behind
        assert list(out.iterdir()) == []


def test_given_the_attachment_read_past_the_in_memory_bound_then_the_answer_is_the_same(
    tmp_path, monkeypatch
):
    # given every package read streaming
    monkeypatch.setattr(fastread, "SMALL_PACKAGE_BYTES", 100)
    for corruption, make in CORRUPTIONS.items():
        data = _package(tmp_path, make())
        # then a path (streamed to files) is refused as bytes read in memory were
        problems = validate(data)
        assert [p.code for p in problems] == ["edxml_malformed"], corruption
        with pytest.raises(EdxmlError) as exc:
            parse_package(data, attachment_dir=tmp_path / corruption)
        assert exc.value.problems == problems


WRITERS: dict[str, Callable[[], bytes]] = {
    "deflated": lambda: _zip(),
    "stored": lambda: _zip(method=zipfile.ZIP_STORED),
    "deflated-with-data-descriptor": lambda: _zip_to_pipe(zipfile.ZIP_DEFLATED),
    "stored-with-data-descriptor": lambda: _zip_to_pipe(zipfile.ZIP_STORED),
    "directory-entry-first": lambda: _zip_to_pipe(zipfile.ZIP_DEFLATED, directory_first=True),
    "zip64": lambda: _zip64(),
    "archive-comment": lambda: _commented(),
}


def _zip64() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        with zf.open("a.pdf", "w", force_zip64=True) as fh:
            fh.write(PAYLOAD)
    return out.getvalue()


def _commented() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.pdf", PAYLOAD)
        zf.comment = b"c" * 60_000
    return out.getvalue()


@pytest.mark.parametrize("writer", list(WRITERS))
def test_given_a_sound_zip_of_one_file_when_parsed_then_that_file_is_stored_and_validate_agrees(
    writer, tmp_path
):
    # given a package whose attachment is a sound one-file zip, as some writer makes it
    data = _package(tmp_path, WRITERS[writer]())
    for label, source in _sources(data, tmp_path).items():
        fastread.forget()
        # when validated and parsed
        problems = validate(source())
        pkg = parse_package(source(), attachment_dir=tmp_path / f"in-{label}")
        # then the file inside is what is stored, and validate had nothing against it
        assert problems == [], (writer, label)
        (stored,) = pkg.attachments
        assert stored.path.read_bytes() == PAYLOAD, (writer, label)
        assert stored.size == len(PAYLOAD)
        assert stored.content_type == "application/pdf"
        assert [p.name for p in stored.path.parent.iterdir()] == ["a.pdf"]


def test_given_a_zip_bomb_when_validated_then_it_is_refused_as_parse_refuses_it(tmp_path):
    # given a small zip that inflates past the attachment limit: once as declared, once with
    # its declared size lowered so that only inflating it tells
    limits = Limits(max_attachment_bytes=1_000_000)
    declared = _zip(bytes(5_000_000))
    hidden = bytearray(declared)
    for at in (22, hidden.rfind(b"PK\x01\x02") + 24):  # uncompressed size, local and central
        struct.pack_into("<I", hidden, at, 1000)
    for bomb in (declared, bytes(hidden)):
        data = _package(tmp_path, bomb)
        for label, source in _sources(data, tmp_path).items():
            # when validated and parsed
            problems = validate(source(), limits=limits)
            with pytest.raises(EdxmlError) as exc:
                parse_package(source(), attachment_dir=tmp_path / label, limits=limits)
            # then both refuse it at the limit
            assert [p.code for p in problems] == ["edxml_attachment_too_large"], label
            assert exc.value.problems == problems


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"%PDF-1.7 not a zip at all", "a.pdf"),
        (_bad_local_signature(_zip()), "ho-so.zip"),  # a .zip travels as itself: not opened
    ],
    ids=["not-a-zip", "a-zip-file-sent-as-itself"],
)
def test_given_content_not_to_unzip_when_parsed_then_it_is_kept_as_it_came(content, name, tmp_path):
    # given an attachment declared application/zip that is not the SDK's zip of a file
    data = _package(tmp_path, content, name=name)
    data = data.replace(b"<AttachmentName>a.pdf<", f"<AttachmentName>{name}<".encode())
    for label, source in _sources(data, tmp_path).items():
        # when validated and parsed
        problems = validate(source())
        pkg = parse_package(source(), attachment_dir=tmp_path / f"in-{label}")
        # then it is accepted and stored as it came
        assert problems == []
        assert pkg.attachments[0].path.read_bytes() == content


def test_given_a_zip_of_two_files_when_parsed_then_it_is_kept_as_it_came(tmp_path):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("a.pdf", PAYLOAD)
        zf.writestr("b.pdf", PAYLOAD)
    data = _package(tmp_path, out.getvalue())
    assert validate(data) == []
    assert parse_package(data, attachment_dir=tmp_path / "in").attachments[0].size == len(
        out.getvalue()
    )


def test_given_the_content_type_after_the_content_then_a_corrupt_zip_is_still_found(tmp_path):
    # given a corrupt zip whose ContentType and AttachmentName come after its content
    data = _package(tmp_path, _bad_deflate_data(_zip()))
    for element in (
        b"<AttachmentName>a.pdf</AttachmentName>",
        b"<ContentType>application/zip</ContentType>",
    ):
        data = data.replace(element, b"", 1).replace(
            b"</Attachment>", element + b"</Attachment>", 1
        )
    for label, source in _sources(data, tmp_path).items():
        # then validate and parse still refuse it
        assert [p.code for p in validate(source())] == ["edxml_malformed"], label
        with pytest.raises(EdxmlError):
            parse_package(source(), attachment_dir=tmp_path / label)


def test_given_unzipping_turned_off_then_a_corrupt_zip_travels_as_it_came(tmp_path):
    config = dataclasses.replace(C.DEFAULT_CONFIG, unzip_attachments=False)
    content = _bad_deflate_data(_zip())
    data = _package(tmp_path, content)
    assert validate(data, config=config) == []
    pkg = parse_package(data, attachment_dir=tmp_path / "in", config=config)
    assert pkg.attachments[0].path.read_bytes() == content
