"""Unzipping an attachment as its bytes arrive: the VNPT SDK's zip of one file (QCVN 102 §4.2).

`validate` and `parse_*` take the same decision from the same reading, so `validate() == []`
exactly when `parse_*` accepts: `ZipReading` is fed the decoded bytes of an attachment once
(while the package streams, or at once for one read in memory), inflates the zip's file as it
goes (checking its CRC-32 and sizes, bounded by `Limits.max_attachment_bytes`), writes it out
only when asked to (`parse_package`), and keeps the last `TAIL_BYTES` of the zip. At the end the
standard library's `zipfile` reads the end-of-central-directory record and the central directory
from that tail, so "is it a zip", "of one file" and a corrupt directory are `zipfile`'s own
answers; the file it names must then be the one inflated, with the same name, method, sizes and
CRC, or the attachment is refused. Nothing is read twice and a large attachment is never held
in memory.

What is refused that `zipfile` might extract: a file whose data is not what was read in stream
order from the start (data before the zip, as in a self-extracting archive; its header elsewhere
than the directory says; sizes or CRC that differ), methods other than stored and deflate,
encryption, a central directory further than `TAIL_BYTES` from the end. The SDK's zips (and
those of Java, .NET, Go and Python) are none of these. A stored file written with a data
descriptor (Go's, Python's to a pipe) ends where a descriptor signature is followed by the CRC
and size of the bytes before it.
"""

from __future__ import annotations

import errno
import struct
import zipfile
import zlib
from collections import deque
from pathlib import Path
from typing import IO

from congso.exchange.lib import config as C
from congso.exchange.lib import errors as E

# The end-of-central-directory search reads the last 64 KiB + 22 bytes (plus the zip64 records
# before it); the rest is for the central directory itself.
TAIL_BYTES = 1024 * 1024

_LOCAL = b"PK\x03\x04"
_CENTRAL = b"PK\x01\x02"
_DESCRIPTOR = b"PK\x07\x08"
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
_STORED, _DEFLATED = zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED
_ENCRYPTED, _DATA_DESCRIPTOR, _UTF8_NAME = 0x1, 0x8, 0x800
_UNSUPPORTED_FLAGS = 0x20 | 0x40  # compressed patched data, strong encryption
_DESCRIPTOR_32 = struct.Struct("<4s3L")
_DESCRIPTOR_64 = struct.Struct("<4sL2Q")
_HOLD = _DESCRIPTOR_64.size - 1  # bytes kept back while looking for a stored file's descriptor
_HEADER, _DATA, _STORED_TO_DESCRIPTOR, _AFTER_DESCRIPTOR, _DONE = range(5)
# The most inflated per call: bounds what a zip bomb costs in memory, while a usual attachment is
# inflated in one call (each shorter step copies the rest of the input again).
_INFLATE_STEP = 1024 * 1024

Bytes = bytes | memoryview


class _Hole(Exception):  # noqa: N818 - control flow
    """`zipfile` asked for bytes before the kept tail."""


class _TailFile:
    """A file of `size` bytes of which only the last ones are known, for `zipfile`; seeking
    before the start fails as on a real file (OSError)."""

    def __init__(self, size: int, tail: bytes) -> None:
        self._size = size
        self._tail = tail
        self._start = size - len(tail)
        self._pos = 0

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        base = (0, self._pos, self._size)[whence]
        if base + offset < 0:
            raise OSError(errno.EINVAL, "Invalid argument")
        self._pos = base + offset
        return self._pos

    def tell(self) -> int:
        return self._pos

    def read(self, n: int | None = -1) -> bytes:
        end = self._size if n is None or n < 0 else min(self._size, self._pos + n)
        if end <= self._pos:
            return b""
        if self._pos < self._start:
            raise _Hole
        data = self._tail[self._pos - self._start : end - self._start]
        self._pos = end
        return data


class _Entry:
    """A local file header met in stream order, and what its data gave."""

    __slots__ = (
        "complete",
        "consumed",
        "crc",
        "data_start",
        "error",
        "fed",
        "flags",
        "method",
        "name",
        "offset",
        "over_limit",
        "produced",
    )

    def __init__(self, offset: int, flags: int, method: int, name: bytes, data_start: int):
        self.offset = offset
        self.flags = flags
        self.method = method
        self.name = name
        self.data_start = data_start
        self.fed = self.consumed = self.produced = self.crc = 0
        self.complete = self.over_limit = False
        self.error = ""


