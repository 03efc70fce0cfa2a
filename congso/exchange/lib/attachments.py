"""The attachments of a package: base64 content streamed to files (or only counted), then named
safely, unzipped when the SDK zipped a single file, and moved into the attachment directory.

The zip is read while the content is decoded (unzip.py), by `validate` as by `parse_*`: both
refuse a corrupt one with the same problem (`attachment_problems`).
"""

from __future__ import annotations

import binascii
import mimetypes
import shutil
import unicodedata
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from congso.exchange.lib import b64
from congso.exchange.lib import config as C
from congso.exchange.lib import errors as E
from congso.exchange.lib.errors import EdxmlError, Problem
from congso.exchange.lib.header_reader import _find, _text
from congso.exchange.lib.model import Attachment
from congso.exchange.lib.unzip import ZipReading
from congso.exchange.lib.xmlstream import ATTACHMENT_TEXT, Node

_NOT_BASE64 = (
    "Nội dung tệp đính kèm (AttachmentEncoded/Attachment/ContentTransferEncoded) "
    "không phải base64 hợp lệ."
)


# -- attachments ----------------------------------------------------------------------------


class _Base64ToFile:
    """Decodes base64 chunks to a file (or only counts when `directory` is None), reading the
    zip of each content that may have to be unzipped as it goes (`zips`)."""

    def __init__(
        self, directory: Path | None, limits: C.Limits, config: C.CodecConfig = C.DEFAULT_CONFIG
    ):
        self.directory = directory
        self.limits = limits
        self.config = config
        self.nodes: list[Node] = []  # the ContentTransferEncoded element of each content
        self.raw_files: list[Path | None] = []
        self.contents: list[bytes | None] = []  # decoded in memory (`whole`) instead of a file
        self.sizes: list[int] = []
        self.zips: list[ZipReading | None] = []
        self._fh: IO[bytes] | None = None
        self._zip: ZipReading | None = None
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
        self.nodes.append(node)
        self.contents.append(decoded if self.directory is not None else None)
        self.sizes.append(len(decoded))
        zipped = None
        if _may_unzip(node, self.config):
            zipped = ZipReading(self.limits, keep=self.directory is not None)
            zipped.feed(decoded)
            zipped.close()
        self.zips.append(zipped)

    def begin(self, node: Node) -> None:
        self._pending = b""
        self._size = 0
        self.nodes.append(node)
        self.contents.append(None)
        path = None
        if self.directory is not None:
            path = self.directory / f".edxml-{uuid.uuid4().hex}.part"
            self._fh = open(path, "wb")  # noqa: SIM115 - closed in finish/cleanup
        self.raw_files.append(path)
        self._zip = None
        if _may_unzip(node, self.config):
            target = path.with_name(path.name + ".unzipped") if path is not None else None
            self._zip = ZipReading(self.limits, target=target)
        self.zips.append(self._zip)

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
        if self._zip is not None:
            self._zip.feed(decoded)

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
        if self._zip is not None:
            self._zip.close()
            self._zip = None
        self.sizes.append(self._size)

    def cleanup(self) -> None:
        if self._fh is not None:
            self._fh.close()
        for path in self.raw_files:
            if path is not None:
                path.unlink(missing_ok=True)
        self.discard_unzipped()

    def discard_unzipped(self) -> None:
        for zipped in self.zips:
            if zipped is not None:
                zipped.discard()


def _may_unzip(content: Node, config: C.CodecConfig) -> bool:
    """Whether the attachment whose ContentTransferEncoded element `content` begins may be one
    `_unzip_wanted` unzips, from the elements before it (the content streams before the rest
    is read; in doubt, yes). Only the first ContentTransferEncoded of an Attachment is read."""
    if not config.unzip_attachments:
        return False
    attachment = content.parent
    if attachment is None or attachment.local != "Attachment":
        return False
    content_type: str | None = None
    name: str | None = None
    description: str | None = None
    for child in attachment.children:
        if child is content:
            break
        local = child.local
        if local == ATTACHMENT_TEXT:
            return False  # an earlier one is the attachment's content
        if local == "ContentType" and content_type is None:
            content_type = child.text
        elif local == "AttachmentName" and name is None:
            name = child.text
        elif local == "Description" and description is None:
            description = child.text
    if content_type is not None and content_type != "application/zip":
        return False
    if name:
        return not _safe_name(name, 0).lower().endswith(".zip")
    if name is not None and description is not None:
        # an empty AttachmentName: the Description names the file (or the generic name does)
        return not _safe_name(description, 0).lower().endswith(".zip")
    return True


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


