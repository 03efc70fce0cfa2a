"""Content-addressed file intake: validate, hash, store once, never rewrite.

Steps (each a small function; the order is the contract):
1. `safe_file_name` — strip paths and control characters from the name the user gave.
2. `_spool` — copy the upload to a temporary file in chunks while hashing it (memory stays flat).
3. `sniff_media_type` — decide the type from the bytes, never from the name.
4. `_inspect` — a PDF must parse (not encrypted, page count > 0); a DOCX must open (text).
5. `_publish` — move the temporary file to blobs/<aa>/<bb>/<sha256> if it is not there yet.
6. the `StoredFile` row (get, or insert by hash: `ON CONFLICT DO NOTHING`, no savepoint).
7. after commit — a PDF's text layer (`stored_files_text_fill`, the task
   `documents.tasks.stored_files_text_fill`): one task per transaction for all the PDFs it stored,
   which then refreshes the search entries of the documents holding them.

Every check that can refuse a file runs before anything is written (1–4). Only the text of a PDF
comes later: extracting it (`pdf_text`, PDFium) still costs a few ms of CPU for a công văn with
embedded font subsets, too much to hold the caller's transaction (and its locks) for. Until the task
ran, a PDF's `text_content` is empty; a PDF whose text cannot be extracted keeps it empty (logged)
and its document stays as registered, findable by its fields. A trusted internal caller that
extracted the text before its transaction (`pdf_text_known`: the exchange connector, for an
arrival's PDFs) passes it to `stored_file_put`: the row is stored with it and no task follows.
So does a small PDF the platform renders or signs itself (`stored_file_put_bytes(text_now=True)`,
`pdf_text_now`: at most TEXT_NOW_MAX_PAGES pages, a few ms): the document's search entry is then
built once, already with the text, instead of again by the task.

The blob is written before the database row: a rollback can leave an unreferenced blob (harmless,
collectable), never a row without its bytes.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import tempfile
import threading
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Field, Model
from django.utils import timezone

from congso.core.streams import stream_holds
from congso.documents.errors import FileRejected
from congso.documents.models import StoredFile

logger = logging.getLogger(__name__)

CHUNK = 1024 * 1024
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"
ACCEPTED_TYPES = (PDF, DOCX, PNG, JPEG, TIFF)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_TEXT_CHARS = 2_000_000
KNOWN_TEXT_MAX_BYTES = 16 * 1024 * 1024  # `pdf_text_known` reads a file whole
# `pdf_text_now` (~3 ms of CPU a page, inside the caller's transaction): a larger PDF of ours
# gets its text after commit, like an upload
TEXT_NOW_MAX_PAGES = 5


@dataclass(frozen=True)
class Inspection:
    page_count: int | None
    text: str


@dataclass(frozen=True)
class KnownText:
    """The text layer of a PDF extracted before it is stored, tied to the SHA-256 of the very
    bytes it was extracted from (`stored_file_put` takes it only for those bytes)."""

    sha256: str
    text: str
    # PDFium's page count of these bytes when it opened them as a plain, unencrypted PDF with
    # at least one page: `stored_file_put` then needs no second reader to inspect them
    page_count: int | None = None


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


PDF_MAGIC = b"%PDF-"


def is_pdf_file(path: Path) -> bool:
    """The file starts as a PDF does (what `sniff_media_type` types PDF)."""
    with path.open("rb") as handle:
        return handle.read(len(PDF_MAGIC)) == PDF_MAGIC


def sniff_media_type(head: bytes, path: Path) -> str:
    if head.startswith(PDF_MAGIC):
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


def _inspect(path: Path, media_type: str, known: KnownText | None = None) -> Inspection:
    if media_type == PDF:
        if known is not None and known.page_count:  # PDFium read it whole: plain, has pages
            return Inspection(page_count=known.page_count, text="")
        return _inspect_pdf(path)
    if media_type == DOCX:
        return _inspect_docx(path)
    return Inspection(page_count=1, text="")


def _inspect_pdf(path: Path) -> Inspection:
    # an open file, not the path: pypdf reads a path whole into memory; a handle is read lazily
    # (xref, page tree, content streams), so a large attachment is never held in memory
    with path.open("rb") as handle:
        return _inspect_pdf_handle(handle)


# What pypdf raises on a damaged file besides its own PdfReadError (added where pypdf is imported,
# lazily): it has no single error type for a broken file.
_PDF_ERRORS: tuple[type[Exception], ...] = (
    ValueError,
    KeyError,
    TypeError,
    AttributeError,
    IndexError,
    RecursionError,
    OSError,
    AssertionError,
)


def _inspect_pdf_handle(handle: BinaryIO) -> Inspection:
    """Refuse what cannot be registered (damaged, encrypted, no page); the text comes later."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(handle, strict=False)
        if reader.is_encrypted:
            raise FileRejected(
                "Tệp PDF được mã hóa, không thể đọc.", code="encrypted_pdf", field="file"
            )
        pages = len(reader.pages)
    except FileRejected:
        raise
    except (PdfReadError, *_PDF_ERRORS) as exc:  # type: ignore[misc]
        raise FileRejected(
            "Tệp PDF bị hỏng hoặc không đọc được.", code="unreadable_pdf", field="file"
        ) from exc
    if pages == 0:
        raise FileRejected("Tệp PDF không có trang nào.", code="unreadable_pdf", field="file")
    return Inspection(page_count=pages, text="")


