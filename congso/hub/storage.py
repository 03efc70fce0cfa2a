"""Package bytes on disk: streamed to a temporary file, then kept by SHA-256 (never rewritten).

A small package's bytes are also kept in memory while its request is handled (`Upload.data`),
so the codec reads them without opening the file again (envelope, then the whole package)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import SuspiciousOperation, TooManyFilesSent
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParser, MultiPartParserError

from congso.hub import conf
from congso.hub.errors import HubBatchInvalid, HubTooLarge

CHUNK_SIZE = 1024 * 1024
# A package up to this size is also kept in memory for its reading (the codec's in-memory
# reader takes at most 2 MB: exchange/lib/fastread.py), and a request keeps at most
# `REQUEST_MEMORY_BYTES` of them (the hub's waitress already holds bodies up to 16 MB).
MEMORY_PACKAGE_BYTES = 2 * 1024 * 1024
REQUEST_MEMORY_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class Upload:
    path: Path
    sha256: str
    size: int
    data: bytes | None = None  # the same bytes as `path`, for a small package

    @property
    def source(self) -> bytes | Path:
        """What the codec reads: the bytes when in memory, else the file."""
        return self.data if self.data is not None else self.path

    def discard(self) -> None:
        """Remove the temporary file if the package was not kept (no-op once stored)."""
        self.path.unlink(missing_ok=True)


def _too_large(limit: int) -> HubTooLarge:
    return HubTooLarge(
        f"Gói tin vượt quá giới hạn {limit // (1024 * 1024)} MB của trục.",
        details={"limit_bytes": limit},
    )


def _tmp_dir() -> Path:
    tmp_dir = conf.store_dir() / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    return tmp_dir


class _TempPackage:
    """A temporary file under the store's tmp/ directory, hashed and sized while written."""

    def __init__(self, limit: int, tmp_dir: Path | None = None, *, keep: int = 0) -> None:
        if tmp_dir is None:
            tmp_dir = _tmp_dir()
        self._limit = limit
        self._keep = keep  # the bytes are also kept in memory while within this size
        self._chunks: list[bytes] | None = [] if keep > 0 else None
        self._digest = hashlib.sha256()
        fd, name = tempfile.mkstemp(dir=tmp_dir, prefix="in-")
        self._handle = os.fdopen(fd, "wb")  # closed in finish/abort
        self.path = Path(name)
        self.size = 0

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self._limit:
            raise _too_large(self._limit)
        self._digest.update(chunk)
        self._handle.write(chunk)
        if self._chunks is not None:
            if self.size > self._keep:
                self._chunks = None
            else:
                self._chunks.append(bytes(chunk))

    def finish(self) -> Upload:
        self._handle.close()
        data = None if self._chunks is None else b"".join(self._chunks)
        return Upload(path=self.path, sha256=self._digest.hexdigest(), size=self.size, data=data)

    def abort(self) -> None:
        self._handle.close()
        self.path.unlink(missing_ok=True)


def upload_receive(read: Callable[[int], bytes], *, declared_length: int | None) -> Upload:
    """Copy a request body to a temporary file chunk by chunk, hashing as it goes.

    The body is never held in memory; a declared or actual size over HUB_MAX_PACKAGE_BYTES stops
    the copy with 413 `hub_too_large` and leaves nothing behind.
    """
    limit = conf.max_package_bytes()
    if declared_length is not None and declared_length > limit:
        raise _too_large(limit)
    package = _TempPackage(limit, keep=MEMORY_PACKAGE_BYTES)
    try:
        while chunk := read(CHUNK_SIZE):
            package.write(chunk)
    except BaseException:
        package.abort()
        raise
    return package.finish()


class _ReceivedPart(UploadedFile):
    """What the multipart parser files away for a part: the bytes are already in `upload.path`."""

    def __init__(self, upload: Upload) -> None:
        super().__init__(file=None, size=upload.size)
        self.upload = upload

    def close(self) -> None:
        """Nothing is open: the part's file was closed when it was complete."""


