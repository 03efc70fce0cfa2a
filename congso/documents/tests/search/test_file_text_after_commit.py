"""A PDF's text layer is extracted after the commit that stored it (services/files.py step 7):
one task per transaction, which then refreshes the search entries of the documents holding it."""

from __future__ import annotations

import datetime
import io
import logging
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from reportlab.pdfgen import canvas

from congso.documents.constants import Direction
from congso.documents.models import IncomingDocument, SearchEntry, StoredFile
from congso.documents.selectors.search import document_search
from congso.documents.services import files as files_services
from congso.documents.services.files import stored_file_put_bytes, stored_files_text_fill
from congso.documents.services.incoming_exchange import ExternalArrival
from congso.documents.services.incoming_exchange_batch import (
    PreparedArrival,
    incoming_documents_receive_exchange_many,
)
from congso.documents.tests.factories import document_type
from congso.documents.tests.spies import text_task_calls

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _pdf(text: str) -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, text)
    page.showPage()
    page.save()
    return buffer.getvalue()


def _arrival(agency: Any, subject: str, text: str) -> PreparedArrival:
    stored = stored_file_put_bytes(data=_pdf(text))
    return PreparedArrival(
        arrival=ExternalArrival(
            agency_id=agency.pk,
            organ_id="000.00.13.H34",
            organ_name="Sở Tài chính",
            document_type=document_type("cong_van"),
            issued_on=datetime.date(2020, 3, 2),
            subject=subject,
            code_number="12",
            code_notation=f"STC-{subject[:3]}",
        ),
        files=[(stored, "van-ban.pdf", "main")],
        checks=[None],
    )


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    """The file ids of every text task sent (the task still runs)."""
    return text_task_calls(monkeypatch)


def _hits(user: Any, query: str) -> list[int]:
    return [hit.document_id for hit in document_search(user=user, query=query).hits]


def test_a_pages_pdf_text_reaches_the_search_after_commit_in_one_task(
    clerk, agency, django_capture_on_commit_callbacks, sent
):
    # given: a page of two arrivals filed in one transaction
    with django_capture_on_commit_callbacks(execute=True):
        documents = incoming_documents_receive_exchange_many(
            arrivals=[
                _arrival(agency, "Báo cáo quý", "Ke hoach ha tang vien thong"),
                _arrival(agency, "Thông báo", "Danh sach tram phat song"),
            ]
        )
        # when: not committed yet — filed and indexed by their fields, the text not there yet
        assert {d.pk for d in documents} == set(
            IncomingDocument.objects.values_list("pk", flat=True)
        )
        assert _hits(clerk, "bao cao quy") == [documents[0].pk]
        assert _hits(clerk, "ha tang vien thong") == []
        assert set(StoredFile.objects.values_list("text_content", flat=True)) == {""}
    # then: after commit one task filled both files and their documents' entries
    assert sent == [sorted(StoredFile.objects.values_list("pk", flat=True))]
    assert _hits(clerk, "ha tang vien thong") == [documents[0].pk]
    assert _hits(clerk, "tram phat song") == [documents[1].pk]
    assert SearchEntry.objects.filter(direction=Direction.INCOMING).count() == 2


def test_a_file_whose_text_cannot_be_extracted_leaves_its_document_registered(
    clerk, agency, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    # given: the extraction fails on this file
    def broken(handle: Any) -> str:
        raise ValueError("bad content stream")

    monkeypatch.setattr(files_services, "pdf_text", broken)
    # when
    with (
        caplog.at_level(logging.WARNING, logger="congso.documents.services.files"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        (document,) = incoming_documents_receive_exchange_many(
            arrivals=[_arrival(agency, "Giấy mời họp", "Noi dung khong doc duoc")]
        )
    # then: the document stays filed and findable by its fields; the failure is logged
    assert IncomingDocument.objects.filter(pk=document.pk).exists()
    assert _hits(clerk, "giay moi hop") == [document.pk]
    stored = StoredFile.objects.get()
    assert stored.text_content == ""
    assert any(
        record.stored_file_id == stored.pk and "not extracted" in record.getMessage()
        for record in caplog.records
    )
    # and: once extraction works again, running the task again fills the text (idempotent)
    monkeypatch.undo()
    assert stored_files_text_fill(file_ids=[stored.pk]) == 1
    assert stored_files_text_fill(file_ids=[stored.pk]) == 0
    assert _hits(clerk, "noi dung khong doc duoc") == [document.pk]


def test_storing_the_same_pdf_again_retries_a_missing_text(django_capture_on_commit_callbacks):
    # given: a PDF whose text was never filled (its task did not run)
    data = _pdf("Quyet dinh phe duyet")
    first = stored_file_put_bytes(data=data)
    assert first.text_content == ""
    # when: the same bytes are stored again and that transaction commits
    with django_capture_on_commit_callbacks(execute=True):
        again = stored_file_put_bytes(data=data)
    # then: the same row, now with its text
    assert again.pk == first.pk
    first.refresh_from_db()
    assert "Quyet dinh phe duyet" in first.text_content


def _rolled_back(text: str) -> None:
    try:
        with transaction.atomic():
            stored_file_put_bytes(data=_pdf(text))
            raise RuntimeError("refused")
    except RuntimeError:
        pass


def test_a_rolled_back_savepoint_does_not_lose_the_other_files_text(
    django_capture_on_commit_callbacks, sent
):
    # given: the first file stored in a savepoint that is rolled back, the second kept
    with django_capture_on_commit_callbacks(execute=True):
        kept_before = stored_file_put_bytes(data=_pdf("Kept before"))
        _rolled_back("Refused package")
        kept = stored_file_put_bytes(data=_pdf("Kept package"))
    # then: one task; the rolled-back row is gone, the others have their text
    assert len(sent) == 1
    assert list(StoredFile.objects.order_by("pk").values_list("pk", flat=True)) == [
        kept_before.pk,
        kept.pk,
    ]
    kept.refresh_from_db()
    assert "Kept package" in kept.text_content


def test_files_of_work_rolled_back_do_not_ride_along_the_next_task(
    django_capture_on_commit_callbacks, sent
):
    # given: work that stored a file and was rolled back whole (its callbacks went with it)
    _rolled_back("Rolled back")
    # when: the next transaction stores a file
    with django_capture_on_commit_callbacks(execute=True):
        kept = stored_file_put_bytes(data=_pdf("Next transaction"))
    # then: its task names only its own file
    assert sent == [[kept.pk]]
