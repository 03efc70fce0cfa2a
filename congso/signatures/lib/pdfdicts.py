"""A faster reader for PDF dictionaries, installed into pyHanko's parser.

The diff analysis of a two-signature document reads every object of each signed revision, and
nearly every object is a dictionary: pages, fonts, font descriptors, form fields, the catalog.
pyHanko 0.38 reads a dictionary one byte at a time (`read_non_whitespace` between tokens, a
20-byte peek, a seek back and a byte loop for each `5 0 R`, `read_until_regex` for each number),
so reading objects was about a third of a validation.

`read_dictionary` follows pyHanko's `DictionaryObject.read_from_stream` step by step — `<<`,
white-space, key, white-space, value, ..., `>`, the stream payload — but works on a chunk of the
file held in memory. Each step is done from the chunk only in the plain case:
- white-space without a comment, ending inside the chunk;
- a key or value name ending inside the chunk, decoded by pyHanko's own `_decode_name`;
- a reference written `N G R` with single spaces (also recognised by pyHanko's 20-byte
  `INDIRECT_PATTERN` peek, and with N > 0);
- a number (pyHanko's number characters, ending inside the chunk, accepted by `NumberObject`
  or `FloatObject` exactly as pyHanko builds it);
- a literal string without `\\`, `(` inside, or `)` inside;
- `true`, `false`, `null`.
Any other step — a comment, an array, a nested dictionary, a hex string, an escaped string, a
token reaching the end of the chunk, anything pyHanko would refuse — is done by pyHanko's own
function (`read_non_whitespace`, `NameObject.read_from_stream`, `read_object`) from the very same
stream position, and the chunk is re-synchronised from where that function left the stream. So
objects, `container_ref`s, stream positions and errors (message and byte offset included) are
those of pyHanko. Dictionaries inside content streams are left entirely to pyHanko.

`install()` is idempotent and applies to every pyHanko reader in the process.
"""

from __future__ import annotations

import os
import re
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfReadError, PdfStrictReadError

_ORIGINAL = generic.DictionaryObject.read_from_stream
_CHUNK = 4096
_MARGIN = 64  # a chunk is refilled when fewer bytes than this remain (>= the 20-byte peek)
_PEEK = 20  # pyHanko's look-ahead for `N G R`
_WHITESPACE = re.compile(rb"[ \n\r\t\f\x00]*")
_NAME = re.compile(rb"[^ \n\r\t\f\x00()<>\[\]{}/%]*")
# NumberObject.NumberPattern is `[^+-.0-9]`: `+-.` is a range, so `,` is a number byte too.
_NUMBER = re.compile(rb"[+,\-.0-9]*")
_REFERENCE = re.compile(rb"([0-9]+) ([0-9]+) R")
_PLAIN_STRING = re.compile(rb"\(([^()\\]*)\)")
_WS = rb"[ \n\r\t\f\x00]*"
_NAME_BYTES = rb"[^ \n\r\t\f\x00()<>\[\]{}/%]*(?=[ \n\r\t\f\x00()<>\[\]{}/%])"
# One plain entry: white-space, a key, white-space and a plain value, each ending inside the
# chunk. Groups: 1 key, 2 name, 3-4 reference, 5 number, 6 string body, 7 true/false/null.
_ENTRY = re.compile(
    _WS
    + rb"/("
    + _NAME_BYTES
    + rb")"
    + _WS
    + rb"(?:/("
    + _NAME_BYTES
    + rb")|([0-9]+) ([0-9]+) R(?=[^a-zA-Z])|([+,\-.0-9]+)(?=[^+,\-.0-9])"
    + rb"|\(([^()\\]*)\)|(true|false|null))"
)
_DIGITS = frozenset(b"0123456789")
_NUMBER_START = frozenset(b"+-.")
_SLASH, _OPEN_PAREN, _T, _F, _N = b"/"[0], b"("[0], b"t"[0], b"f"[0], b"n"[0]


