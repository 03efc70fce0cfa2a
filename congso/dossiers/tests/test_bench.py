"""`congso bench services` with a tiny N: the JSON keys and sanity (not timings)."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

KEYS = {
    "lookup_rps",
    "lookup_p99_ms",
    "bare_view_rps",
    "detail_p95_ms",
    "sweep_s",
    "submit_per_s",
    "dossiers",
    "machine",
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the benchmark needs PostgreSQL")
def test_bench_services_prints_one_json_line_with_sane_figures(settings: Any) -> None:
    # given an empty PostgreSQL database
    out, err = StringIO(), StringIO()

    # when the benchmark runs with 400 dossiers and short loads
    call_command(
        "bench_services",
        dossiers=400,
        duration=1,
        connections=2,
        workers=1,
        threads=2,
        detail_samples=5,
        submissions=4,
        submit_threads=2,
        stdout=out,
        stderr=err,
    )

    # then the last line is one JSON object with the figures
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert KEYS <= set(result)
    assert result["dossiers"] == 400
    assert result["db"] == "postgresql"
    # and every HTTP answer was a success: the lookups found their dossiers
    assert result["http"]["lookup"]["requests"] > 0
    assert result["http"]["lookup"]["non_2xx"] == 0
    assert result["http"]["bare"]["non_2xx"] == 0
    assert result["lookup_rps"] > 0
    assert result["bare_view_rps"] > 0
    # and the detail answered 200 with history, the sweep saw the open dossiers
    assert set(result["detail"]["statuses"]) == {"200"}
    assert result["detail"]["events_in_last"] > 0
    assert 0 < result["sweep"]["overdue"] <= result["sweep"]["open_dossiers"] < 400
    # and every submission went through the real services
    assert result["submit"]["concurrent"]["submitted"] == 4
    assert result["submit"]["concurrent"]["errors"] == []
    assert result["submit_per_s"] > 0


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor == "postgresql", reason="the refusal is SQLite's")
def test_bench_services_refuses_sqlite() -> None:
    # given the embedded SQLite database
    # when the benchmark is asked to run
    # then it refuses with a clear message
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("bench_services", dossiers=10, stdout=StringIO(), stderr=StringIO())
