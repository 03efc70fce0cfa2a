"""The fast reader of number arrays gives exactly what pyHanko's own reader gives."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfReadError

from congso.signatures.lib import numberarrays

ORIGINAL = numberarrays._ORIGINAL
CONTAINER = generic.Reference(7, 0)


def _read(reader: Any, data: bytes) -> tuple[Any, int]:
    stream = BytesIO(data)
    try:
        return reader(stream, CONTAINER), stream.tell()
    except (PdfReadError, ValueError, ArithmeticError) as exc:
        return type(exc), -1


def _same(data: bytes) -> None:
    fast, fast_pos = _read(numberarrays.read_array, data)
    slow, slow_pos = _read(ORIGINAL, data)
    assert fast_pos == slow_pos
    if isinstance(slow, type):
        assert fast is slow  # the same error
        return
    assert [type(x) for x in fast] == [type(x) for x in slow]
    assert list(fast) == list(slow)
    assert [x.container_ref for x in fast] == [x.container_ref for x in slow]


NUMBER = st.one_of(
    st.integers(-(10**9), 10**9).map(lambda n: str(n).encode()),
    st.decimals(-(10**6), 10**6, places=3, allow_nan=False, allow_infinity=False).map(
        lambda d: str(d).encode()
    ),
    st.sampled_from([b".5", b"-.25", b"+3", b"1.", b"0", b"-0"]),
)
SPACE = st.sampled_from([b" ", b"\n", b"\r\n", b"\t", b"\x00", b"\f", b"  "])


@given(
    numbers=st.lists(NUMBER, max_size=300),
    spaces=st.lists(SPACE, min_size=1, max_size=10),
    tail=st.binary(max_size=12),
)
def test_same_numbers_types_and_position_as_pyhanko(numbers, spaces, tail):
    # given a /Widths-like array with any PDF white-space and any bytes after it
    body = b"".join(n + spaces[i % len(spaces)] for i, n in enumerate(numbers))
    # when both readers read it / then they agree on every element and the stream position
    _same(b"[" + body + b"]" + tail)


@pytest.mark.parametrize(
    "data",
    [
        b"[]",
        b"[ ]>>",
        b"[5 0 R 6 0 R]",  # references
        b"[0 0 595.276 841.89]",
        b"[1 [2 3] 4]",  # nested
        b"[/Name 1 2]",
        b"[1 % comment\n 2]",
        b"[1-2 3]",  # not a number
        b"[+ 1]",
        b"[1.2.3]",
        b"[1 2 3",  # not closed
        b"[(text) 1]",
        b"[<00ff> 1]",
        b"[true 1 null]",
    ],
)
def test_anything_but_plain_numbers_is_read_as_pyhanko_reads_it(data):
    _same(data)


def test_an_array_longer_than_the_chunk_is_read_whole():
    # given a widths array of ~40 KB
    data = b"[" + b" ".join(str(n).encode() for n in range(8000)) + b"] tail"
    # then it is read as pyHanko reads it
    _same(data)


def test_it_is_the_parser_pyhanko_uses():
    # given the library installed (congso.signatures.lib imports install it)
    import congso.signatures.lib  # noqa: F401

    # when pyHanko reads an object holding an array
    parsed = generic.read_object(BytesIO(b"<< /Widths [250 333.5 -1] >>"), CONTAINER)
    assert isinstance(parsed, generic.DictionaryObject)
    # then it went through our reader and gives pyHanko's objects
    assert generic.ArrayObject.read_from_stream is numberarrays.read_array
    widths = parsed.raw_get("/Widths")
    assert list(widths) == [250, generic.FloatObject("333.5"), -1]
    assert [type(x) for x in widths] == [
        generic.NumberObject,
        generic.FloatObject,
        generic.NumberObject,
    ]
