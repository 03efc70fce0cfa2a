"""The attachments of a package: base64 content streamed to files (or only counted), then named
safely, unzipped when the SDK zipped a single file, and moved into the attachment directory.
"""

from __future__ import annotations

import binascii
import io
import mimetypes
import shutil
import unicodedata
import uuid
import zipfile
from pathlib import Path
from typing import IO

from congso.exchange.lib import b64
from congso.exchange.lib import config as C
from congso.exchange.lib import errors as E
from congso.exchange.lib.errors import EdxmlError
from congso.exchange.lib.header_reader import _find, _text
from congso.exchange.lib.model import Attachment
from congso.exchange.lib.xmlstream import Node

_NOT_BASE64 = (
    "Nội dung tệp đính kèm (AttachmentEncoded/Attachment/ContentTransferEncoded) "
    "không phải base64 hợp lệ."
)


# -- attachments ----------------------------------------------------------------------------


class _Base64ToFile:
    """Decodes base64 chunks to a file (or only counts when `directory` is None)."""

    def __init__(self, directory: Path | None, limits: C.Limits):
        self.directory = directory
        self.limits = limits
        self.raw_files: list[Path | None] = []
        self.contents: list[bytes | None] = []  # decoded in memory (`whole`) instead of a file
        self.sizes: list[int] = []
        self._fh: IO[bytes] | None = None
        self._pending = b""
        self._size = 0

    def whole(self, node: Node, text: str) -> None:
        """`begin`, `data(text)`, `finish` for content read whole (a small package read in
        memory): decoded in memory, no file. Raises EdxmlError where the three calls would
        (the in-memory reader then reads the package again, streaming)."""
        self.raw_files.append(None)
        try:
            compact = b64.without_whitespace(text)
        except UnicodeEncodeError:
            raise EdxmlError(E.MALFORMED, "ContentTransferEncoded: base64") from None
        if len(compact) % 4:
            raise EdxmlError(E.MALFORMED, "ContentTransferEncoded: base64 length")
        try:
            decoded = b64.decode_strict(compact)
        except (binascii.Error, ValueError):
            raise EdxmlError(E.MALFORMED, "ContentTransferEncoded: base64") from None
        if len(decoded) > self.limits.max_attachment_bytes:
            raise EdxmlError(E.ATTACHMENT_TOO_LARGE, "ContentTransferEncoded: size")
        self.contents.append(decoded if self.directory is not None else None)
        self.sizes.append(len(decoded))

    def begin(self, node: Node) -> None:
        self._pending = b""
        self._size = 0
        self.contents.append(None)
        if self.directory is not None:
            path = self.directory / f".edxml-{uuid.uuid4().hex}.part"
            self._fh = open(path, "wb")  # noqa: SIM115 - closed in finish/cleanup
            self.raw_files.append(path)
        else:
            self.raw_files.append(None)

    def data(self, chunk: str) -> None:
        try:
            text = self._pending + b64.without_whitespace(chunk)
        except UnicodeEncodeError:
            raise EdxmlError(E.MALFORMED, _NOT_BASE64) from None
        usable = len(text) - len(text) % 4
        self._pending = text[usable:]
        if usable:
            self._write(text[:usable])

    def _write(self, text: bytes) -> None:
        try:
            decoded = b64.decode_strict(text)
        except (binascii.Error, ValueError):
            raise EdxmlError(E.MALFORMED, _NOT_BASE64) from None
        self._size += len(decoded)
        if self._size > self.limits.max_attachment_bytes:
            raise EdxmlError(
                E.ATTACHMENT_TOO_LARGE,
                f"Tệp đính kèm thứ {len(self.raw_files)} vượt giới hạn "
                f"{self.limits.max_attachment_bytes} byte.",
            )
        if self._fh is not None:
            self._fh.write(decoded)

    def finish(self, node: Node) -> None:
        if self._pending:
            raise EdxmlError(
                E.MALFORMED,
                "Nội dung tệp đính kèm (ContentTransferEncoded) không phải base64 hợp lệ "
                "(độ dài không chia hết cho 4).",
            )
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        self.sizes.append(self._size)

    def cleanup(self) -> None:
        if self._fh is not None:
            self._fh.close()
        for path in self.raw_files:
            if path is not None:
                path.unlink(missing_ok=True)


def _safe_name(name: str, index: int) -> str:
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*').strip(" .")
    return name[:200] or f"tep-dinh-kem-{index + 1}"


def _unique(directory: Path, name: str) -> Path:
    path = directory / name
    stem, suffix = path.stem, path.suffix
    n = 1
    while path.exists():
        path = directory / f"{stem}-{n}{suffix}"
        n += 1
    return path


