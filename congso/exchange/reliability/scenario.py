"""The reliability scenario of issue 5: agency A (installation a) issues N documents to agency B
(installation b) through a running hub while, in flight, the hub is stopped and restarted, A's
worker is SIGKILLed mid-send and restarted, the broker restarts, and packages are delivered to B
twice. Then both databases are counted.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from congso.exchange.reliability.cluster import Cluster, broker_restart

Log = Callable[[str], None]


def _wait(
    what: str, check: Callable[[], bool], *, timeout: float, log: Log, every: float = 2.0
) -> bool:
    stop = time.monotonic() + timeout
    while time.monotonic() < stop:
        if check():
            return True
        time.sleep(every)
    log(f"… gave up waiting for {what} after {timeout:.0f}s")
    return False


def _sent(cluster: Cluster) -> int:
    return cluster.progress("a", "sent")


def _received(cluster: Cluster) -> int:
    return cluster.progress("b", "receipts")


def repost_stored_package(cluster: Cluster) -> dict[str, Any]:
    """A posts the stored bytes of one of its packages to the hub again: the hub must answer
    with the first message's id and deliver nothing new."""
    import psycopg

    from congso.exchange.hubclient import HubClient
    from congso.exchange.services.config import Member

    a = cluster.installations["a"]
    with psycopg.connect(cluster.hub_db_url) as conn:
        row = conn.execute(
            "SELECT id::text, stored_path FROM hub_message WHERE kind = 'edoc' "
            "ORDER BY created_at LIMIT 1"
        ).fetchone()
    if row is None:
        return {"reposted": False}
    message_id, stored = row
    path = Path(stored)
    if not path.is_absolute():
        path = cluster.root / "hub" / "hub-store" / stored
    client = HubClient(Member(code=a.code, key_file=a.key), base_url=cluster.hub_url, retries=5)
    again = client.send(path)
    return {"reposted": True, "same_id": again.id == message_id}


def redeliver(cluster: Cluster, count: int) -> int:
    """The hub offers `count` packages B already acknowledged once more (as if B's ack was
    lost): B must see them as duplicates, register nothing and acknowledge again."""
    statement = (
        "UPDATE hub_delivery SET state = 'pending', delivered_at = NULL WHERE id IN ("
        " SELECT d.id FROM hub_delivery d JOIN hub_message m ON m.id = d.message_id"
        " WHERE m.kind = 'edoc' AND d.state = 'delivered' ORDER BY d.id LIMIT %s)"
    )
    return cluster.hub_sql(statement, (int(count),))


def run(
    cluster: Cluster,
    *,
    docs: int,
    timeout: float,
    hub_down_seconds: float = 8.0,
    log: Log = print,
) -> dict[str, Any]:
    """Run the scenario; returns the events, timings and both installations' counts."""
    a, b = cluster.installations["a"], cluster.installations["b"]
    events: dict[str, Any] = {}
    started = time.monotonic()
    cluster.prepare()
    events["prepare_s"] = round(time.monotonic() - started, 1)
    started = time.monotonic()
    cluster.hub_start()
    cluster.worker_start("a")
    cluster.worker_start("b")
    issuer = cluster.harness_popen(
        "a", "issue", "--code", a.code, "--peer", b.code, "--count", str(docs)
    )
    accepter = cluster.harness_popen(
        "b", "accept", "--code", b.code, "--expected", str(docs), "--deadline", str(timeout)
    )
    deadline = started + timeout
    step = max(docs // 10, 1)
    try:
        _wait("first sends", lambda: _sent(cluster) >= step, timeout=timeout / 3, log=log)
        log(f"{time.monotonic() - started:.0f}s hub stopped")
        cluster.hub_stop()
        time.sleep(hub_down_seconds)
        cluster.hub_start()
        events["hub_restarted_at_sent"] = _sent(cluster)
        log(f"{time.monotonic() - started:.0f}s hub restarted")

        _wait("more sends", lambda: _sent(cluster) >= 2 * step, timeout=timeout / 3, log=log)
        in_flight = cluster.counts("a")["outbox"].get("pending", 0)
        events["issuing_when_killed"] = issuer.poll() is None
        cluster.worker_kill("a")
        events["worker_a_killed_with_pending"] = in_flight
        log(f"{time.monotonic() - started:.0f}s worker A killed ({in_flight} pending)")
        time.sleep(2)
        cluster.worker_start("a")
        if cluster.hub_processes > 1:  # one of the hub's processes dies mid-request (ADR 0026)
            events["hub_child_killed"] = cluster.hub_kill_child() is not None
            log(f"{time.monotonic() - started:.0f}s a hub process killed")

        _wait("receipts", lambda: _received(cluster) >= step, timeout=timeout / 3, log=log)
        restart = broker_restart()
        events["broker_restart"] = restart or "skipped: no rabbitmqctl here"
        log(f"{time.monotonic() - started:.0f}s broker restart: {events['broker_restart']}")

        events["repost"] = repost_stored_package(cluster)
        events["redelivered"] = redeliver(cluster, min(20, step))
        log(f"{time.monotonic() - started:.0f}s duplicates: {events}")

        def done() -> bool:
            return cluster.progress("a", "03") >= docs

        _wait("every 03 back at A", done, timeout=max(deadline - time.monotonic(), 1), log=log)
    finally:
        events["elapsed_s"] = round(time.monotonic() - started, 1)
        for process in (issuer, accepter):
            _finish(process)
        cluster.stop_all()
    events["a"] = cluster.counts("a")
    events["b"] = cluster.counts("b")
    events["hub"] = hub_counts(cluster)
    return events


def hub_counts(cluster: Cluster) -> dict[str, int]:
    """Per kind and status code, how many deliveries the hub holds as acknowledged."""
    import psycopg

    with psycopg.connect(cluster.hub_db_url) as conn:
        rows = conn.execute(
            "SELECT m.kind, m.status_code, d.state, count(*) FROM hub_delivery d"
            " JOIN hub_message m ON m.id = d.message_id GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
        ).fetchall()
    return {":".join(str(v) for v in row[:3] if v): int(row[3]) for row in rows}


def _finish(process: subprocess.Popen[bytes]) -> None:
    import os
    import signal

    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)