class ZipReading:
    """One attachment's bytes, read as the SDK's zip of one file.

    `feed` the decoded bytes in order, then `close`. After that: `problem` is None or
    (code, reason) to refuse the attachment with; else `unzipped` tells whether it is a zip of
    one file, whose bytes are in `content` (`keep=True`) or the file `target`, `size` long.
    A bytes that is not a zip, or a zip of several files, is left as it is (`unzipped` False).
    `discard` removes `target` if it is still there.
    """

    def __init__(self, limits: C.Limits, *, target: Path | None = None, keep: bool = False):
        self.limit = limits.max_attachment_bytes
        self.target = target
        self.keep = keep
        self.problem: tuple[str, str] | None = None
        self.unzipped = False
        self.size = 0
        self.content: bytes | None = None
        self._chunks: list[Bytes] = []
        self._out: IO[bytes] | None = None
        self._tail: deque[bytes] = deque()
        self._tail_size = 0
        self._total = 0
        self._state = _HEADER
        self._pending = b""
        self._next_at = 0  # where the next local header (or descriptor) begins
        self._entries: dict[int, _Entry] = {}
        self._entry: _Entry | None = None  # the one whose data is being read
        self._file: _Entry | None = None  # the first entry that is not a directory
        self._inflate: zlib._Decompress | None = None
        self._left = 0

    # -- reading ----------------------------------------------------------------------------
    def feed(self, decoded: bytes) -> None:
        if not decoded:
            return
        self._total += len(decoded)
        self._tail.append(decoded)
        self._tail_size += len(decoded)
        while self._tail_size - len(self._tail[0]) >= TAIL_BYTES:
            self._tail_size -= len(self._tail.popleft())
        data: Bytes = memoryview(decoded)  # slices without copies
        while data and self._state != _DONE:
            if self._state == _HEADER:
                data = self._header(data)
            elif self._state == _DATA:
                data = self._data(data)
            elif self._state == _STORED_TO_DESCRIPTOR:
                data = self._stored_to_descriptor(data)
            else:
                data = self._descriptor(data)

    def _header(self, data: Bytes) -> Bytes:
        buf = self._pending + bytes(data) if self._pending else data
        if len(buf) < _LOCAL_HEADER.size:
            self._pending = bytes(buf)
            return b""
        sig, _v, flags, method, _t, _d, _crc, csize, usize, n, m = _LOCAL_HEADER.unpack_from(buf)
        if sig != _LOCAL:
            self._state = _DONE  # not a zip from its first byte, or its central directory
            return b""
        need = _LOCAL_HEADER.size + n + m
        if len(buf) < need:
            self._pending = bytes(buf)
            return b""
        self._pending = b""
        name = bytes(buf[_LOCAL_HEADER.size : _LOCAL_HEADER.size + n])
        entry = _Entry(self._next_at, flags, method, name, self._next_at + need)
        self._entries[entry.offset] = entry
        self._entry = entry
        if self._file is None and not name.endswith(b"/"):
            self._file = entry
        if flags & (_ENCRYPTED | _UNSUPPORTED_FLAGS):
            self._state = _DONE
            return b""
        if method == _DEFLATED:
            self._inflate = zlib.decompressobj(-15)
        elif method == _STORED and not flags & _DATA_DESCRIPTOR:
            if csize == 0xFFFFFFFF or usize == 0xFFFFFFFF:
                sizes = _zip64_sizes(bytes(buf[_LOCAL_HEADER.size + n : need]), usize, csize)
                if sizes is None:
                    self._state = _DONE
                    return b""
                usize, csize = sizes
            self._inflate = None
            self._left = csize
        elif method == _STORED:
            self._inflate = None
            self._state = _STORED_TO_DESCRIPTOR
            return buf[need:]
        else:
            self._state = _DONE  # its end cannot be told while streaming
            return b""
        self._state = _DATA
        return buf[need:]

    def _data(self, data: Bytes) -> Bytes:
        entry = self._entry
        assert entry is not None
        inflate = self._inflate
        if inflate is None:  # stored
            take = data[: self._left]
            self._left -= len(take)
            entry.fed += len(take)
            self._emit(entry, take)
            if self._left or self._state == _DONE:
                return b""
            entry.consumed = entry.fed
            entry.complete = True
            return self._entry_end(entry, data[len(take) :])
        entry.fed += len(data)
        chunk = data
        while True:
            try:
                out = inflate.decompress(chunk, _INFLATE_STEP)
            except zlib.error as exc:
                entry.error = str(exc)
                self._state = _DONE
                return b""
            if out:
                self._emit(entry, out)
                if self._state == _DONE:
                    return b""
            if inflate.eof:
                rest = inflate.unused_data
                entry.consumed = entry.fed - len(rest)
                entry.complete = True
                self._inflate = None
                return self._entry_end(entry, rest)
            chunk = inflate.unconsumed_tail
            if not chunk and len(out) < _INFLATE_STEP:
                return b""  # all read, nothing held back (a full step may hold more)

    def _stored_to_descriptor(self, data: Bytes) -> Bytes:
        """A stored file of unknown size: it ends at the first descriptor signature followed by
        the CRC-32 and sizes of the bytes before it (`_HOLD` bytes are kept back until they can
        be told apart from the start of one)."""
        entry = self._entry
        assert entry is not None
        buf = self._pending + bytes(data)
        done = 0
        at = buf.find(_DESCRIPTOR)
        while at != -1 and at + _DESCRIPTOR_64.size <= len(buf):
            self._stored_bytes(entry, buf[done:at])
            if self._state == _DONE:
                return b""
            done = at
            if self._descriptor_fits(entry, buf, at):
                self._pending = b""
                entry.consumed = entry.produced = entry.fed
                entry.complete = True
                return self._entry_end(entry, buf[at:])
            at = buf.find(_DESCRIPTOR, at + 1)
        keep = max(done, len(buf) - _HOLD) if at == -1 else at
        self._stored_bytes(entry, buf[done:keep])
        self._pending = buf[keep:]
        return b""

    def _stored_bytes(self, entry: _Entry, data: Bytes) -> None:
        if data:
            entry.fed += len(data)
            self._emit(entry, data)

    def _descriptor_fits(self, entry: _Entry, buf: bytes, at: int) -> bool:
        crc = entry.crc if entry is self._file else None  # a directory's data is not summed
        _sig, d_crc, d_csize, d_usize = _DESCRIPTOR_32.unpack_from(buf, at)
        if d_csize == d_usize == entry.fed and (crc is None or d_crc == crc):
            return True
        _sig, d_crc, d_csize, d_usize = _DESCRIPTOR_64.unpack_from(buf, at)
        return d_csize == d_usize == entry.fed and (crc is None or d_crc == crc)

    def _emit(self, entry: _Entry, out: Bytes) -> None:
        entry.produced += len(out)
        if entry.produced > self.limit:
            entry.over_limit = True
            self._state = _DONE
            return
        if entry is not self._file:
            return  # a directory's (empty) data
        entry.crc = zlib.crc32(out, entry.crc)
        if self.keep:
            self._chunks.append(out)
        elif self.target is not None:
            if self._out is None:
                self._out = open(self.target, "wb")  # noqa: SIM115 - closed in close/discard
            self._out.write(out)

    def _entry_end(self, entry: _Entry, rest: Bytes) -> Bytes:
        if entry is self._file:
            self._state = _DONE  # what follows is not needed
            return b""
        self._next_at = entry.data_start + entry.consumed
        if entry.flags & _DATA_DESCRIPTOR:
            self._state = _AFTER_DESCRIPTOR
        else:
            self._state = _HEADER
        return rest

    def _descriptor(self, data: Bytes) -> Bytes:
        """Skip a data descriptor (after a directory entry): 12 or 20 bytes, 4 more with its
        optional signature; the one followed by a header is taken."""
        buf = self._pending + bytes(data) if self._pending else data
        if len(buf) < 28:
            self._pending = bytes(buf)
            return b""
        self._pending = b""
        for length in (16, 24) if buf[:4] == _DESCRIPTOR else (12, 20):
            if buf[length : length + 4] in (_LOCAL, _CENTRAL):
                self._next_at += length
                self._state = _HEADER
                return buf[length:]
        self._state = _DONE
        return b""

    # -- the decision -----------------------------------------------------------------------
    def close(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None
        tail = b"".join(self._tail)
        self._tail.clear()
        self._decide(_TailFile(self._total, tail))
        if self.unzipped and self.keep:
            self.content = b"".join(self._chunks)
        elif self.unzipped and self.target is not None:
            self.target.touch()  # an empty file was never opened
        self._chunks = []
        if not self.unzipped:
            self.discard()

    def _decide(self, view: _TailFile) -> None:
        try:
            if not zipfile.is_zipfile(view):
                return
            with zipfile.ZipFile(view) as zf:
                infos = zf.infolist()
                start_dir: int = zf.start_dir
        except _Hole:
            self.problem = (
                E.MALFORMED,
                f"thư mục trung tâm của tệp nén nằm xa hơn {TAIL_BYTES} byte tính từ cuối tệp",
            )
            return
        except Exception as exc:  # zipfile refuses a corrupt directory in many ways
            self.problem = (E.MALFORMED, f"không đọc được thư mục trung tâm ({_short(exc)})")
            return
        files = [info for info in infos if not info.is_dir()]
        if len(files) != 1:
            return  # not the SDK's form: the attachment is kept as it came
        info = files[0]
        if info.file_size > self.limit:
            self.problem = (E.ATTACHMENT_TOO_LARGE, "")
            return
        self.problem = self._differs(info, infos, start_dir)
        if self.problem is None:
            assert self._file is not None
            self.unzipped = True
            self.size = self._file.produced

    def _differs(
        self, info: zipfile.ZipInfo, infos: list[zipfile.ZipInfo], start_dir: int
    ) -> tuple[str, str] | None:
        """Why the file the directory names is not the one inflated (what zipfile checks
        while extracting it, and more), as (code, reason); None when it is."""
        entry = self._entries.get(info.header_offset)
        if entry is not None and entry is self._file and entry.over_limit:
            return E.ATTACHMENT_TOO_LARGE, ""
        reason = self._malformed(info, infos, start_dir, entry)
        return (E.MALFORMED, reason) if reason else None

    def _malformed(
        self,
        info: zipfile.ZipInfo,
        infos: list[zipfile.ZipInfo],
        start_dir: int,
        entry: _Entry | None,
    ) -> str:
        if entry is None or entry is not self._file:
            return "không có phần đầu tệp (local header) ở vị trí thư mục trung tâm ghi"
        if info.flag_bits & _ENCRYPTED or entry.flags & _ENCRYPTED:
            return "tệp nén có mật khẩu"
        if (info.flag_bits | entry.flags) & _UNSUPPORTED_FLAGS:
            return "dạng nén không được hỗ trợ"
        try:
            name = entry.name.decode("utf-8" if entry.flags & _UTF8_NAME else "cp437")
        except UnicodeDecodeError:
            name = None
        if name != info.orig_filename:
            return "tên tệp ở thư mục trung tâm và ở phần đầu tệp khác nhau"
        if info.compress_type not in (_STORED, _DEFLATED):
            return f"phương thức nén {info.compress_type} không được hỗ trợ (chỉ stored, deflate)"
        if info.compress_type != entry.method:
            return "phương thức nén ở thư mục trung tâm và ở phần đầu tệp khác nhau"
        if entry.error:
            return f"dữ liệu nén hỏng ({_short(entry.error)})"
        if not entry.complete:
            return "dữ liệu nén bị cắt cụt hoặc không đọc được theo thứ tự"
        if entry.consumed != info.compress_size or entry.produced != info.file_size:
            return "kích thước ghi trong thư mục trung tâm không khớp dữ liệu nén"
        if entry.crc != info.CRC:
            return "sai CRC-32"
        after = [i.header_offset for i in infos if i.header_offset > info.header_offset]
        if entry.data_start + entry.consumed > min([start_dir, *after]):
            return "dữ liệu nén chồng lên phần sau của tệp nén"
        return ""

    def discard(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None
        if self.target is not None:
            self.target.unlink(missing_ok=True)


def _zip64_sizes(extra: bytes, usize: int, csize: int) -> tuple[int, int] | None:
    """The sizes a zip64 extra field gives for those written 0xFFFFFFFF, or None."""
    at = 0
    while at + 4 <= len(extra):
        kind, length = struct.unpack_from("<2H", extra, at)
        if kind == 1:
            values = extra[at + 4 : at + 4 + length]
            fields = []
            for i in range(0, len(values) - 7, 8):
                fields.append(struct.unpack_from("<Q", values, i)[0])
            if usize == 0xFFFFFFFF:
                if not fields:
                    return None
                usize = fields.pop(0)
            if csize == 0xFFFFFFFF:
                if not fields:
                    return None
                csize = fields.pop(0)
            return usize, csize
        at += 4 + length
    return None


def _short(exc: object) -> str:
    return str(exc)[:200]