class _PackageParts(FileUploadHandler):
    """Writes each file part named `field` to its own temporary package file, in order."""

    chunk_size = CHUNK_SIZE

    def __init__(self, *, field: str, max_items: int, limit: int) -> None:
        super().__init__()
        self.field = field
        self.max_items = max_items
        self.limit = limit
        self.uploads: list[Upload] = []
        self.current: _TempPackage | None = None
        self._count = 0
        self._tmp_dir: Path | None = None  # made once per request, on the first part
        self._memory_left = REQUEST_MEMORY_BYTES

    def new_file(self, field_name: str, *args: Any, **kwargs: Any) -> None:
        if field_name != self.field:
            raise HubBatchInvalid(
                f"Phần '{field_name}' không được nhận; các gói tin phải gửi trong phần "
                f"'{self.field}'.",
                details={"part": field_name},
            )
        self._count += 1
        if self._count > self.max_items:
            raise _too_many(self.max_items)
        if self._tmp_dir is None:
            self._tmp_dir = _tmp_dir()
        keep = min(MEMORY_PACKAGE_BYTES, self._memory_left)
        self.current = _TempPackage(self.limit, self._tmp_dir, keep=keep)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        assert self.current is not None
        self.current.write(raw_data)

    def file_complete(self, file_size: int) -> _ReceivedPart:
        assert self.current is not None
        upload = self.current.finish()
        self.current = None
        if upload.data is not None:
            self._memory_left -= upload.size
        self.uploads.append(upload)
        return _ReceivedPart(upload)

    def discard(self) -> None:
        if self.current is not None:
            self.current.abort()
        for upload in self.uploads:
            upload.discard()


def _too_many(limit: int) -> HubBatchInvalid:
    return HubBatchInvalid(f"Một lần gửi có tối đa {limit} gói tin.", details={"max_items": limit})


def uploads_receive_parts(request: HttpRequest, *, field: str) -> list[Upload]:
    """Stream the file parts named `field` of a multipart/form-data body to temporary files.

    Order is kept; no part is held in memory. A body declared over HUB_MAX_PACKAGE_BYTES is
    refused before reading (413 `hub_too_large`); a body that is not multipart, holds no such
    part, more than HUB_BATCH_MAX_ITEMS of them, a part under another name, a `field` that is not
    a file part, or a body cut inside a part is 400 `hub_batch_invalid`. Nothing is left behind
    when refused; the caller discards the uploads it gets.
    """
    limit = conf.max_package_bytes()
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise _too_large(limit)
    parts = _PackageParts(field=field, max_items=conf.batch_max_items(), limit=limit)
    try:
        try:
            fields, _files = MultiPartParser(request.META, request, [parts]).parse()
        except (MultiPartParserError, SuspiciousOperation) as exc:
            if isinstance(exc, TooManyFilesSent):
                raise _too_many(parts.max_items) from exc
            raise HubBatchInvalid(
                f"Thân yêu cầu phải là multipart/form-data với các phần tệp '{field}'."
            ) from exc
        if parts.current is not None:
            raise HubBatchInvalid("Thân yêu cầu bị cắt giữa một gói tin.")
        if field in fields:
            raise HubBatchInvalid(f"Phần '{field}' phải là tệp (có filename).")
        if not parts.uploads:
            raise HubBatchInvalid(f"Không có gói tin nào trong phần '{field}'.")
    except BaseException:
        parts.discard()
        raise
    return parts.uploads


def relative_store_path(sha256: str) -> str:
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


def upload_keep(upload: Upload) -> str:
    """Move the upload to its content address; identical bytes already there are reused."""
    relative = relative_store_path(upload.sha256)
    target = conf.store_dir() / relative
    if target.exists():
        upload.discard()
        return relative
    try:
        os.replace(upload.path, target)
    except FileNotFoundError:
        if not upload.path.exists():
            raise
        target.parent.mkdir(parents=True, exist_ok=True)  # the first package of its folder
        os.replace(upload.path, target)
    return relative


def stored_file(relative: str) -> Path:
    return conf.store_dir() / relative
