"""Finding a marker in a stream read in pieces."""

from __future__ import annotations

from io import BytesIO

import pytest

from congso.core.streams import stream_holds


@pytest.mark.parametrize("at", [0, 1, 5, 6, 7, 12, 19, 25])
def test_a_marker_is_found_wherever_the_pieces_cut_it(at: int) -> None:
    # given a marker at any offset of a stream read 7 bytes at a time
    data = b"x" * at + b"/ByteRange" + b"y" * 9
    # then it is found, and a stream without it is not
    assert stream_holds(BytesIO(data), b"/ByteRange", chunk_size=7)
    assert not stream_holds(BytesIO(data.replace(b"/Byte", b"/Bite")), b"/ByteRange", chunk_size=7)


def test_a_one_byte_marker_and_an_empty_stream() -> None:
    assert stream_holds(BytesIO(b"abc"), b"c", chunk_size=1)
    assert not stream_holds(BytesIO(b""), b"c")
