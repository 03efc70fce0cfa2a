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
