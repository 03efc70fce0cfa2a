"""Wake-ups across hub processes over PostgreSQL LISTEN/NOTIFY (ADR 0026).

With several hub processes (`congso hub serve --processes N`) a `wait/` request held by one
process must hear of a delivery written by another. The transaction that writes deliveries
also runs `pg_notify` with the recipients' ids; PostgreSQL sends the notice only when that
transaction commits (and never for one rolled back). Each process has one listener thread,
started at its first `wait/` (after the fork, never inherited), on a connection of its own; a
notice wakes the waiting requests of those members in that process, exactly as a delivery
made in the process itself does (`wakeups._wake`).

While the listener is connected, a held request looks at the database only every
`HUB_WAIT_RECHECK_NOTIFIED_SECONDS` (a safety net for a notice lost while reconnecting)
instead of every `HUB_WAIT_RECHECK_SECONDS`. Off (the default) with one process or on SQLite:
nothing is sent and nothing listens.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterator
from typing import Any

from django.db import connection

from congso.hub import conf

logger = logging.getLogger(__name__)
CHANNEL = "congso_hub_deliveries"
PAYLOAD_MAX_CHARS = 7000  # PostgreSQL refuses a payload of 8,000 bytes or more
RECONNECT_S = 2.0

Wake = Callable[[list[int]], None]


def enabled() -> bool:
    return conf.wait_notify() and connection.vendor == "postgresql"


def deliveries_notify(recipient_ids: list[int]) -> None:
    """Inside the transaction that writes deliveries: notify the other hub processes of these
    recipients (distinct, as `wakeups.deliveries_made` gives them) when it commits."""
    if not enabled():
        return
    with connection.cursor() as cursor:
        for payload in _payloads(recipient_ids):
            cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, payload])


def _payloads(ids: list[int]) -> Iterator[str]:
    chunk: list[str] = []
    size = 0
    for member_id in ids:
        text = str(member_id)
        if chunk and size + len(text) + 1 > PAYLOAD_MAX_CHARS:
            yield ",".join(chunk)
            chunk, size = [], 0
        chunk.append(text)
        size += len(text) + 1
    if chunk:
        yield ",".join(chunk)


def member_ids(payload: str) -> list[int]:
    """The ids of a notice; anything that is not one is ignored (the recheck covers it)."""
    return [int(part) for part in payload.split(",") if part.strip().isdigit()]


class Listener(threading.Thread):
    """LISTENs on its own autocommit connection and hands each notice's ids to `wake`;
    reconnects after `RECONNECT_S` when the connection fails."""

    def __init__(self, params: dict[str, Any], wake: Wake) -> None:
        super().__init__(name="hub-notices", daemon=True)
        self.params = params
        self.wake = wake
        self.pid = os.getpid()
        self.listening = threading.Event()
        self.stopping = threading.Event()

    def run(self) -> None:
        import psycopg

        while not self.stopping.is_set():
            try:
                with psycopg.connect(**self.params, autocommit=True) as listen:
                    listen.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    while not self.stopping.is_set():
                        for notice in listen.notifies(timeout=1.0):
                            self.wake(member_ids(notice.payload))
            except Exception as exc:  # noqa: BLE001 - logged; the recheck covers the gap
                logger.warning("hub notices: listener connection lost (%r)", exc)
            self.listening.clear()
            self.stopping.wait(RECONNECT_S)

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=10)


_listener: Listener | None = None
_lock = threading.Lock()


def listening(wake: Wake) -> bool:
    """Start this process's listener at the first call; whether it listens now."""
    global _listener  # noqa: PLW0603
    if not enabled():
        return False
    with _lock:
        if _listener is None or _listener.pid != os.getpid() or not _listener.is_alive():
            _listener = Listener(connection.get_connection_params(), wake)
            _listener.start()
            _listener.listening.wait(timeout=5)
        return _listener.listening.is_set()


def listener_stop() -> None:
    """Stop this process's listener (tests; a process that ends needs nothing)."""
    global _listener  # noqa: PLW0603
    with _lock:
        if _listener is not None:
            _listener.stop()
            _listener = None
