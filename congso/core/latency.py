"""Latency figures of the benchmarks: count, median, 95th percentile and maximum of samples."""

from __future__ import annotations

import statistics


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def latency_summary(samples: list[float]) -> dict[str, float]:
    """`samples` in seconds → {"n", "p50_ms", "p95_ms", "max_ms"} (zeros when empty)."""
    if not samples:
        return {"n": 0, "p50_ms": 0.0, "p95_ms": 0.0, "max_ms": 0.0}
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {
        "n": len(ordered),
        "p50_ms": _ms(statistics.median(ordered)),
        "p95_ms": _ms(p95),
        "max_ms": _ms(ordered[-1]),
    }
