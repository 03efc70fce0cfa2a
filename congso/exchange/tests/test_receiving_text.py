"""An arrival's PDFs are read before the registering transaction: the files are stored with
their text, no text task follows, and the document's search entry is written once, with it."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from congso.documents.models import IncomingDocument, OutboxMessage, SearchEntry
from congso.documents.selectors.search import document_search
from congso.documents.services import files as files_services
from congso.documents.services import rendering
from congso.documents.tests.spies import text_task_calls
from congso.exchange import lib
from congso.exchange.services.config import xml_key
from congso.exchange.services.packages import document_package
from congso.exchange.services.polling import member_poll
from congso.exchange.tests.conftest import A_CODE, B_CODE
from congso.exchange.tests.fakes import FakeHub

pytestmark = pytest.mark.django_db

_TIMES = re.compile(r"(?:(\d+) times: )?(.*)", re.DOTALL)
TEXT = "Kế hoạch phát triển hạ tầng viễn thông thụ động"


def _layout(body: str) -> dict[str, Any]:
    return {
        "layout": 1,
        "parent_agency": "UBND tỉnh Kon Tum",
        "agency": "Sở Thông tin và Truyền thông",
        "number_line": "Số: 12/STTTT-CNTT",
        "date_line": "Kon Tum, ngày 02 tháng 3 năm 2020",
        "is_official_letter": True,
        "type_name": "Công văn",
        "subject": "V/v báo cáo tình hình ứng dụng công nghệ thông tin",
        "addressed_to": "Sở Tài chính",
        "body": body,
        "secrecy_mark": "",
        "urgency_mark": "",
        "authority_line": "GIÁM ĐỐC",
        "signer_position": "Giám đốc",
        "signer_name": "Phan Văn Hùng",
        "recipients": ["Sở Tài chính"],
        "storage_line": "Lưu: VT, CNTT.",
    }


@pytest.fixture
def arrival_on_hub(
    hub: FakeHub,
    issue_to: Callable[..., Any],
    agency_b: Any,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> Callable[[str], None]:
    """Put on the hub a package of A for B whose PDF (rendered, embedded Vietnamese fonts) was
    never stored here (A's own copy of the issued PDF would share B's row in this one database)."""

    def deliver(body: str) -> None:
        waiting = set(hub.packages)
        with django_capture_on_commit_callbacks(execute=True):  # A's own text task runs here
            document = issue_to(B_CODE)
        for sent in set(hub.packages) - waiting:  # what A's outbox sent: replaced by this one
            del hub.packages[sent]
        message = OutboxMessage.objects.select_related("recipient").get(document=document)
        package = document_package(message.recipient)
        pdf = tmp_path / f"{document.pk}.pdf"
        pdf.write_bytes(rendering.render_outgoing_pdf(_layout(body)))
        attachment = lib.Attachment(
            name="12-STTTT-CNTT.pdf",
            content_type="application/pdf",
            path=pdf,
            size=pdf.stat().st_size,
        )
        package = dataclasses.replace(package, attachments=(attachment,))
        key = xml_key()
        data = lib.build_package(package, signer=lib.XmlSigner(key.private_key, key.certificate))
        assert data is not None
        hub.deliver_raw(
            data, from_code=A_CODE, to_code=B_CODE, document_id=package.header.document_id
        )

    return deliver


@pytest.fixture
def text_tasks(monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    """The file ids of every text task sent (the task still runs)."""
    return text_task_calls(monkeypatch)


def _entry_writes(captured: CaptureQueriesContext) -> int:
    """INSERT and UPDATE statements run on the search entries' table (not SQLite's FTS5 table
    beside it); an executemany is logged once, as "N times: …", and counts N."""
    table = connection.ops.quote_name(SearchEntry._meta.db_table)
    writes = 0
    for query in captured.captured_queries:
        times, sql = _TIMES.match(query["sql"]).groups()  # type: ignore[union-attr]
        if sql.lstrip().startswith((f"INSERT INTO {table} ", f"UPDATE {table} ")):
            writes += int(times or 1)
    return writes


def _poll(
    hub: FakeHub, capture: Any, *, one_at_a_time: bool, text_tasks: list[list[int]]
) -> tuple[dict[str, int], int]:
    """B polls (the package inline in the list, or fetched alone) and every transaction
    commits; the text tasks A's issuing sent are forgotten first (its own PDFs get their text
    at once). Returns the poll's outcomes and how many search-entry writes it made."""
    if one_at_a_time:
        hub.inline_max = 0
    text_tasks.clear()
    with CaptureQueriesContext(connection) as captured, capture(execute=True):
        result = member_poll(transport=hub.transport(B_CODE))
    return result.packages, _entry_writes(captured)


@pytest.mark.parametrize("one_at_a_time", [False, True], ids=["page", "one-at-a-time"])
def test_an_arrivals_pdf_is_stored_with_its_text_and_indexed_once(
    hub: FakeHub,
    arrival_on_hub: Callable[[str], None],
    agency_b: Any,
    clerk_b: Any,
    text_tasks: list[list[int]],
    django_capture_on_commit_callbacks: Any,
    one_at_a_time: bool,
) -> None:
    # given a package of A whose PDF holds Vietnamese text, inline in the list or fetched
    arrival_on_hub(f"{TEXT}.\nTrân trọng.")
    # when B polls and every transaction commits
    packages, writes = _poll(
        hub, django_capture_on_commit_callbacks, one_at_a_time=one_at_a_time, text_tasks=text_tasks
    )
    # then the arrival is registered, its file stored with its text (diacritics intact)
    assert packages == {"registered": 1}
    arrival = IncomingDocument.objects.get(agency=agency_b)
    stored = arrival.files.get().stored_file
    assert TEXT in " ".join(stored.text_content.split())
    # and no text task ran for it; its search entry was written once, already with the text
    assert text_tasks == []
    assert writes == 1
    hits = document_search(user=clerk_b, query="hạ tầng viễn thông thụ động").hits
    assert [hit.document_id for hit in hits] == [arrival.pk]


@pytest.mark.parametrize("one_at_a_time", [False, True], ids=["page", "one-at-a-time"])
def test_a_pdf_too_large_to_read_whole_gets_its_text_after_commit(
    hub: FakeHub,
    arrival_on_hub: Callable[[str], None],
    agency_b: Any,
    clerk_b: Any,
    text_tasks: list[list[int]],
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
    one_at_a_time: bool,
) -> None:
    # given an arrival whose PDF is larger than what is read whole before storing
    monkeypatch.setattr(files_services, "KNOWN_TEXT_MAX_BYTES", 1024)
    arrival_on_hub(f"{TEXT}.")
    # when B polls
    packages, writes = _poll(
        hub, django_capture_on_commit_callbacks, one_at_a_time=one_at_a_time, text_tasks=text_tasks
    )
    # then its text follows after commit (one task), and the entry is written again with it
    assert packages == {"registered": 1}
    arrival = IncomingDocument.objects.get(agency=agency_b)
    stored = arrival.files.get().stored_file
    assert text_tasks == [[stored.pk]]
    assert writes == 2
    stored.refresh_from_db()
    assert TEXT in " ".join(stored.text_content.split())
    hits = document_search(user=clerk_b, query="hạ tầng viễn thông thụ động").hits
    assert [hit.document_id for hit in hits] == [arrival.pk]
