"""`congso bench documents --docs 200` runs on the test database and reports its figures.

It runs inside the test's transaction, so the 50-registration check runs one registration after
another there (`concurrency.mode`); the threaded version runs in the real benchmark."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from congso.documents.models import IncomingDocument, SearchEntry

KEYS = {
    "bulk_docs_per_s",
    "search_p95_ms",
    "list_p95_ms",
    "docs",
    "db",
    "concurrent_gap_free",
    "baseline",
    "ratios",
    "machine",
    "data_size",
}


@pytest.mark.django_db
def test_the_benchmark_prints_one_json_object_on_its_last_line():
    # given
    out, err = io.StringIO(), io.StringIO()
    # when
    call_command(
        "bench",
        "documents",
        "--docs",
        "200",
        "--queries",
        "6",
        "--concurrent",
        "5",
        stdout=out,
        stderr=err,
    )
    # then
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert KEYS <= set(result)
    assert result["docs"] == 200
    assert result["concurrent_gap_free"] is True
    assert result["concurrency"]["registrations"] == 5
    assert result["concurrency"]["mode"].startswith("sequential")
    assert "registered 200/200" in err.getvalue()
    assert IncomingDocument.objects.count() == 205
    assert SearchEntry.objects.count() == 205
