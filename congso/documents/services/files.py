"""Content-addressed file intake: validate, hash, store once, never rewrite.

Steps (each a small function; the order is the contract):
1. `safe_file_name` — strip paths and control characters from the name the user gave.
2. `_spool` — copy the upload to a temporary file in chunks while hashing it (memory stays flat).
3. `sniff_media_type` — decide the type from the bytes, never from the name.
4. `_inspect` — a PDF must parse (page count, text layer); a DOCX must open (text).
5. `_publish` — move the temporary file to blobs/<aa>/<bb>/<sha256> if it is not there yet.
6. the `StoredFile` row (get or create by hash).

The blob is written before the database row: a rollback can leave an unreferenced blob (harmless,
collectable), never a row without its bytes.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import IntegrityError, transaction

from congso.documents.errors import FileRejected
from congso.documents.models import StoredFile

CHUNK = 1024 * 1024
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"
ACCEPTED_TYPES = (PDF, DOCX, PNG, JPEG, TIFF)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_TEXT_CHARS = 2_000_000


@dataclass(frozen=True)
class Inspection:
    page_count: int | None
    text: str


def max_upload_bytes() -> int:
    return int(getattr(settings, "CONGSO_UPLOAD_MAX_BYTES", 50 * 1024 * 1024))


def blob_path(sha256: str) -> Path:
    return Path(settings.MEDIA_ROOT) / "blobs" / sha256[:2] / sha256[2:4] / sha256


def safe_file_name(name: str) -> str:
    """The last path component, NFC, without control characters; rejects what is left empty."""
    cleaned = unicodedata.normalize("NFC", name or "")
    cleaned = _CONTROL.sub("", cleaned).replace("\\", "/")
    cleaned = cleaned.rsplit("/", 1)[-1].strip().lstrip(".").strip()
    if not cleaned or cleaned in {".", ".."}:
        raise FileRejected("Tên tệp không hợp lệ.", code="invalid_file_name", field="file")
    return cleaned[:255]


def sniff_media_type(head: bytes, path: Path) -> str:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return TIFF
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                if "word/document.xml" in archive.namelist():
                    return DOCX
        except zipfile.BadZipFile:
            pass
    raise FileRejected(
        "Định dạng tệp không được hỗ trợ. Chấp nhận: PDF, DOCX, PNG, JPEG, TIFF.",
        code="unsupported_file_type",
        field="file",
    )


def _spool(stream: BinaryIO, limit: int) -> tuple[Path, str, int]:
    media_root = Path(settings.MEDIA_ROOT)
    (media_root / "tmp").mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(dir=media_root / "tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise FileRejected(
                        f"Tệp vượt quá dung lượng cho phép ({limit // (1024 * 1024)} MB).",
                        code="file_too_large",
                        field="file",
                    )
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    if size == 0:
        Path(tmp_name).unlink(missing_ok=True)
        raise FileRejected("Tệp rỗng.", code="empty_file", field="file")
    return Path(tmp_name), digest.hexdigest(), size


def _inspect(path: Path, media_type: str) -> Inspection:
    if media_type == PDF:
        return _inspect_pdf(path)
    if media_type == DOCX:
        return _inspect_docx(path)
    return Inspection(page_count=1, text="")


def _inspect_pdf(path: Path) -> Inspection:
    # an open file, not the path: pypdf reads a path whole into memory; a handle is read lazily
    # (xref, page tree, content streams), so a large attachment is never held in memory
    with path.open("rb") as handle:
        return _inspect_pdf_handle(handle)


def _inspect_pdf_handle(handle: BinaryIO) -> Inspection:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(handle, strict=False)
        if reader.is_encrypted:
            raise FileRejected(
                "Tệp PDF được mã hóa, không thể đọc.", code="encrypted_pdf", field="file"
            )
        pages = len(reader.pages)
        parts: list[str] = []
        length = 0
        for page in reader.pages:
            if length >= MAX_TEXT_CHARS:
                break
            text = page.extract_text() or ""
            parts.append(text)
            length += len(text)
    except FileRejected:
        raise
    except (
        PdfReadError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        RecursionError,
        OSError,
        AssertionError,
    ) as exc:
        raise FileRejected(
            "Tệp PDF bị hỏng hoặc không đọc được.", code="unreadable_pdf", field="file"
        ) from exc
    if pages == 0:
        raise FileRejected("Tệp PDF không có trang nào.", code="unreadable_pdf", field="file")
    return Inspection(page_count=pages, text="\n".join(parts)[:MAX_TEXT_CHARS])


def _inspect_docx(path: Path) -> Inspection:
    import docx

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises many types on damaged files
        raise FileRejected(
            "Tệp DOCX bị hỏng hoặc không đọc được.", code="unreadable_docx", field="file"
        ) from exc
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    return Inspection(page_count=None, text=text[:MAX_TEXT_CHARS])


def _publish(tmp: Path, sha256: str) -> None:
    target = blob_path(sha256)
    if target.exists():
        tmp.unlink(missing_ok=True)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(tmp, 0o440)
    os.replace(tmp, target)


def stored_file_put(*, stream: BinaryIO, limit: int | None = None) -> StoredFile:
    """Store an upload once by its SHA-256 and return its row (existing or new)."""
    tmp, sha256, size = _spool(stream, max_upload_bytes() if limit is None else limit)
    try:
        with tmp.open("rb") as handle:
            head = handle.read(16)
        media_type = sniff_media_type(head, tmp)
        existing = StoredFile.objects.filter(sha256=sha256).first()
        if existing is not None:
            tmp.unlink(missing_ok=True)
            return existing
        inspection = _inspect(tmp, media_type)
        _publish(tmp, sha256)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    try:
        with transaction.atomic():
            return StoredFile.objects.create(
                sha256=sha256,
                size=size,
                media_type=media_type,
                page_count=inspection.page_count,
                text_content=inspection.text,
            )
    except IntegrityError:
        return StoredFile.objects.get(sha256=sha256)


def stored_file_put_bytes(*, data: bytes, limit: int | None = None) -> StoredFile:
    return stored_file_put(stream=io.BytesIO(data), limit=limit)


def stored_file_contains(stored_file: StoredFile, marker: bytes) -> bool:
    """Whether the stored bytes contain `marker`, read in chunks (memory stays flat)."""
    overlap = len(marker) - 1
    tail = b""
    with stored_file_open(stored_file) as handle:
        while chunk := handle.read(CHUNK):
            if marker in tail + chunk:
                return True
            tail = chunk[-overlap:] if overlap else b""
    return False


def stored_file_open(stored_file: StoredFile) -> BinaryIO:
    return blob_path(stored_file.sha256).open("rb")


def stored_file_read(stored_file: StoredFile) -> bytes:
    with stored_file_open(stored_file) as handle:
        return handle.read()
