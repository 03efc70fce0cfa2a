"""The fast hex-string reader gives exactly what pyHanko's own reader gives."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfStreamError

from congso.signatures.lib import hexstrings

ORIGINAL = hexstrings._ORIGINAL


def _both(data: bytes) -> tuple[Any, int, Any, int]:
    fast_stream, slow_stream = BytesIO(data), BytesIO(data)
    fast = hexstrings.read_hex_string(fast_stream)
    slow = ORIGINAL(slow_stream)
    return fast, fast_stream.tell(), slow, slow_stream.tell()


@given(
    payload=st.binary(max_size=300),
    spacing=st.lists(st.sampled_from([b"", b" ", b"\n", b"\r\n", b"\t"]), max_size=20),
    upper=st.booleans(),
    tail=st.binary(max_size=20),
)
def test_same_object_and_position_as_pyhanko(payload, spacing, upper, tail):
    # Given a hex string with white-space sprinkled in and arbitrary bytes after it
    digits = payload.hex().upper() if upper else payload.hex()
    pieces = [digits[i : i + 7].encode() for i in range(0, len(digits), 7)]
    body = b"".join(p + (spacing[i] if i < len(spacing) else b"") for i, p in enumerate(pieces))
    data = b"<" + body + b">" + tail
    # When both readers read it
    fast, fast_pos, slow, slow_pos = _both(data)
    # Then they return equal objects of the same type and stop at the same byte
    assert type(fast) is type(slow)
    assert fast == slow
    assert fast_pos == slow_pos


def test_odd_number_of_digits_is_padded_like_pyhanko():
    # Given a hex string with an odd number of digits
    fast, fast_pos, slow, slow_pos = _both(b"<901FA>rest")
    # Then the last digit is padded with 0, as the PDF specification says
    assert fast == slow == generic.pdf_string(b"\x90\x1f\xa0")
    assert fast_pos == slow_pos == 7


def test_a_long_signature_contents_crosses_chunk_boundaries():
    # Given a /Contents-sized string longer than one read chunk
    payload = bytes(range(256)) * 500
    fast, fast_pos, slow, slow_pos = _both(b"<" + payload.hex().encode() + b">")
    # Then it decodes whole
    assert fast == slow
    assert bytes(fast) == payload
    assert fast_pos == slow_pos


@pytest.mark.parametrize("data", [b"<12 % comment\n34>", b"<12zz>", b"<1234"])
def test_anything_unusual_behaves_exactly_as_pyhanko(data):
    # Given a comment, a bad token or a truncated string
    def outcome(reader):
        stream = BytesIO(data)
        try:
            return ("ok", reader(stream), stream.tell())
        except PdfStreamError as error:
            return ("error", str(error), None)

    # When both readers meet it, Then the result (or the error) is the same
    assert outcome(hexstrings.read_hex_string) == outcome(ORIGINAL)


def test_installed_into_pyhankos_parser():
    # Given the signature library has been imported
    import congso.signatures.lib  # noqa: F401

    # Then pyHanko's object reader uses the fast reader
    assert generic.read_hex_string_from_stream is hexstrings.read_hex_string
    parsed = generic.read_object(BytesIO(b"<4142>"), None)  # type: ignore[arg-type]
    assert parsed == generic.pdf_string(b"AB")
