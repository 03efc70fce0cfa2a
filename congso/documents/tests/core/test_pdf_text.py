"""services/files.py: a PDF's text layer (PDFium), and a file stored with a text known already."""

from __future__ import annotations

import hashlib
import io
import logging
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from reportlab.pdfgen import canvas

from congso.documents.errors import FileRejected
from congso.documents.models import StoredFile
from congso.documents.services import files as files_services
from congso.documents.services import rendering
from congso.documents.services.files import (
    KnownText,
    pdf_text,
    pdf_text_known,
    stored_file_put_bytes,
)
from congso.documents.tests.factories import rendering_layout

LAYOUT = rendering_layout()


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(scope="module")
def rendered() -> bytes:
    """A công văn as this platform renders it (embedded Vietnamese font subsets)."""
    return rendering.render_outgoing_pdf(LAYOUT)


def _pages(*texts: str) -> bytes:
    """A PDF of one line a page, in a standard font (no Vietnamese letters: WinAnsi)."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    for text in texts:
        page.drawString(72, 720, text)
        page.showPage()
    page.save()
    return buffer.getvalue()


def test_the_vietnamese_text_layer_comes_out_whole_with_its_diacritics(
    rendered: bytes, tmp_path: Path
) -> None:
    # given a rendered PDF, as bytes and as a file
    path = tmp_path / "cong-van.pdf"
    path.write_bytes(rendered)
    # when its text is extracted from either
    from_bytes, from_path = pdf_text(rendered), pdf_text(path)
    # then the same text, NFC, one "\n" per line, every line there with its diacritics
    assert from_bytes == from_path
    assert unicodedata.is_normalized("NFC", from_bytes)
    assert "\r" not in from_bytes
    lines = [" ".join(line.split()) for line in from_bytes.split("\n")]
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 05/QĐ-STTTT",
        "HỎA TỐC",
        "Về việc ban hành Quy chế quản lý hệ thống văn bản điện tử",
        "Căn cứ Nghị định số 30/2020/NĐ-CP về công tác văn thư;",
        "Nguyễn Thị Ngọc Ánh",
    ):
        assert expected in lines


def test_pages_are_joined_in_order_and_the_text_is_capped(monkeypatch: Any) -> None:
    # given a PDF of three pages
    data = _pages("Trang mot", "Trang hai", "Trang ba")
    # then its pages' texts are joined in order
    assert [line.strip() for line in pdf_text(data).split("\n")] == [
        "Trang mot",
        "Trang hai",
        "Trang ba",
    ]
    # and the text is cut at the cap
    monkeypatch.setattr(files_services, "MAX_TEXT_CHARS", 5)
    assert pdf_text(data) == "Trang"


def test_a_damaged_pdf_raises_one_of_the_named_errors() -> None:
    with pytest.raises(files_services._pdf_text_errors()):
        pdf_text(b"%PDF-1.7\n this is not a pdf at all")


def test_threads_extract_one_at_a_time_and_each_gets_its_own_text(rendered: bytes) -> None:
    # given several threads extracting texts at once (PDFium is not thread-safe)
    inputs = [rendered, _pages("Giay moi hop"), rendered, _pages("Thong bao ket luan")]
    # when
    with ThreadPoolExecutor(max_workers=4) as pool:
        texts = list(pool.map(pdf_text, inputs * 3))
    # then each got the text of its own PDF
    assert texts == [pdf_text(data) for data in inputs * 3]


def test_a_known_text_is_tied_to_the_bytes_it_was_extracted_from(
    rendered: bytes, tmp_path: Path, caplog: Any
) -> None:
    # given a readable PDF and a damaged one on disk
    good = tmp_path / "good.pdf"
    good.write_bytes(rendered)
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(b"%PDF-1.7\n this is not a pdf at all")
    # when their texts are extracted before storing
    with caplog.at_level(logging.WARNING, logger="congso.documents.services.files"):
        known, broken = pdf_text_known(good), pdf_text_known(damaged)
    # then each carries the hash of its bytes; the damaged one an empty text, logged
    assert known == KnownText(
        sha256=hashlib.sha256(rendered).hexdigest(), text=pdf_text(rendered), page_count=1
    )
    assert broken is not None
    assert broken.page_count is None
    assert broken.text == ""
    assert broken.sha256 == hashlib.sha256(damaged.read_bytes()).hexdigest()
    assert any("not extracted" in record.getMessage() for record in caplog.records)


def test_a_file_too_large_to_read_whole_has_no_known_text(
    rendered: bytes, tmp_path: Path, monkeypatch: Any
) -> None:
    path = tmp_path / "large.pdf"
    path.write_bytes(rendered)
    monkeypatch.setattr(files_services, "KNOWN_TEXT_MAX_BYTES", len(rendered) - 1)
    assert pdf_text_known(path) is None


@pytest.mark.django_db
def test_a_pdf_stored_with_its_known_text_needs_no_text_task(
    rendered: bytes, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    # given the text of a PDF extracted before storing it
    path = tmp_path / "cong-van.pdf"
    path.write_bytes(rendered)
    known = pdf_text_known(path)
    assert known is not None
    # when it is stored with that text
    with django_capture_on_commit_callbacks() as callbacks:
        stored = stored_file_put_bytes(data=rendered, text=known)
    # then the row has the text at once and nothing is left for after the commit
    stored.refresh_from_db()
    assert stored.text_content == known.text
    assert "Nguyễn Thị Ngọc Ánh" in stored.text_content
    assert callbacks == []


@pytest.mark.django_db
def test_the_page_count_read_with_the_text_is_stored_without_a_second_reader(
    tmp_path: Path, monkeypatch: Any
) -> None:
    # given a three-page PDF whose text (and page count) PDFium read before storing
    path = tmp_path / "ba-trang.pdf"
    path.write_bytes(_pages("Mot", "Hai", "Ba"))
    known = pdf_text_known(path)
    assert known is not None
    assert known.page_count == 3
    # when it is stored with that text (pypdf would fail the test if it were asked)
    monkeypatch.setattr(files_services, "_inspect_pdf", _no_second_reader)
    stored = stored_file_put_bytes(data=path.read_bytes(), text=known)
    # then the row has PDFium's page count
    stored.refresh_from_db()
    assert stored.page_count == 3


def _no_second_reader(path: Path) -> Any:
    raise AssertionError("the page count was known already")


@pytest.mark.django_db
@pytest.mark.parametrize("user_password", ["", "matkhau"])
def test_an_encrypted_pdf_is_refused_even_with_a_known_text(
    tmp_path: Path, user_password: str
) -> None:
    # given an encrypted PDF (PDFium opens one whose user password is empty) and its known text
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_pages("Mat"))))
    writer.encrypt(user_password, "chu-so-huu")
    buffer = io.BytesIO()
    writer.write(buffer)
    path = tmp_path / "ma-hoa.pdf"
    path.write_bytes(buffer.getvalue())
    known = pdf_text_known(path)
    assert known is not None
    assert known.page_count is None
    # when it is stored with that text
    with pytest.raises(FileRejected) as caught:
        stored_file_put_bytes(data=path.read_bytes(), text=known)
    # then it is refused as encrypted, as without the text, and nothing is stored
    assert caught.value.code == "encrypted_pdf"
    assert not StoredFile.objects.exists()


@pytest.mark.django_db
def test_a_text_of_other_bytes_is_ignored_and_the_text_follows_the_commit(
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a text extracted from other bytes than those stored
    data = _pages("Quyet dinh phe duyet")
    other = KnownText(sha256=hashlib.sha256(b"other").hexdigest(), text="Văn bản khác")
    # when the PDF is stored with it and the transaction commits
    with django_capture_on_commit_callbacks(execute=True):
        stored = stored_file_put_bytes(data=data, text=other)
        assert stored.text_content == ""
    # then its own text was extracted after the commit
    stored.refresh_from_db()
    assert stored.text_content.strip() == "Quyet dinh phe duyet"


@pytest.mark.django_db
def test_a_small_pdf_of_ours_is_stored_with_its_text_now(
    rendered: bytes, django_capture_on_commit_callbacks: Any
) -> None:
    # given a PDF the platform rendered (one page)
    # when it is stored with its text taken now
    with django_capture_on_commit_callbacks() as callbacks:
        stored = stored_file_put_bytes(data=rendered, text_now=True)
    # then the row holds the text at once and nothing is left for after the commit
    stored.refresh_from_db()
    assert stored.text_content == pdf_text(rendered)
    assert callbacks == []


@pytest.mark.django_db
def test_a_pdf_of_ours_over_the_page_limit_gets_its_text_after_commit(
    monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given a PDF of one page more than what is extracted inside the caller's transaction
    monkeypatch.setattr(files_services, "TEXT_NOW_MAX_PAGES", 2)
    data = _pages("Trang mot", "Trang hai", "Trang ba")
    # when it is stored with text_now and the transaction commits
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        stored = stored_file_put_bytes(data=data, text_now=True)
        assert stored.text_content == ""
    # then its text came from the after-commit task
    assert len(callbacks) == 1
    stored.refresh_from_db()
    assert stored.text_content.split("\n") == ["Trang mot", "Trang hai", "Trang ba"]


@pytest.mark.django_db
def test_a_failed_extraction_now_never_fails_the_caller_and_the_text_follows_the_commit(
    rendered: bytes,
    monkeypatch: Any,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given PDFium failing on the first extraction only
    expected = pdf_text(rendered)
    calls: list[int | None] = []
    original = files_services._pdfium_text

    def failing_once(source: Any, *, max_pages: int | None) -> Any:
        calls.append(max_pages)
        if len(calls) == 1:
            raise RuntimeError("pdfium crashed")
        return original(source, max_pages=max_pages)

    monkeypatch.setattr(files_services, "_pdfium_text", failing_once)
    # when a PDF of ours is stored with text_now and the transaction commits
    with caplog.at_level(logging.WARNING, logger=files_services.__name__):
        with django_capture_on_commit_callbacks(execute=True):
            stored = stored_file_put_bytes(data=rendered, text_now=True)
            assert stored.text_content == ""
    # then the failure was logged, the row stored, and the task after commit filled the text
    assert "not extracted: RuntimeError: pdfium crashed" in caplog.text
    stored.refresh_from_db()
    assert stored.text_content == expected
    assert calls == [files_services.TEXT_NOW_MAX_PAGES, None]
