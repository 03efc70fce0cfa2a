"""Số đến stays gap-free and unique under concurrent registration (PostgreSQL row locks)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections

from congso.documents.models import IncomingDocument
from congso.documents.services.incoming import incoming_document_register
from congso.documents.tests.incoming.conftest import incoming_data, make_pdf, upload

WORKERS = 50


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers by design (one IMMEDIATE transaction at a time): "
    "the concurrent-numbering check needs PostgreSQL's row locks",
)
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_registrations_take_numbers_one_to_fifty(clerk: Any) -> None:
    # given: fifty different documents, prepared before the race starts
    pdfs = [make_pdf(f"Văn bản đồng thời {n}") for n in range(WORKERS)]
    start = threading.Barrier(WORKERS)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            start.wait()
            incoming_document_register(
                clerk=clerk,
                data=incoming_data(code_number=f"{n + 1:02d}"),
                main_file=upload(pdfs[n]),
            )
        except BaseException as error:  # collected and reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(WORKERS)]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    # then
    assert errors == []
    numbers = sorted(
        number
        for number in IncomingDocument.objects.values_list("arrival_number", flat=True)
        if number is not None
    )
    assert numbers == list(range(1, WORKERS + 1))