# PDFium (pypdfium2) is not thread-safe: one call into it at a time in a process.
PDFIUM_LOCK = threading.Lock()


def pdf_text(source: Path | bytes) -> str:
    """The text layer of a PDF (its path or its bytes), page by page, at most MAX_TEXT_CHARS;
    raises what `_pdf_text_errors` names on a damaged file.

    PDFium (C) rather than pypdf: on the ReportLab PDFs this platform renders (embedded font
    subsets) pypdf spends ~20-30 ms of CPU on a one-page công văn, mostly parsing fonts and
    CMaps in Python; PDFium ~3 ms. Line breaks come out as LF (PDFium writes CR LF); NUL
    is dropped (a PostgreSQL text cannot hold it). From a path, PDFium reads the file itself,
    in pieces."""
    read = _pdfium_text(source, max_pages=None)
    assert read is not None
    return read.text


class _PdfiumRead(NamedTuple):
    text: str
    page_count: int | None  # as `KnownText.page_count` wants it: None if encrypted or page-less


def _pdfium_text(source: Path | bytes, *, max_pages: int | None) -> _PdfiumRead | None:
    """`pdf_text` and the page count; None, without reading any page, for a PDF of more than
    `max_pages` pages."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    parts: list[str] = []
    length = 0
    with PDFIUM_LOCK:
        document = pdfium.PdfDocument(source)
        try:
            pages = len(document)
            if max_pages is not None and pages > max_pages:
                return None
            plain = pdfium_c.FPDF_GetSecurityHandlerRevision(document.raw) == -1
            for index in range(pages):
                if length >= MAX_TEXT_CHARS:
                    break
                text = _pdfium_page_text(document, index)
                parts.append(text)
                length += len(text)
        finally:
            document.close()
    return _PdfiumRead("\n".join(parts)[:MAX_TEXT_CHARS], pages if plain and pages > 0 else None)


def _pdfium_page_text(document: Any, index: int) -> str:
    page = document[index]
    try:
        textpage = page.get_textpage()
        try:
            text: str = textpage.get_text_bounded()
        finally:
            textpage.close()
    finally:
        page.close()
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def _pdf_text_errors() -> tuple[type[Exception], ...]:
    """What `pdf_text` raises on a damaged or unreadable file: PDFium's error (a document or
    page it cannot load) and the plain errors of reading a file."""
    from pypdfium2 import PdfiumError

    return (PdfiumError, *_PDF_ERRORS)


def pdf_text_known(path: Path) -> KnownText | None:
    """The text of the PDF at `path` tied to the hash of the bytes it was read from (read once,
    whole), for `stored_file_put(text=...)`; "" when it cannot be extracted (logged: the
    after-commit task would fail the same way). None — its text then follows after commit, read
    by PDFium from the blob in pieces — for a file larger than KNOWN_TEXT_MAX_BYTES (or than
    an upload may be: it will be refused), which is not read into memory."""
    if path.stat().st_size > min(KNOWN_TEXT_MAX_BYTES, max_upload_bytes()):
        return None
    data = path.read_bytes()
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        read = _pdfium_text(data, max_pages=None)
        assert read is not None
        return KnownText(sha256=sha256, text=read.text, page_count=read.page_count)
    except _pdf_text_errors() as exc:
        _text_failure_log(None, sha256, exc)
        return KnownText(sha256=sha256, text="")


def pdf_text_now(data: bytes) -> KnownText | None:
    """The text of a small PDF the platform made itself (rendered, signed: in memory as bytes),
    for `stored_file_put(text=...)`, so that it is stored with its text and no task follows.

    None — its text then follows after commit, as for any PDF — for bytes that are not a PDF,
    a PDF of more than TEXT_NOW_MAX_PAGES pages (its extraction would hold the caller's
    transaction too long) and a PDF whose text cannot be extracted (logged): extracting it
    never fails the caller."""
    if not data.startswith(PDF_MAGIC):
        return None
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        read = _pdfium_text(data, max_pages=TEXT_NOW_MAX_PAGES)
    except Exception as exc:  # any error: extracting never fails the caller (the task retries)
        _text_failure_log(None, sha256, exc)
        return None
    if read is None:
        return None
    return KnownText(sha256=sha256, text=read.text, page_count=read.page_count)


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


def _text_pending(stored: StoredFile) -> bool:
    return stored.media_type == PDF and not stored.text_content


def stored_file_put(
    *, stream: BinaryIO, limit: int | None = None, text: KnownText | None = None
) -> StoredFile:
    """Store an upload once by its SHA-256 and return its row (existing or new).

    A PDF's text follows after commit (`stored_files_text_schedule`); so does the text of an
    existing PDF row whose text is still missing (its earlier extraction may have failed).
    `text` (trusted internal callers only, `pdf_text_known`): the text of these very bytes,
    extracted already — a new PDF row is stored with it and no task follows, and the page
    count PDFium read with it spares the inspection; a text of other bytes (its hash differs)
    is ignored. The bytes are inspected (and refused) before the row is written; the row is
    inserted unless one with the same hash exists (one statement, `_row_insert`)."""
    tmp, sha256, size = _spool(stream, max_upload_bytes() if limit is None else limit)
    try:
        with tmp.open("rb") as handle:
            head = handle.read(16)
        media_type = sniff_media_type(head, tmp)
        known = _known_text(text, sha256, media_type)
        inspection = _inspect(tmp, media_type, known)
        _publish(tmp, sha256)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    stored, inserted = _row_insert(
        StoredFile(
            sha256=sha256,
            size=size,
            media_type=media_type,
            page_count=inspection.page_count,
            text_content=inspection.text if known is None else known.text,
            created_at=timezone.now(),
        )
    )
    if (known is None or not inserted) and _text_pending(stored):
        stored_files_text_schedule([stored.pk])
    return stored


def _known_text(text: KnownText | None, sha256: str, media_type: str) -> KnownText | None:
    if text is None or media_type != PDF:
        return None
    if text.sha256 != sha256:
        logger.warning(
            "a text given for %s was extracted from other bytes (%s): ignored",
            sha256[:12],
            text.sha256[:12],
        )
        return None
    return text


def _row_insert(row: StoredFile) -> tuple[StoredFile, bool]:
    """Insert the row, or read back the one stored before (or by another transaction at the
    same moment) with the same hash; whether this call inserted it.

    `INSERT … ON CONFLICT (sha256) DO NOTHING RETURNING id` (PostgreSQL, SQLite ≥ 3.35): an
    existing row or a lost race is no error, so no savepoint is needed around the insert."""
    fields = [model_field(StoredFile, name) for name in _INSERTED]
    sql = (
        f"INSERT INTO {quoted_table(StoredFile)} "  # noqa: S608 - names from the model
        f"({', '.join(quoted_column(StoredFile, name) for name in _INSERTED)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        f"ON CONFLICT ({quoted_column(StoredFile, 'sha256')}) DO NOTHING "
        f"RETURNING {quoted_column(StoredFile, 'id')}"
    )
    params = [f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        inserted = cursor.fetchone()
    if inserted is None:
        return StoredFile.objects.get(sha256=row.sha256), False
    row.pk = inserted[0]
    row._state.adding = False
    row._state.db = connection.alias
    return row, True


def model_field(model: type[Model], name: str) -> Field[Any, Any]:
    """A concrete field of `model` by name or attname (for statements written by hand)."""
    field = model._meta.get_field(name)
    if not isinstance(field, Field) or not field.column:
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return field


def quoted_column(model: type[Model], name: str) -> str:
    return connection.ops.quote_name(str(model_field(model, name).column))


def quoted_table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


_INSERTED = ("sha256", "size", "media_type", "page_count", "text_content", "created_at")


def stored_file_put_bytes(
    *,
    data: bytes,
    limit: int | None = None,
    text: KnownText | None = None,
    text_now: bool = False,
) -> StoredFile:
    """`stored_file_put` for bytes in memory. `text_now`: a PDF the platform made itself
    (rendered or signed, a few pages) — its text is extracted now (`pdf_text_now`) and the row
    stored with it; a larger PDF, or one whose text cannot be extracted, gets it after commit."""
    if text is None and text_now:
        text = pdf_text_now(data)
    return stored_file_put(stream=io.BytesIO(data), limit=limit, text=text)


def stored_file_contains(stored_file: StoredFile, marker: bytes) -> bool:
    """Whether the stored bytes contain `marker`, read in chunks (memory stays flat)."""
    with stored_file_open(stored_file) as handle:
        return stream_holds(handle, marker, chunk_size=CHUNK)


def stored_file_open(stored_file: StoredFile) -> BinaryIO:
    return blob_path(stored_file.sha256).open("rb")


def stored_file_read(stored_file: StoredFile) -> bytes:
    with stored_file_open(stored_file) as handle:
        return handle.read()


# --- the text layer, after commit ----------------------------------------------------------------

_pending = threading.local()


def _pending_ids() -> set[int]:
    ids: set[int] | None = getattr(_pending, "ids", None)
    if ids is None:
        ids = _pending.ids = set()
    return ids


def stored_files_text_schedule(file_ids: Iterable[int]) -> None:
    """Fill these files' text once the current transaction commits: ONE task for every file the
    transaction stored (a page of arrivals from the hub is one task, not one per file).

    Each call registers a callback (a savepoint rolled back drops its own callbacks, not the
    others'); the first to run after commit sends every id gathered so far, the others find
    nothing left. Ids gathered by work that was rolled back are dropped when no callback is left
    to send them, and skipped by the task (no such row) when one is."""
    pending = _pending_ids()
    callbacks = transaction.get_connection().run_on_commit
    if pending and not any(callback[1] is _text_fill_dispatch for callback in callbacks):
        pending.clear()  # left by work that was rolled back (its callbacks were dropped with it)
    pending.update(file_ids)
    transaction.on_commit(_text_fill_dispatch, robust=True)


def _text_fill_dispatch() -> None:
    ids = _pending_ids()
    if not ids:
        return
    file_ids = sorted(ids)
    ids.clear()
    from congso.documents.tasks import stored_files_text_fill_task

    stored_files_text_fill_task.delay(file_ids=file_ids)


def stored_files_text_fill(*, file_ids: Iterable[int]) -> int:
    """Extract the text of the given PDFs that have none yet, store it and refresh the search
    entries of the documents holding them; returns how many files got a text.

    Idempotent (a file with a text is skipped). A file whose text cannot be extracted is logged
    and keeps an empty text: its documents stay as registered, findable by their fields."""
    from congso.documents.services.search_index import search_entries_refresh_for_files

    rows = list(
        StoredFile.objects.filter(pk__in=list(file_ids), media_type=PDF, text_content="")
        .order_by("pk")
        .values_list("pk", "sha256")
    )
    texts: dict[int, str] = {}
    for pk, sha256 in rows:
        text = _pdf_text_or_none(pk, sha256)
        if text:
            texts[pk] = text
    if not texts:
        return 0
    column = quoted_column(StoredFile, "text_content")
    sql = (
        f"UPDATE {quoted_table(StoredFile)} SET {column} = %s "  # noqa: S608 - names from the model
        f"WHERE {quoted_column(StoredFile, 'id')} = %s AND {column} = ''"
    )
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.executemany(sql, [(text, pk) for pk, text in texts.items()])
        search_entries_refresh_for_files(list(texts))
    return len(texts)


def _pdf_text_or_none(pk: int, sha256: str) -> str | None:
    try:
        return pdf_text(blob_path(sha256))
    except _pdf_text_errors() as exc:
        _text_failure_log(pk, sha256, exc)
        return None


def _text_failure_log(pk: int | None, sha256: str, exc: Exception) -> None:
    logger.warning(
        "text of %s (%s) not extracted: %s: %s",
        "a PDF before storing" if pk is None else f"stored file {pk}",
        sha256[:12],
        type(exc).__name__,
        exc,
        extra={"stored_file_id": pk, "error": type(exc).__name__},
    )
