"""A faster reader for PDF hex strings, installed into pyHanko's parser.

pyHanko 0.38 reads `<...>` hex strings one byte at a time through `read_non_whitespace`. A
signature's `/Contents` is such a string of 20–60 KB (certificates, OCSP answers and the
timestamp token), so opening a two-signature PDF spent about half of a validation in that loop
(profiled: 0.60 s of 1.35 s for 10 validations). `read_hex_string` reads the string in chunks and
decodes it with `binascii`, giving the same `ByteStringObject`/`TextStringObject`; anything it
does not recognise as plain hex digits and PDF white-space (a `%` comment, a stray token, a
truncated file) is handed to pyHanko's own reader from the same position, so errors and edge
cases behave exactly as before.

PDF names (`/Type`, `/Annots`, ...) are decoded by pyHanko byte by byte in Python; a document's
diff analysis reads every object of the signed revision, so the same few hundred names were
decoded about 300 times per document. `decode_name` keeps the decoded text per raw name
(bounded) and returns a new `NameObject` each time, so no parsed object is shared; a name pyHanko
refuses raises its error every time. The name itself is found by `read_until_delimiter`, which
pyHanko also reads one byte at a time through a generator; ours searches a small chunk and seeks
back to the delimiter, leaving the stream where pyHanko's would.

`install()` is idempotent and applies to every pyHanko reader in the process.
"""

from __future__ import annotations

import binascii
import functools
import os
import re
from typing import Any

from pyhanko.pdf_utils import generic, misc

PDF_WHITESPACE = b" \n\r\t\f\x00"
_HEX_ONLY = re.compile(rb"[0-9A-Fa-f]*")
_CHUNK = 64 * 1024
_ORIGINAL = generic.read_hex_string_from_stream
_ORIGINAL_DECODE_NAME = generic._decode_name
_ORIGINAL_READ_UNTIL_DELIMITER = generic.read_until_delimiter
_DELIMITER = re.compile(b"[" + re.escape(misc.PDF_WHITESPACE + misc.PDF_DELIMITERS) + b"]")
_TOKEN_CHUNK = 64


def read_hex_string(stream: Any) -> Any:
    """Read `<hex digits>` from `stream` (positioned at `<`); same result as pyHanko's reader."""
    start = stream.tell()
    stream.read(1)
    parts: list[bytes] = []
    consumed = 0
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            break
        end = chunk.find(b">")
        if end < 0:
            parts.append(chunk)
            consumed += len(chunk)
            continue
        parts.append(chunk[:end])
        consumed += end
        digits = b"".join(parts).translate(None, PDF_WHITESPACE)
        if _HEX_ONLY.fullmatch(digits) is None:
            break
        stream.seek(start + 1 + consumed + 1, os.SEEK_SET)
        if len(digits) % 2:
            digits += b"0"
        return generic.pdf_string(binascii.unhexlify(digits))
    stream.seek(start, os.SEEK_SET)
    return _ORIGINAL(stream)


@functools.lru_cache(maxsize=4096)
def _decoded_name(name_bytes: bytes) -> str:
    return str.__str__(_ORIGINAL_DECODE_NAME(name_bytes))


def decode_name(name_bytes: bytes) -> generic.NameObject:
    """pyHanko's `_decode_name` (the bytes after `/`), remembered per raw name."""
    if not isinstance(name_bytes, bytes):
        return _ORIGINAL_DECODE_NAME(name_bytes)
    return generic.NameObject(_decoded_name(name_bytes))


def read_until_delimiter(stream: Any) -> bytes:
    """pyHanko's `read_until_delimiter`: the bytes up to the next PDF white-space or delimiter
    (the stream left on it) or up to the end of the stream."""
    start = stream.tell()
    parts: list[bytes] = []
    consumed = 0
    while True:
        chunk = stream.read(_TOKEN_CHUNK)
        if not chunk:
            return b"".join(parts)
        found = _DELIMITER.search(chunk)
        if found is not None:
            parts.append(chunk[: found.start()])
            stream.seek(start + consumed + found.start(), os.SEEK_SET)
            return b"".join(parts)
        parts.append(chunk)
        consumed += len(chunk)


def install() -> None:
    """Make pyHanko's object parser use `read_hex_string`, `decode_name` and
    `read_until_delimiter` (idempotent)."""
    generic.read_hex_string_from_stream = read_hex_string
    generic._decode_name = decode_name
    generic.read_until_delimiter = read_until_delimiter
