"""Several hub processes on one listening socket (`congso hub serve --processes N`, ADR 0026).

One waitress process runs Python on one core at a time (the GIL): a hub on a larger server
would stop at what one core gives, however many threads it has. With `processes > 1` the
command binds the socket once, loads the application once (its long-lived objects frozen,
ADR 0022, so the forked children share those pages), closes every database connection and
forks N children that serve the same socket. Whichever child is free accepts the next
connection. Nothing the hub keeps in a process is needed by another one: token replay marks
and deliveries are in the database; a waiting `wait/` request sees a delivery written by
another child at its next look at the database (`HUB_WAIT_RECHECK_SECONDS`).

The parent only supervises. A child that dies is started again, unless `MAX_QUICK_DEATHS`
children in a row die within `RESTART_WINDOW_S` of their start (a broken configuration: the
parent gives up and stops the rest, exit status 1). SIGTERM or SIGINT to the parent stops
every child (SIGTERM) and waits for them; the parent then exits 0.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connections

logger = logging.getLogger(__name__)
RESTART_WINDOW_S = 5.0
MAX_QUICK_DEATHS = 5

_STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}

Serve = Callable[[socket.socket], None]


def listening_socket(host: str, port: int, backlog: int = 1024) -> socket.socket:
    """The socket every child accepts on (SO_REUSEADDR, as waitress binds its own)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family, backlog=backlog, reuse_port=False)


@dataclass
class Supervisor:
    """Forks `processes` children running `serve(sock)` and keeps that many alive."""

    sock: socket.socket
    serve: Serve
    processes: int
    children: dict[int, float] = field(default_factory=dict)  # pid -> start (monotonic)
    stopping: bool = False
    quick_deaths: int = 0

    def run(self) -> int:
        connections.close_all()  # a connection must never be shared by two processes
        previous = {signum: signal.signal(signum, self._stop) for signum in _STOP_SIGNALS}
        try:
            for _ in range(self.processes):
                self._fork()
            return self._supervise()
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _fork(self) -> None:
        # Signals wait while the child takes default handling, so the parent's handler never
        # runs in a child (it would stop the child's siblings).
        signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
        pid = os.fork()
        if pid == 0:  # the child: default signal handling, serve until killed
            status = 0
            try:
                for signum in _STOP_SIGNALS:
                    signal.signal(signum, signal.SIG_DFL)
                signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
                self.serve(self.sock)
            except BaseException:  # noqa: BLE001 - reported, then the child ends
                logger.exception("hub process %s stopped on an error", os.getpid())
                status = 1
            finally:
                os._exit(status)
        self.children[pid] = time.monotonic()
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
        logger.info("hub process %s started", pid)

    def _stop(self, signum: int, _frame: object) -> None:
        self.stopping = True
        for pid in list(self.children):
            _signal(pid, signal.SIGTERM)

    def _supervise(self) -> int:
        failed = False
        while self.children:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            started = self.children.pop(pid, None)
            if started is None or self.stopping:
                continue
            logger.warning("hub process %s ended (status %s)", pid, status)
            if time.monotonic() - started < RESTART_WINDOW_S:
                self.quick_deaths += 1
            else:  # it had served: only deaths in a row at start mean a broken configuration
                self.quick_deaths = 0
            if self.quick_deaths >= MAX_QUICK_DEATHS:
                logger.error("hub processes keep dying at start: stopping the hub")
                failed = True
                self._stop(signal.SIGTERM, None)
                continue
            self._fork()
        return 1 if failed else 0


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass
