"""lib/b64.py: pybase64 gives exactly what binascii's strict mode gives (bytes or refusal)."""

from __future__ import annotations

import base64
import binascii

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from congso.exchange.lib import b64

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
# the alphabet, padding, and what a damaged or foreign payload may hold
_CHARS = st.sampled_from(list(_ALPHABET) + ["="] * 8 + ["-", "_", " ", "\n", ".", "\x00", "é"])


def _strict(data: bytes) -> bytes | str:
    try:
        return binascii.a2b_base64(data, strict_mode=True)
    except binascii.Error:
        return "refused"


def _ours(data: bytes) -> bytes | str:
    try:
        return b64.decode_strict(data)
    except binascii.Error:
        return "refused"


@settings(max_examples=3000, deadline=None)
@given(st.text(_CHARS, max_size=40))
def test_any_text_decodes_or_is_refused_as_in_strict_mode(text: str) -> None:
    data = text.encode("utf-8")
    assert _ours(data) == _strict(data)


@settings(max_examples=1500, deadline=None)
@given(st.binary(max_size=300), st.lists(st.tuples(st.integers(0, 400), _CHARS), max_size=3))
def test_encoded_data_with_damage_decodes_as_in_strict_mode(
    raw: bytes, damage: list[tuple[int, str]]
) -> None:
    # given the base64 of some bytes, with up to three characters replaced
    encoded = bytearray(base64.b64encode(raw))
    for position, char in damage:
        if encoded:
            encoded[position % len(encoded)] = ord(char[0]) if ord(char[0]) < 128 else 0xC3
    # then decoding gives what binascii's strict mode gives
    assert _ours(bytes(encoded)) == _strict(bytes(encoded))


@given(st.binary(max_size=2000))
def test_encoding_is_the_standard_library_s(raw: bytes) -> None:
    assert b64.encode(raw) == base64.b64encode(raw)


def test_wrapped_base64_is_compacted_and_non_ascii_refused() -> None:
    wrapped = base64.encodebytes(b"x" * 200).decode().replace("\n", "\r\n") + " \t"
    assert b64.decode_strict(b64.without_whitespace(wrapped)) == b"x" * 200
    with pytest.raises(UnicodeEncodeError):
        b64.without_whitespace("QUJD\u00e9")