def _single_member(zf: zipfile.ZipFile, name: str, limits: C.Limits) -> zipfile.ZipInfo | None:
    """The one file of the SDK's zip (None: not that form), refused when it declares more than
    the attachment limit (the bytes are counted again while unzipping)."""
    members = [m for m in zf.infolist() if not m.is_dir()]
    if len(members) != 1:
        return None
    member = members[0]
    if member.file_size > limits.max_attachment_bytes:
        raise EdxmlError(
            E.ATTACHMENT_TOO_LARGE,
            f"Tệp '{name}' sau khi giải nén vượt giới hạn {limits.max_attachment_bytes} byte.",
        )
    return member


def _unzip_single(raw: Path, name: str, limits: C.Limits) -> Path | None:
    """If `raw` is the SDK's zip of one file, extract that file next to it (bounded)."""
    if not zipfile.is_zipfile(raw):
        return None
    with zipfile.ZipFile(raw) as zf:
        member = _single_member(zf, name, limits)
        if member is None:
            return None
        target = raw.with_name(raw.name + ".unzipped")
        written = 0
        with zf.open(member) as src, open(target, "wb") as dst:
            while chunk := src.read(limits.chunk_size):
                written += len(chunk)
                if written > limits.max_attachment_bytes:
                    dst.close()
                    target.unlink(missing_ok=True)
                    raise EdxmlError(
                        E.ATTACHMENT_TOO_LARGE,
                        f"Tệp '{name}' sau khi giải nén vượt giới hạn "
                        f"{limits.max_attachment_bytes} byte.",
                    )
                dst.write(chunk)
        return target


def _unzip_single_bytes(raw: bytes, name: str, limits: C.Limits) -> bytes | None:
    """`_unzip_single` for an attachment decoded in memory: the same checks, in the same order."""
    source = io.BytesIO(raw)
    if not zipfile.is_zipfile(source):
        return None
    with zipfile.ZipFile(source) as zf:
        member = _single_member(zf, name, limits)
        if member is None:
            return None
        chunks = []
        written = 0
        with zf.open(member) as src:
            while chunk := src.read(limits.chunk_size):
                written += len(chunk)
                if written > limits.max_attachment_bytes:
                    raise EdxmlError(
                        E.ATTACHMENT_TOO_LARGE,
                        f"Tệp '{name}' sau khi giải nén vượt giới hạn "
                        f"{limits.max_attachment_bytes} byte.",
                    )
                chunks.append(chunk)
        return b"".join(chunks)


def _attachment_nodes(root: Node) -> list[Node]:
    encoded = root.find("AttachmentEncoded") or _find(root, "AttachmentEncoded", 3)
    return encoded.findall("Attachment") if encoded is not None else []


def _finish_attachments(
    root: Node, sink: _Base64ToFile, directory: Path, limits: C.Limits, config: C.CodecConfig
) -> tuple[Attachment, ...]:
    """Name, unzip and place each attachment; on error, none of them is left in `directory`."""
    nodes = _attachment_nodes(root)
    result: list[Attachment] = []
    raws = iter(zip(sink.raw_files, sink.contents, sink.sizes, strict=True))
    try:
        for i, node in enumerate(nodes):
            if node.find("ContentTransferEncoded") is None:
                continue
            raw, content, size = next(raws)
            name = _text(node, "AttachmentName") or _text(node, "Description")
            safe = _safe_name(name, i)
            declared = _text(node, "ContentType")
            content_type = declared
            unzip = config.unzip_attachments and (
                declared == "application/zip" and not safe.lower().endswith(".zip")
            )
            if content is not None:
                if unzip:
                    unzipped_bytes = _unzip_single_bytes(content, safe, limits)
                    if unzipped_bytes is not None:
                        content = unzipped_bytes
                        size = len(content)
                        content_type = mimetypes.guess_type(safe)[0] or "application/octet-stream"
                final = _unique(directory, safe)
                result.append(_attachment(node, name, safe, content_type, final, size))
                final.write_bytes(content)
                continue
            assert raw is not None
            path = raw
            if unzip:
                unzipped = _unzip_single(raw, safe, limits)
                if unzipped is not None:
                    raw.unlink()
                    path = unzipped
                    size = path.stat().st_size
                    content_type = mimetypes.guess_type(safe)[0] or "application/octet-stream"
            final = _unique(directory, safe)
            shutil.move(path, final)
            result.append(_attachment(node, name, safe, content_type, final, size))
    except BaseException:
        for placed in result:
            placed.path.unlink(missing_ok=True)
        raise
    return tuple(result)


def _attachment(
    node: Node, name: str, safe: str, content_type: str, path: Path, size: int
) -> Attachment:
    return Attachment(
        name=name or safe,
        content_type=content_type or "application/octet-stream",
        path=path,
        size=size,
        description=_text(node, "Description"),
        content_id=_text(node, "ContentId"),
    )
