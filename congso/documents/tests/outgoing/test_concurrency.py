"""Two clerks issuing at once never share a number (PostgreSQL row locks + unique constraint)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections

from congso.documents.models import OutgoingDocument
from congso.documents.services import outgoing as services

WORKERS = 10


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers by design (one IMMEDIATE transaction at a time): "
    "concurrent issuing needs PostgreSQL's row locks to be meaningful",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_take_distinct_consecutive_numbers(approved: Any, clerk: Any) -> None:
    # given: ten approved documents
    documents = [approved() for _ in range(WORKERS)]
    start = threading.Barrier(WORKERS)
    errors: list[BaseException] = []

    def work(document: Any) -> None:
        try:
            start.wait()
            services.outgoing_document_issue(clerk=clerk, document=document)
        except BaseException as error:  # collected and reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(d,)) for d in documents]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    # then
    assert errors == []
    numbers = sorted(
        number
        for number in OutgoingDocument.objects.filter(pk__in=[d.pk for d in documents]).values_list(
            "code_number", flat=True
        )
        if number is not None
    )
    assert numbers == list(range(1, WORKERS + 1))
