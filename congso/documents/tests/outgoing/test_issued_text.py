"""The PDFs the platform renders itself are stored with their text: no text task after commit,
and the document's search entry is written once, already with the PDF's text."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from congso.documents.constants import Direction, VersionOrigin
from congso.documents.models import SearchEntry
from congso.documents.selectors.search import document_search
from congso.documents.services import outgoing as services
from congso.documents.tests.spies import text_task_calls

pytestmark = pytest.mark.django_db

# In every PDF the platform renders (the national motto under the quốc hiệu), in no field of
# the document: a hit on it can only come from the PDF's text layer.
PDF_ONLY_WORDS = "Độc lập - Tự do - Hạnh phúc"


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    return text_task_calls(monkeypatch)


def entry_writes(queries: CaptureQueriesContext) -> int:
    table = SearchEntry._meta.db_table
    return sum(
        1
        for query in queries.captured_queries
        if table in query["sql"] and query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))
    )


def test_issuing_stores_the_rendered_pdf_with_its_text_and_writes_the_entry_once(
    approved: Any, clerk: Any, django_capture_on_commit_callbacks: Any, sent: list[list[int]]
) -> None:
    # given an approved document (no signer configured: the issued PDF is rendered now)
    document = approved()
    sent.clear()
    # when the văn thư issues it and the transaction commits
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.outgoing_document_issue(clerk=clerk, document=document)
    # then the issued PDF was stored with its text and no text task was sent
    issued = document.versions.get(origin=VersionOrigin.ISSUED).rendered_file
    assert "Hạnh phúc" in issued.text_content
    assert sent == []
    # and the search entry was written once, already holding the PDF's text
    assert entry_writes(queries) == 1
    entry = SearchEntry.objects.get(direction=Direction.OUTGOING, document_id=document.pk)
    assert "hanh phuc" in entry.folded_text
    # and the document is found by words that are only in its PDF
    hits = document_search(user=clerk, query=PDF_ONLY_WORDS).hits
    assert [hit.document_id for hit in hits] == [document.pk]


def test_a_composed_draft_is_stored_with_its_text_and_sends_no_text_task(
    make_draft: Any, django_capture_on_commit_callbacks: Any, sent: list[list[int]]
) -> None:
    # when a draft is composed (its PDF rendered) and the transaction commits
    with django_capture_on_commit_callbacks(execute=True):
        document = make_draft()
    # then its rendered version holds the text at once, and nothing followed the commit
    rendered = document.versions.get().rendered_file
    assert "Hạnh phúc" in rendered.text_content
    assert sent == []
