from __future__ import annotations

from typing import Any

from django.core.management import call_command


def test_bench_signatures_passes_its_options_to_the_signatures_benchmark(monkeypatch: Any):
    # given
    from congso.documents.management.commands import bench

    seen: dict[str, Any] = {}

    def fake_call_command(name: str, **options: Any) -> None:
        seen["name"] = name
        seen.update(options)

    monkeypatch.setattr(bench, "call_command", fake_call_command)
    # when
    call_command("bench", "signatures", "--docs", "7", "--big-mb", "0")
    # then
    assert seen["name"] == "bench_signatures"
    assert (seen["docs"], seen["big_mb"]) == (7, 0)


def test_bench_hubstore_passes_its_options_to_the_hub_store_benchmark(monkeypatch: Any):
    # given
    from congso.documents.management.commands import bench

    seen: dict[str, Any] = {}

    def fake_call_command(name: str, **options: Any) -> None:
        seen["name"] = name
        seen.update(options)

    monkeypatch.setattr(bench, "call_command", fake_call_command)
    # when
    call_command("bench", "hubstore", "--docs", "5000", "--rounds", "3", "--prefix", "hs")
    # then
    assert seen["name"] == "bench_hubstore"
    assert (seen["docs"], seen["rounds"], seen["prefix"]) == (5000, 3, "hs")


def test_bench_hubstore_needs_postgresql(settings: Any):
    # given the embedded SQLite database
    import pytest
    from django.core.management.base import CommandError

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        pytest.skip("the refusal is for SQLite")
    # when / then the benchmark refuses, naming what it needs
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("bench_hubstore", "--docs", "10")
