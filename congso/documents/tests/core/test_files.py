"""services/files.py: content-addressed intake (naming, sniffing, parsing, storing once)."""

from __future__ import annotations

import io
import os
import stat
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from pypdf import PdfWriter
from reportlab.pdfgen import canvas

from congso.documents.errors import FileRejected
from congso.documents.models import StoredFile
from congso.documents.services.files import (
    DOCX,
    JPEG,
    PDF,
    PNG,
    TIFF,
    blob_path,
    safe_file_name,
    sniff_media_type,
    stored_file_put,
    stored_file_put_bytes,
    stored_file_read,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


def pdf_bytes(text: str = "Quyết định số 05/QĐ-UBND", pages: int = 1) -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    for number in range(pages):
        page.drawString(72, 720, f"{text} {number + 1}")
        page.showPage()
    page.save()
    return buffer.getvalue()


def docx_bytes(text: str = "Công văn về việc chuyển đổi số") -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("matkhau")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# --- safe_file_name -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("cong-van.pdf", "cong-van.pdf"),
        ("../../etc/passwd", "passwd"),
        ("..\\x.pdf", "x.pdf"),
        ("C:\\Users\\vanthu\\Desktop\\QĐ 05.pdf", "QĐ 05.pdf"),
        ("/var/www/../secret.docx", "secret.docx"),
        ("...hidden.pdf", "hidden.pdf"),
        ("  tên có khoảng trắng.pdf  ", "tên có khoảng trắng.pdf"),
        ("bao\x00cao\x1f.pdf", "baocao.pdf"),
        (unicodedata.normalize("NFD", "Quyết định.pdf"), "Quyết định.pdf"),  # NFD → NFC
    ],
)
def test_safe_file_name_keeps_only_a_clean_last_component(given, expected):
    assert safe_file_name(given) == expected


def test_safe_file_name_caps_the_length():
    assert len(safe_file_name("a" * 300 + ".pdf")) == 255


@pytest.mark.parametrize("given", ["", "..", ".", "/", "\\", "dir/", "\x00\x01", None])
def test_safe_file_name_refuses_what_is_left_empty(given):
    with pytest.raises(FileRejected) as caught:
        safe_file_name(given)
    assert caught.value.code == "invalid_file_name"


# --- sniff_media_type ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"%PDF-1.7\n", PDF),
        (b"\x89PNG\r\n\x1a\n\x00\x00", PNG),
        (b"\xff\xd8\xff\xe0\x00", JPEG),
        (b"II*\x00\x08\x00", TIFF),
        (b"MM\x00*\x00\x00", TIFF),
    ],
)
def test_the_type_comes_from_the_bytes(head, expected, tmp_path):
    assert sniff_media_type(head, tmp_path / "unused") == expected


def test_a_docx_is_a_zip_with_a_word_document(tmp_path):
    path = tmp_path / "a.docx"
    path.write_bytes(docx_bytes())
    assert sniff_media_type(path.read_bytes()[:16], path) == DOCX


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00 windows executable",
        b"<html><script>alert(1)</script>",
        zip_bytes({"readme.txt": b"not a document"}),
        b"PK\x03\x04 truncated zip",
    ],
)
def test_other_types_are_unsupported(data, tmp_path):
    path = tmp_path / "x"
    path.write_bytes(data)
    with pytest.raises(FileRejected) as caught:
        sniff_media_type(data[:16], path)
    assert caught.value.code == "unsupported_file_type"


# --- stored_file_put ----------------------------------------------------------------------------


def test_a_pdf_is_stored_with_its_page_count_and_its_text_follows_the_commit(
    django_capture_on_commit_callbacks,
):
    # (the built-in PDF font has no Vietnamese glyphs: ASCII text keeps the test about extraction)
    # given/when: a PDF stored inside a transaction
    with django_capture_on_commit_callbacks(execute=True):
        stored = stored_file_put_bytes(data=pdf_bytes("Ke hoach chuyen doi so", pages=3))
        # then: type and page count at once, the text not yet (it is extracted after commit)
        assert stored.media_type == PDF
        assert stored.page_count == 3
        assert stored.text_content == ""
        assert len(stored.sha256) == 64
    # and: after commit the text is there
    stored.refresh_from_db()
    assert "Ke hoach chuyen doi so 3" in stored.text_content


def test_a_docx_is_stored_with_its_text():
    stored = stored_file_put_bytes(data=docx_bytes("Công văn về việc báo cáo"))
    assert stored.media_type == DOCX
    assert stored.page_count is None
    assert "Công văn về việc báo cáo" in stored.text_content


def test_the_same_bytes_are_stored_once():
    data = pdf_bytes("Một lần")
    first = stored_file_put_bytes(data=data)
    second = stored_file_put(stream=io.BytesIO(data))
    assert first.pk == second.pk
    assert StoredFile.objects.count() == 1


def test_the_blob_is_content_addressed_read_only_and_reproducible():
    data = pdf_bytes("Bất biến")
    stored = stored_file_put_bytes(data=data)
    path = blob_path(stored.sha256)
    assert path.parts[-3:] == (stored.sha256[:2], stored.sha256[2:4], stored.sha256)
    assert not os.stat(path).st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert stored_file_read(stored) == data
    assert stored.size == len(data)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty_file"),
        (b"%PDF-1.4\nnot really a pdf", "unreadable_pdf"),
        (encrypted_pdf(), "encrypted_pdf"),
        (zip_bytes({"word/document.xml": b"<not-xml"}), "unreadable_docx"),
        (b"GIF89a", "unsupported_file_type"),
    ],
)
def test_bad_files_are_refused_and_leave_nothing_behind(data, code, settings):
    with pytest.raises(FileRejected) as caught:
        stored_file_put_bytes(data=data)
    assert caught.value.code == code
    assert StoredFile.objects.count() == 0
    tmp = Path(settings.MEDIA_ROOT) / "tmp"
    assert not tmp.exists() or list(tmp.iterdir()) == []
    blobs = Path(settings.MEDIA_ROOT) / "blobs"
    assert not blobs.exists() or not any(p.is_file() for p in blobs.rglob("*"))


def test_the_size_limit_is_checked_while_streaming(settings):
    data = pdf_bytes("lớn", pages=10)
    with pytest.raises(FileRejected) as caught:
        stored_file_put(stream=io.BytesIO(data), limit=len(data) - 1)
    assert caught.value.code == "file_too_large"
    tmp = Path(settings.MEDIA_ROOT) / "tmp"
    assert list(tmp.iterdir()) == []


def test_the_configured_limit_applies_by_default(settings):
    settings.CONGSO_UPLOAD_MAX_BYTES = 100
    with pytest.raises(FileRejected) as caught:
        stored_file_put_bytes(data=pdf_bytes())
    assert caught.value.code == "file_too_large"


def test_an_image_counts_as_one_page():
    stored = stored_file_put_bytes(data=b"\xff\xd8\xff\xe0" + b"\x00" * 32)
    assert (stored.media_type, stored.page_count, stored.text_content) == (JPEG, 1, "")


def test_a_row_lost_in_a_race_is_read_back(monkeypatch):
    # given: another process stores the same bytes between our check and our insert
    data = pdf_bytes("cuộc đua")
    winner = stored_file_put_bytes(data=data)
    real_filter = StoredFile.objects.filter

    def nothing_yet(*args: Any, **kwargs: Any) -> Any:
        return real_filter(pk__in=[])

    monkeypatch.setattr(StoredFile.objects, "filter", nothing_yet)
    # when
    loser = stored_file_put_bytes(data=data)
    # then
    assert loser.pk == winner.pk