def read_dictionary(
    stream: Any,
    container_ref: Any,
    as_metadata_stream: bool = False,
    in_content_stream: Any = generic.ContentOpReading.NO,
) -> Any:
    """`DictionaryObject.read_from_stream` (the stream at `<<`): same object, position, errors."""
    start = stream.tell()
    buf = stream.read(_CHUNK)
    if in_content_stream or buf[:2] != b"<<":
        stream.seek(start, os.SEEK_SET)
        return _ORIGINAL(
            stream,
            container_ref,
            as_metadata_stream=as_metadata_stream,
            in_content_stream=in_content_stream,
        )
    base = start  # file offset of buf[0]
    pos = 2  # the reader's position, as an offset into buf
    data: dict[Any, Any] = {}
    handler = container_ref.get_pdf_handler()
    decode_name = generic._decode_name
    read_non_whitespace = generic.read_non_whitespace
    read_object = generic.read_object

    while True:
        if len(buf) - pos < _MARGIN:
            base += pos
            stream.seek(base, os.SEEK_SET)
            buf = stream.read(_CHUNK)
            pos = 0
        entry = _ENTRY.match(buf, pos)
        if entry is not None:
            value = _entry_value(entry, buf, container_ref, decode_name)
            try:
                key = None if value is None else decode_name(entry.group(1))
            except Exception:  # pyHanko's key step raises it, with its message
                key = None
            if key is not None:
                value.container_ref = container_ref
                pos = entry.end()
                if key not in data:
                    data[key] = value
                    continue
                stream.seek(base + pos, os.SEEK_SET)
                _duplicate(stream, key, handler)
                continue
        # tok = read_non_whitespace(stream)
        after = _WHITESPACE.match(buf, pos).end()  # type: ignore[union-attr]
        tok = buf[after : after + 1]
        if tok and tok != b"%":
            pos = after + 1
        else:
            stream.seek(base + pos, os.SEEK_SET)
            tok = read_non_whitespace(stream)
            base, buf, pos = _resync(stream, base, buf)
        if tok == b">":
            if pos < len(buf):  # stream.read(1)
                pos += 1
            else:
                stream.seek(base + pos, os.SEEK_SET)
                stream.read(1)
                base, buf, pos = _resync(stream, base, buf)
            break
        pos -= 1  # stream.seek(-1, os.SEEK_CUR), then the key
        key = None
        if tok == b"/":
            end = _NAME.match(buf, pos + 1).end()  # type: ignore[union-attr]
            if end < len(buf):
                try:
                    key = decode_name(buf[pos + 1 : end])
                    pos = end
                except Exception:  # pyHanko's own reader raises it, with its message
                    key = None
        if key is None:
            stream.seek(base + pos, os.SEEK_SET)
            key = _read_key(stream)
            base, buf, pos = _resync(stream, base, buf)
        # read_non_whitespace(stream); stream.seek(-1, os.SEEK_CUR)
        after = _WHITESPACE.match(buf, pos).end()  # type: ignore[union-attr]
        tok = buf[after : after + 1]
        if tok and tok != b"%":
            pos = after
        else:
            stream.seek(base + pos, os.SEEK_SET)
            read_non_whitespace(stream)
            stream.seek(-1, os.SEEK_CUR)
            base, buf, pos = _resync(stream, base, buf)
        # value = read_object(stream, container_ref, in_content_stream=in_content_stream)
        value, pos = _plain_value(buf, pos, container_ref, decode_name)
        if value is None:
            stream.seek(base + pos, os.SEEK_SET)
            value = read_object(stream, container_ref, in_content_stream=in_content_stream)
            base, buf, pos = _resync(stream, base, buf)
        else:
            value.container_ref = container_ref
        if key not in data:
            data[key] = value
        else:
            stream.seek(base + pos, os.SEEK_SET)
            _duplicate(stream, key, handler)

    stream.seek(base + pos, os.SEEK_SET)
    stream_data = generic._maybe_read_stream_payload(stream, data, handler)
    if stream_data is None:
        return generic.DictionaryObject(data)
    stream_class: Any = generic.StreamObject
    if as_metadata_stream:
        try:
            from pyhanko.pdf_utils.metadata.xmp_xml import MetadataStream

            stream_class = MetadataStream
        except ImportError:  # pragma: no cover - as in pyHanko
            pass
    return stream_class(data, encoded_data=stream_data)


