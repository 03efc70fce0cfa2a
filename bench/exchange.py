"""`congso bench exchange --docs N` (issue 5, Performance): document exchange end to end.

Two installations (PostgreSQL databases `{prefix}_a`, `{prefix}_b`), a hub (`{prefix}_hub`,
`congso hub serve`) and one Celery worker per installation on RabbitMQ, as in the reliability
test (congso/exchange/reliability/cluster.py).

1. End to end: A issues N small công văn to B (real issuing services, rendered PDF, outbox row;
   PAdES-signed only with `--signed`), queued while the workers are stopped. The clock starts
   with the workers: A signs (XMLDSig) and sends each package, the hub checks and stores it,
   B registers it and answers 01, B's clerk accepts it (03), the hub relays both, A applies
   them. It stops when every recipient row of A shows 03. Lost = rows without 03; duplicated =
   extra receipts or incoming documents at B. Then the timeline of every document (`timeline`):
   when each stage was reached, read from both databases (harness `timeline` step).
2. Raw limit of the same path: the hub restarted with HUB_REQUIRE_XML_SIGNATURE off, N unsigned
   packages posted straight to it by 4 threads (no platform, no broker).
3. Large attachment: one document with a 200 MB PDF attachment sent A → hub → B while the RSS of
   both workers (process trees) is sampled; growth = peak − level before.
`--signed`: A's PDFs carry the person's and the agency's PAdES signatures (B-T, TEST PKI keys on
SoftHSM2 tokens, the TEST TSA/OCSP/CRL service running for the whole run; cluster.py), applied
while issuing (not timed), so B validates each PDF when it registers it (timed); the verdicts B
recorded are reported ("incoming_verdicts", expected all "valid"). A large attachment is then
signed as well (A's văn thư signs PDF attachments when issuing) and validated by B.
The last stdout line is one JSON object.
"""

from __future__ import annotations

import json
import os
import platform
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from congso.exchange.reliability.cluster import (
    Cluster,
    cpu_seconds,
    postgres_cpu_seconds,
    rss_mb,
)
from congso.exchange.reliability.packages import write_big_pdf, write_package

Write = Callable[[str], Any]


def machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores, {cpu or platform.processor()}, Python {platform.python_version()}"
    )


def _wait(check: Callable[[], bool], timeout: float, every: float = 1.0) -> bool:
    stop = time.monotonic() + timeout
    while time.monotonic() < stop:
        if check():
            return True
        time.sleep(every)
    return False


def _cpu(cluster: Cluster) -> dict[str, float]:
    """CPU seconds so far of each part: A's and B's worker trees, the hub, PostgreSQL."""
    parts = {name: inst.worker for name, inst in cluster.installations.items()}
    seconds = {name: cpu_seconds(w.pid) for name, w in parts.items() if w is not None}
    if cluster.hub is not None:
        seconds["hub"] = cpu_seconds(cluster.hub.pid)
    seconds["postgres"] = postgres_cpu_seconds()
    return seconds


def end_to_end(
    cluster: Cluster, docs: int, write: Write, timeout: float, accept: str
) -> dict[str, Any]:
    a, b = cluster.installations["a"], cluster.installations["b"]
    started = time.monotonic()
    cluster.harness("a", "issue", "--code", a.code, "--peer", b.code, "--count", str(docs))
    write(f"issued {docs} at A in {time.monotonic() - started:.0f}s (not timed)")
    cluster.hub_start()
    accepter = None
    if accept == "clerk":
        accepter = cluster.harness_popen(
            "b", "accept", "--code", b.code, "--expected", str(docs), "--deadline", str(timeout),
            "--pause", "0.2",
        )  # fmt: skip
    cpu_before = _cpu(cluster)
    started, started_at = time.monotonic(), time.time()
    cluster.worker_start("a")
    cluster.worker_start("b")
    cpu_before.update({"a": 0.0, "b": 0.0})
    at_first_send: dict[str, float] = {}

    def done() -> bool:  # one SQL query per check: nothing else runs on the measured machine
        if not at_first_send and cluster.progress("a", "sent") > 0:
            at_first_send.update(_cpu(cluster))
        return cluster.progress("a", "03") >= docs

    done_ = _wait(done, timeout, every=0.5)
    seconds = time.monotonic() - started
    cpu_after = _cpu(cluster)
    cpu = {
        name: round((cpu_after[name] - cpu_before.get(name, 0.0)) * 1000 / docs, 1)
        for name in cpu_after
    }
    steady = {
        name: round((cpu_after[name] - at_first_send.get(name, 0.0)) * 1000 / docs, 1)
        for name in cpu_after
    }
    write(f"CPU ms per document: {cpu} (workers include their start-up)")
    write(f"  from the first package sent: {steady} (start-up left out)")
    if accepter is not None:
        accepter.wait(timeout=60)
    ca, cb = cluster.counts("a"), cluster.counts("b")
    write(f"end to end {'done' if done_ else 'TIMED OUT'} in {seconds:.1f}s")
    stages = timeline(cluster, started_at)
    write("timeline (s from the workers' start: first/p10/p50/p90/last; hop from the stage before:")
    write("  p50/p90):")
    for stage, figures in stages.items():
        write(f"  {stage:<11} n={figures['n']:<4} at {figures['at']} hop {figures['hop']}")
    return {
        "seconds": seconds,
        "docs_per_s": docs / seconds,
        # sustained: from the first package handed to the hub to the last 03 shown at A (the
        # workers' start-up, several seconds of Django and Celery boot, left out)
        "sustained_s": stages["applied_03"]["at"][-1] - stages["sent"]["at"][0],
        "lost": docs - int(ca["recipient_status"].get("03", 0)),
        "duplicated": max(int(cb["incoming"]) - int(cb["incoming_distinct"]), 0)
        + int(cb["duplicate_receipts"]),
        "a": ca,
        "b": cb,
        "timeline": stages,
        "cpu_ms_per_doc": cpu,
        "cpu_ms_per_doc_steady": steady,
    }


