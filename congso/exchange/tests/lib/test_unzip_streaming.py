"""`ZipReading` (unzip.py) gives one answer for one zip however its bytes arrive, and keeps only
the end of a large one."""

from __future__ import annotations

import io
import random
import zipfile

import pytest

from congso.exchange.lib import Limits, unzip
from congso.exchange.lib.unzip import ZipReading
from congso.exchange.tests.lib.test_zipped_attachments import CORRUPTIONS, PAYLOAD, WRITERS


def _read(content: bytes, steps: list[int] | None = None) -> ZipReading:
    reading = ZipReading(Limits(), keep=True)
    at = 0
    rnd = random.Random(len(content))
    while at < len(content):
        step = rnd.choice(steps) if steps else len(content)
        reading.feed(content[at : at + step])
        at += step
    reading.close()
    return reading


def _answer(reading: ZipReading) -> tuple[object, ...]:
    return reading.problem, reading.unzipped, reading.content


@pytest.mark.parametrize(
    "content",
    [*(make() for make in CORRUPTIONS.values()), *(make() for make in WRITERS.values())],
)
def test_given_any_chunking_then_the_zip_reading_is_the_same(content):
    # given a zip read at once
    whole = _read(content)
    for _ in range(5):
        # when the same bytes arrive in chunks of any size (as base64 decodes them)
        chunked = _read(content, [1, 3, 29, 1000, 65536])
        # then the answer and the file are the same
        assert _answer(chunked) == _answer(whole)


def test_given_a_zip_longer_than_the_kept_tail_then_it_is_read_the_same(monkeypatch):
    # given only the last 70 kB of a zip kept (the end record may follow a 64 kB comment)
    monkeypatch.setattr(unzip, "TAIL_BYTES", 70_000)
    for writer in ("stored", "deflated-with-data-descriptor", "archive-comment"):
        content = WRITERS[writer]()
        # when it is read in chunks
        reading = _read(content, [4096, 48_000])
        # then its file is the one inside
        assert reading.problem is None, writer
        assert reading.content == PAYLOAD


def test_given_a_central_directory_beyond_the_kept_tail_then_the_zip_is_refused(monkeypatch):
    # given a zip of one file and many folders, whose directory does not fit the kept tail
    monkeypatch.setattr(unzip, "TAIL_BYTES", 70_000)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("a.pdf", PAYLOAD)
        for i in range(2000):
            zf.writestr(f"thu-muc-{i:04}/", b"")
    # when it is read
    reading = _read(out.getvalue(), [48_000])
    # then it is refused (whether zipfile would open it cannot be told), not guessed
    assert reading.problem is not None
    assert reading.problem[0] == "edxml_malformed"
    assert not reading.unzipped