def _entry_value(entry: re.Match[bytes], buf: bytes, container_ref: Any, decode_name: Any) -> Any:
    """The value of a plain `key value` entry matched by `_ENTRY`, or None when pyHanko's
    reader might read it differently (or refuse it): then the entry is read step by step."""
    kind = entry.lastindex
    try:
        if kind == 2:
            return decode_name(entry.group(2))
        if kind == 4:
            start = entry.start(3)
            if int(entry.group(3)) > 0 and entry.end(4) + 3 <= start + _PEEK:
                # "N G R" and the byte after it lie in pyHanko's 20-byte peek
                handler = container_ref.get_pdf_handler()
                return generic.IndirectObject(int(entry.group(3)), int(entry.group(4)), handler)
            return None
        if kind == 5:
            start = entry.start(5)
            if buf[start] in _DIGITS and (
                start + _PEEK > len(buf)
                or generic.INDIRECT_PATTERN.match(buf, start, start + _PEEK) is not None
            ):
                return None  # pyHanko peeks 20 bytes for `N G R` before taking a number
            text = entry.group(5).decode("ascii")
            return generic.FloatObject(text) if "." in text else generic.NumberObject(text)
        if kind == 6:
            return generic.pdf_string(entry.group(6))
        word = entry.group(7)
        if word == b"true":
            return generic.BooleanObject(True)
        if word == b"false":
            return generic.BooleanObject(False)
        return generic.NullObject()
    except Exception:  # pyHanko's own reader raises it, with its message
        return None


def _duplicate(stream: Any, key: Any, handler: Any) -> None:
    """pyHanko's handling of a key seen twice (the stream after the second value)."""
    err = f"Multiple definitions in dictionary at byte {hex(stream.tell())} for key {key}"
    if handler.strict:
        raise PdfStrictReadError(err)
    generic.logger.warning(err)


def _resync(stream: Any, base: int, buf: bytes) -> tuple[int, bytes, int]:
    """Continue from where a pyHanko function left the stream: in the same chunk when it is
    still inside it with room to spare, else from a fresh chunk read there."""
    here = stream.tell()
    if base <= here and here + _MARGIN <= base + len(buf):
        return base, buf, here - base
    stream.seek(here, os.SEEK_SET)
    return here, stream.read(_CHUNK), 0


def _read_key(stream: Any) -> Any:
    """pyHanko's key step, verbatim (the stream at the key)."""
    try:
        return generic.NameObject.read_from_stream(stream)
    except Exception as ex:
        raise PdfReadError(
            f"Failed to read dictionary key at byte 0x{hex(stream.tell())}; expected PDF name"
        ) from ex


def _plain_value(buf: bytes, pos: int, container_ref: Any, decode_name: Any) -> tuple[Any, int]:
    """The value at `buf[pos]` and the position after it when it is plain, else (None, pos)."""
    if pos + _PEEK >= len(buf):
        return None, pos
    first = buf[pos]
    try:
        if first == _SLASH:
            end = _NAME.match(buf, pos + 1).end()  # type: ignore[union-attr]
            if end < len(buf):
                return decode_name(buf[pos + 1 : end]), end
        elif first in _DIGITS:
            if generic.INDIRECT_PATTERN.match(buf, pos, pos + _PEEK) is not None:
                ref = _REFERENCE.match(buf, pos)
                if ref is not None and int(ref.group(1)) > 0:
                    idnum, generation = int(ref.group(1)), int(ref.group(2))
                    handler = container_ref.get_pdf_handler()
                    return generic.IndirectObject(idnum, generation, handler), ref.end()
                return None, pos
            return _number(buf, pos)
        elif first in _NUMBER_START:
            return _number(buf, pos)
        elif first == _OPEN_PAREN:
            string = _PLAIN_STRING.match(buf, pos)
            if string is not None:
                return generic.pdf_string(string.group(1)), string.end()
        elif first == _T and buf[pos : pos + 4] == b"true":
            return generic.BooleanObject(True), pos + 4
        elif first == _F and buf[pos : pos + 5] == b"false":
            return generic.BooleanObject(False), pos + 5
        elif first == _N and buf[pos : pos + 4] == b"null":
            return generic.NullObject(), pos + 4
    except Exception:  # pyHanko's own reader raises it, with its message
        return None, pos
    return None, pos


def _number(buf: bytes, pos: int) -> tuple[Any, int]:
    end = _NUMBER.match(buf, pos).end()  # type: ignore[union-attr]
    if end >= len(buf):
        return None, pos
    text = buf[pos:end].decode("ascii")
    if "." in text:
        return generic.FloatObject(text), end
    return generic.NumberObject(text), end


def install() -> None:
    """Make pyHanko's object parser read dictionaries with `read_dictionary` (idempotent)."""
    generic.DictionaryObject.read_from_stream = staticmethod(read_dictionary)  # type: ignore[method-assign]