STAGES = (
    "sent", "registered", "sent_01", "applied_01", "accepted", "sent_03", "applied_03",
)  # fmt: skip


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(q * len(ordered)), len(ordered) - 1)] if ordered else 0.0


def timeline(cluster: Cluster, started_at: float) -> dict[str, Any]:
    """Where the time went: for each stage of a document (sent to the hub, registered at B,
    01 sent, 01 applied at A, accepted by B's clerk, 03 sent, 03 applied at A), when the
    documents reached it counted from the workers' start (p10 / p50 / p90 / last, seconds) and
    how long the hop from the previous stage took (median, p90)."""
    merged: dict[str, dict[str, float]] = {}
    for name in ("a", "b"):
        code = cluster.installations[name].code
        rows = cluster.harness(name, "timeline", "--code", code)["timeline"]
        for message_id, stages in rows.items():
            merged.setdefault(message_id, {}).update(stages)
    summary: dict[str, Any] = {}
    previous = ""
    for stage in STAGES:
        reached = [row[stage] - started_at for row in merged.values() if stage in row]
        hops = [
            row[stage] - row[previous]
            for row in merged.values()
            if previous and stage in row and previous in row
        ]
        summary[stage] = {
            "n": len(reached),
            "at": [round(_quantile(reached, q), 1) for q in (0.0, 0.1, 0.5, 0.9, 1.0)],
            "hop": [round(_quantile(hops, q), 2) for q in (0.5, 0.9)] if hops else None,
        }
        previous = stage
    return summary


def raw_limit(cluster: Cluster, docs: int, write: Write, threads: int = 4) -> dict[str, Any]:
    """Unsigned packages posted straight to a hub that does not require the XML signature."""
    from congso.exchange.hubclient import HubClient
    from congso.exchange.services.config import Member

    a, b = cluster.installations["a"], cluster.installations["b"]
    cluster.hub_stop()
    cluster.hub_require_signature = False
    cluster.hub_start()
    folder = Path(tempfile.mkdtemp(prefix="raw-", dir=cluster.root))
    pdf = write_big_pdf(folder / "small.pdf", 0)
    paths = [
        write_package(
            folder / f"{index}.edxml", sender=(a.code, a.agency_name),
            recipient=(b.code, b.agency_name), number=index + 1, pdf=pdf,
        )
        for index in range(docs)
    ]  # fmt: skip
    local = threading.local()

    def post(path: Path) -> bool:
        if not hasattr(local, "client"):
            local.client = HubClient(
                Member(code=a.code, key_file=a.key), base_url=cluster.hub_url, retries=3
            )
        return bool(local.client.send(path).id)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        accepted = sum(pool.map(post, paths))
    seconds = time.monotonic() - started
    write(f"raw: {accepted} unsigned packages into the hub in {seconds:.1f}s")
    return {"seconds": seconds, "raw_docs_per_s": accepted / seconds, "accepted": accepted}


