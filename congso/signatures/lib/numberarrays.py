"""A faster reader for PDF arrays of plain numbers, installed into pyHanko's parser.

A font's `/Widths` (and `/W`, `/BBox`, `/Matrix`, ...) is an array of hundreds of numbers that
pyHanko 0.38 reads one object at a time, each through `read_non_whitespace` and
`read_until_regex` a byte at a time. The diff analysis of a two-signature document reads every
object of the earlier revision, so a one-page công văn with four embedded font subsets spent a
large share of its validation there (profiled in the exchange bench: ~30 % of a validation in
generic object reading). `read_array` takes the bytes up to the closing `]` at once: when they
are only numbers and PDF white-space, it makes each number exactly as `NumberObject.
read_from_stream` does (`FloatObject` when it has a dot, else `NumberObject`) with the array's
container reference, and leaves the stream after `]`. Anything else — a name, a reference
(`5 0 R`), a nested array, a comment, a token that is not a number, an array longer than the
chunk or not closed — is read by pyHanko's own reader from the same position, so errors and
edge cases behave exactly as before.

`install()` is idempotent and applies to every pyHanko reader in the process.
"""

from __future__ import annotations

import os
import re
from typing import Any

from pyhanko.pdf_utils import generic

_ORIGINAL = generic.ArrayObject.read_from_stream
_NUMBERS_ONLY = re.compile(rb"[0-9+\-. \n\r\t\f\x00]*")
_SPLIT = re.compile(rb"[ \n\r\t\f\x00]+")
_CHUNK = 16 * 1024


def read_array(stream: Any, container_ref: Any, in_content_stream: Any = None) -> Any:
    """`ArrayObject.read_from_stream` (the stream at `[`), same result and final position."""
    start = stream.tell()
    chunk = stream.read(_CHUNK)
    end = chunk.find(b"]")
    if chunk[:1] == b"[" and end > 0:
        body = chunk[1:end]
        if _NUMBERS_ONLY.fullmatch(body) is not None:
            array = _numbers(body, container_ref)
            if array is not None:
                stream.seek(start + end + 1, os.SEEK_SET)
                return array
    stream.seek(start, os.SEEK_SET)
    if in_content_stream is None:
        return _ORIGINAL(stream, container_ref)
    return _ORIGINAL(stream, container_ref, in_content_stream=in_content_stream)


def _numbers(body: bytes, container_ref: Any) -> Any:
    """The array of `body`'s numbers (None when a token is not one): what
    `NumberObject(text)` makes — an int subclass of `int(text)` — made without its Python-level
    `__new__` (`int()` of the ASCII bytes, the same value)."""
    array = generic.ArrayObject()
    append = array.append
    new_int = int.__new__
    number_type, float_type = generic.NumberObject, generic.FloatObject
    for token in _SPLIT.split(body):
        if not token:
            continue
        number: Any
        try:
            if b"." in token:
                number = float_type(token.decode("ascii"))
            else:
                number = new_int(number_type, int(token))
        except (ValueError, ArithmeticError):  # e.g. "1-2", "+": pyHanko's reader decides
            return None
        number.container_ref = container_ref
        append(number)
    return array


def install() -> None:
    """Make pyHanko's object parser read arrays with `read_array` (idempotent)."""
    generic.ArrayObject.read_from_stream = staticmethod(read_array)  # type: ignore[method-assign]