def _attachment_nodes(root: Node) -> list[Node]:
    encoded = root.find("AttachmentEncoded") or _find(root, "AttachmentEncoded", 3)
    return encoded.findall("Attachment") if encoded is not None else []


def _unzip_wanted(attachment: Node, safe: str, config: C.CodecConfig) -> bool:
    """The SDK zipped this file (a `.zip` file travels as itself)."""
    return (
        config.unzip_attachments
        and _text(attachment, "ContentType") == "application/zip"
        and not safe.lower().endswith(".zip")
    )


def _read_attachments(
    root: Node, sink: _Base64ToFile
) -> Iterator[tuple[int, Node, int, str, str, ZipReading | None]]:
    """Each attachment with content: (position, Attachment element, its index in `sink`, its
    name, its safe file name, its zip reading when it is to be unzipped)."""
    index = {node: k for k, node in enumerate(sink.nodes)}
    for i, node in enumerate(_attachment_nodes(root)):
        content = node.find(ATTACHMENT_TEXT)
        if content is None:
            continue
        k = index[content]
        name = _text(node, "AttachmentName") or _text(node, "Description")
        safe = _safe_name(name, i)
        zipped = sink.zips[k] if _unzip_wanted(node, safe, sink.config) else None
        # _may_unzip said yes for every attachment _unzip_wanted unzips
        assert zipped is not None or not _unzip_wanted(node, safe, sink.config)
        yield i, node, k, name, safe, zipped


def attachment_problems(root: Node, sink: _Base64ToFile) -> list[Problem]:
    """What refuses the attachments once decoded: a zip that is corrupt, or whose file is over
    the attachment limit. `validate` reports these; `parse_*` refuses with them."""
    problems = []
    for i, _node, _k, _name, safe, zipped in _read_attachments(root, sink):
        if zipped is None or zipped.problem is None:
            continue
        code, reason = zipped.problem
        path = f"AttachmentEncoded/Attachment[{i + 1}]/ContentTransferEncoded"
        if code == E.ATTACHMENT_TOO_LARGE:
            message = (
                f"Tệp '{safe}' sau khi giải nén vượt giới hạn "
                f"{sink.limits.max_attachment_bytes} byte."
            )
        else:
            message = (
                f"Tệp đính kèm thứ {i + 1} ('{safe}') là tệp nén (application/zip) "
                f"không giải nén được: {reason}."
            )
        problems.append(Problem(code, message, path))
    return problems


def _finish_attachments(root: Node, sink: _Base64ToFile, directory: Path) -> tuple[Attachment, ...]:
    """Name, unzip and place each attachment; on error, none of them is left in `directory`."""
    result: list[Attachment] = []
    try:
        problems = attachment_problems(root, sink)
        if problems:
            raise EdxmlError.from_problems(problems)
        for _i, node, k, name, safe, zipped in _read_attachments(root, sink):
            raw, content, size = sink.raw_files[k], sink.contents[k], sink.sizes[k]
            content_type = _text(node, "ContentType")
            if zipped is not None and zipped.unzipped:
                # the SDK's zip of one file: that file instead
                if raw is not None and zipped.target is not None:
                    raw.unlink()
                    raw = zipped.target
                content = zipped.content if content is not None else None
                size = zipped.size
                content_type = mimetypes.guess_type(safe)[0] or "application/octet-stream"
            final = _unique(directory, safe)
            result.append(_attachment(node, name, safe, content_type, final, size))
            if content is not None:
                final.write_bytes(content)
            else:
                assert raw is not None
                shutil.move(raw, final)
    except BaseException:
        for placed in result:
            placed.path.unlink(missing_ok=True)
        raise
    finally:
        sink.discard_unzipped()
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