def big_attachment(
    cluster: Cluster, megabytes: int, write: Write, timeout: float
) -> dict[str, Any]:
    a, b = cluster.installations["a"], cluster.installations["b"]
    pdf = write_big_pdf(Path(tempfile.mkdtemp(dir=cluster.root)) / "phu-luc.pdf", megabytes)
    counts_before = cluster.counts("b")
    before_b = int(counts_before["receipts"])
    workers: dict[str, Any] = {name: inst.worker for name, inst in cluster.installations.items()}
    workers["hub"] = cluster.hub  # the hub process too (it stores and serves the package)
    baseline = {n: rss_mb(w.pid) for n, w in workers.items() if w is not None}
    peak = dict(baseline)
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            for name, worker in workers.items():
                if worker is not None:
                    peak[name] = max(peak[name], rss_mb(worker.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.monotonic()
    try:
        cluster.harness(
            "a", "issue", "--code", a.code, "--peer", b.code, "--count", "1",
            "--attachment", str(pdf),
        )  # fmt: skip
        arrived = _wait(lambda: cluster.progress("b", "receipts") > before_b, timeout)
    finally:
        stop.set()
        sampler.join()
    seconds = time.monotonic() - started
    growth = {n: round(peak[n] - baseline[n], 1) for n in baseline}
    # the signature verdicts B recorded for the document's files (its PDF and the attachment)
    after = cluster.counts("b")["incoming_verdicts"]
    verdicts = {
        verdict: n - int(counts_before["incoming_verdicts"].get(verdict, 0))
        for verdict, n in after.items()
        if n > int(counts_before["incoming_verdicts"].get(verdict, 0))
    }
    write(
        f"{megabytes} MB attachment {'arrived' if arrived else 'DID NOT ARRIVE'} in "
        f"{seconds:.0f}s; worker RSS before {baseline}, growth {growth} MB; verdicts {verdicts}"
    )
    return {
        "arrived": arrived,
        "seconds": seconds,
        "rss_before": baseline,
        "growth": growth,
        "verdicts": verdicts,
    }


def run(
    *,
    docs: int,
    big_mb: int,
    write: Write,
    pg_url: str,
    prefix: str,
    root: Path | None = None,
    accept: str = "auto",
    signed: bool = False,
    hub_processes: int = 1,
) -> dict[str, Any]:
    """`accept`: "auto" — B registers arrivals as they arrive (EXCHANGE_AUTO_ACCEPT), so 01
    and 03 leave together; "clerk" — B's clerk accepts in a loop (a harness process).
    `signed`: A signs its PDFs (PAdES, TEST PKI) and B validates them on arrival.
    `hub_processes`: `congso hub serve --processes` (ADR 0026), for the whole run."""
    root = root or Path(tempfile.mkdtemp(prefix="congso-bench-exchange-"))
    extra_env = {"CONGSO_UPLOAD_MAX_MB": str(max(big_mb + 10, 50))}
    if accept == "auto":
        extra_env["EXCHANGE_AUTO_ACCEPT"] = "*"
    cluster = Cluster(
        root=root,
        pg_url=pg_url,
        prefix=prefix,
        poll_seconds=1,
        log=write,
        extra_env=extra_env,
        signed=signed,
        hub_processes=hub_processes,
    )
    load_before = round(os.getloadavg()[0], 1)
    try:
        started = time.monotonic()
        cluster.prepare()
        write(f"databases ready in {time.monotonic() - started:.0f}s ({cluster.root})")
        e2e = end_to_end(cluster, docs, write, timeout=max(600.0, docs * 2.0), accept=accept)
        big = big_attachment(cluster, big_mb, write, timeout=600) if big_mb else None
        for name in ("a", "b"):
            cluster.worker_stop(name)
        raw = raw_limit(cluster, docs, write)
    finally:
        cluster.stop_all()
    sustained = docs / max(e2e["sustained_s"], 0.1)
    result = {
        "docs_per_s": round(sustained, 2),
        "raw_docs_per_s": round(raw["raw_docs_per_s"], 2),
        "ratio": round(sustained / raw["raw_docs_per_s"], 3),
        "docs_per_s_with_start_up": round(e2e["docs_per_s"], 2),
        "lost": e2e["lost"],
        "duplicated": e2e["duplicated"],
        "big_attachment_mb": big_mb if big and big["arrived"] else 0,
        "worker_rss_growth_mb": max(big["growth"][n] for n in ("a", "b")) if big else None,
        "hub_rss_growth_mb": big["growth"].get("hub") if big else None,
        "docs": docs,
        "accept": accept,
        "signed": signed,
        "hub_processes": hub_processes,
        "incoming_verdicts": e2e["b"]["incoming_verdicts"],
        "cpu_ms_per_doc": e2e["cpu_ms_per_doc"],
        "cpu_ms_per_doc_steady": e2e["cpu_ms_per_doc_steady"],
        "machine": machine(),
        "load": [load_before, round(os.getloadavg()[0], 1)],
        "end_to_end_s": round(e2e["seconds"], 1),
        "big_attachment_s": round(big["seconds"], 1) if big else None,
        "big_attachment_verdicts": big["verdicts"] if big else None,
    }
    write(json.dumps({"a": e2e["a"], "b": e2e["b"]}, ensure_ascii=False))
    write(json.dumps({"timeline": e2e["timeline"]}))
    write(json.dumps(result, ensure_ascii=False))
    return result
