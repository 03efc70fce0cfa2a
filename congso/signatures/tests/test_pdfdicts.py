"""The fast reader of dictionaries gives exactly what pyHanko's own reader gives."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader

from congso.signatures.lib import pdfdicts

ORIGINAL = pdfdicts._ORIGINAL


class _Handler:
    """The PDF handler a container reference points to: strictness and `/Length` lookups."""

    def __init__(self, strict: bool) -> None:
        self.strict = strict

    def get_object(self, ref: Any) -> Any:
        if ref.idnum == 9:
            return generic.NumberObject(4)
        raise KeyError(ref)


def _read(reader: Any, data: bytes, handler: _Handler) -> tuple[Any, int]:
    stream = BytesIO(data)
    container = generic.Reference(7, 0, handler)
    try:
        return reader(stream, container), stream.tell()
    except Exception as exc:  # the same error, message included, is part of "the same"
        return (type(exc), str(exc)), -1


def _same_object(fast: Any, slow: Any) -> None:
    assert type(fast) is type(slow)
    assert fast.container_ref == slow.container_ref
    if isinstance(slow, generic.IndirectObject):
        assert fast.reference == slow.reference
        assert fast.reference.pdf is slow.reference.pdf
    elif isinstance(slow, generic.DictionaryObject):
        assert list(fast.keys()) == list(slow.keys())
        for key in slow:
            _same_object(fast.raw_get(key), slow.raw_get(key))
        if isinstance(slow, generic.StreamObject):
            assert fast.encoded_data == slow.encoded_data
    elif isinstance(slow, generic.ArrayObject):
        assert len(fast) == len(slow)
        for fast_item, slow_item in zip(fast, slow, strict=True):
            _same_object(fast_item, slow_item)
    elif isinstance(slow, generic.BooleanObject | generic.NullObject):
        assert bool(fast) == bool(slow)
    else:
        assert fast == slow
        if isinstance(slow, generic.TextStringObject):
            assert fast.autodetected_encoding == slow.autodetected_encoding


def _same(data: bytes) -> None:
    for strict in (True, False):
        handler = _Handler(strict)
        fast, fast_pos = _read(pdfdicts.read_dictionary, data, handler)
        slow, slow_pos = _read(ORIGINAL, data, handler)
        assert fast_pos == slow_pos
        if isinstance(slow, tuple):
            assert fast == slow  # the same error type and message
        else:
            _same_object(fast, slow)


NAME = st.sampled_from(
    [b"/Type", b"/F1", b"/A#20B", b"/#41", b"/", b"/a#zz", b"/L\xe9", b"/Length", b"/K"]
)
VALUE = st.sampled_from(
    [
        b"/Page", b"/F2+0", b"/", b"/a#2", b"12 0 R", b"1  0 R", b"0 0 R", b"3 0 Rx",
        b"3 0 R", b"123456789012345 0 R", b"1234567890123456 0 R", b"1 2", b"1\x0b0 R",
        b"1 0\x0bR", b"4 0\nR",
        b"0", b"-3", b"+5", b".5", b"1.", b"1.25", b"1-2", b"1..2", b"+", b",5", b"007",
        b"()", b"(text)", b"(a\\)b)", b"(a(b)c)", b"(\\101\\n)", b"(\xfe\xff\x00A)", b"(a",
        b"<00ff>", b"<4>", b"<zz>", b"[1 2 3]", b"[/A 1 0 R]", b"[", b"<< /N 5 0 R >>",
        b"<<>>", b"<< /A >>", b"true", b"false", b"null", b"truex", b"nul", b"tru", b"fals",
        b"% comment\n1", b"x", b"", b">", b"9 0 R",
    ]
)  # fmt: skip
SPACE = st.sampled_from([b" ", b"", b"\n", b"\r\n", b"\t", b"\x00", b"\f", b"  ", b"\x0b", b"%c\n"])
TAIL = st.sampled_from(
    [b"", b">>", b">", b">>\nendobj", b">> stream\nabcd\nendstream", b" >>stream\r\nabcdendstream"]
)


@settings(max_examples=400)
@given(
    entries=st.lists(st.tuples(NAME, SPACE, VALUE, SPACE), max_size=12),
    head=SPACE,
    tail=TAIL,
    junk=st.binary(max_size=8),
)
def test_same_objects_positions_and_errors_as_pyhanko(entries, head, tail, junk):
    # given a dictionary of plain and unusual entries, separators and endings
    body = b"".join(key + sep + value + after for key, sep, value, after in entries)
    # when both readers read it / then they agree on objects, position and errors
    _same(b"<<" + head + body + tail + junk)


@given(data=st.binary(max_size=80))
def test_any_bytes_after_the_opening_are_read_as_pyhanko_reads_them(data):
    _same(b"<<" + data)


@given(
    entries=st.lists(st.tuples(NAME, VALUE), min_size=1, max_size=4),
    padding=st.integers(0, 200),
)
def test_entries_across_the_chunk_boundary(entries, padding):
    # given entries that start just before the end of the reader's 4 KB chunk
    filler = b"/Pad " + b"1 " * (pdfdicts._CHUNK // 2 - 60 - padding // 2)
    body = b" ".join(key + b" " + value for key, value in entries)
    # then they are read as pyHanko reads them
    _same(b"<< " + filler + body + b" >>")
    _same(b"<< " + filler + body)


@pytest.mark.parametrize(
    "data",
    [
        b"<< /Length 4 >>\nstream\nabcd\nendstream",
        b"<< /Length 9 0 R >>\nstream\nabcd\nendstream",
        b"<< /Length 8 0 R >>\nstream\nabcd\nendstream",  # /Length cannot be resolved
        b"<< /Length 5 >>\nstream\nabcd\nendstream",  # /Length one too long
        b"<< /Type /Page /Type /Pages >>",  # a key twice: strict error / warning
        b"<< /A 1 % comment\n /B 2 >>",
        b"<</A<</B<</C 1 0 R>>>>>>",
        b"< /A 1 >>",
        b"<< 1 2 >>",
        b"",
    ],
)
def test_unusual_dictionaries_are_read_as_pyhanko_reads_them(data):
    _same(data)


def test_a_dictionary_in_a_content_stream_is_left_to_pyhanko():
    # given a marked-content property list read inside a content stream
    stream = BytesIO(b"<< /MCID 0 >> BDC")
    container = generic.Reference(7, 0, _Handler(True))
    # when it is read with the content-stream flag
    parsed = pdfdicts.read_dictionary(
        stream, container, in_content_stream=generic.ContentOpReading.IN_OBJECT
    )
    # then pyHanko's reader read it (and left the stream after >>)
    assert parsed == {"/MCID": 0}
    assert stream.tell() == len(b"<< /MCID 0 >>")


def test_every_object_of_a_signed_document_is_read_as_pyhanko_reads_it(signed_twice):
    # given a two-signature document (person + organisation)
    reader = PdfFileReader(BytesIO(signed_twice), strict=True)
    located = [
        (ref, reader.xrefs.get_historical_ref(ref, revision))
        for revision in range(reader.xrefs.total_revisions)
        for ref in reader.xrefs.explicit_refs_in_revision(revision)
    ]
    assert len(located) > 20
    for ref, marker in located:
        # when each object of each revision is read by both readers
        generic.DictionaryObject.read_from_stream = staticmethod(ORIGINAL)  # type: ignore[method-assign]
        try:
            slow = reader._read_object(ref, marker)
            slow_pos = reader.stream.tell()
        finally:
            pdfdicts.install()
        fast = reader._read_object(ref, marker)
        # then the objects and the final positions are the same
        _same_object(fast, slow)
        assert reader.stream.tell() == slow_pos


def test_it_is_the_parser_pyhanko_uses():
    import congso.signatures.lib  # noqa: F401 - installs the readers

    assert generic.DictionaryObject.read_from_stream is pdfdicts.read_dictionary
    parsed = generic.read_object(BytesIO(b"<< /Type /Page /Parent 3 0 R >>"), generic.Reference(7))
    assert isinstance(parsed, generic.DictionaryObject)
    assert parsed.raw_get("/Parent") == generic.IndirectObject(3, 0, None)
