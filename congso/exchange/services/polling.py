"""The periodic work of the connector: poll the hub for each member this installation speaks
for, and sweep the outboxes (rows whose send was never scheduled, whose back-off is over, or
whose worker died mid-send)."""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.db import connection, connections

from congso.exchange.services import config
from congso.exchange.services.applying import status_page_apply
from congso.exchange.services.common import exclusive, exclusive_many
from congso.exchange.services.receiving_batch import received_page_process
from congso.exchange.transport import ReceivedItem, Transport, TransportError

logger = logging.getLogger("congso.exchange")
BUSY = "busy"  # the item is being handled by another poll right now


@dataclass
class PollResult:
    packages: Counter[str] = field(default_factory=Counter)
    statuses: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    lingered: bool = False  # the poll waited at the hub for new deliveries (long polling)


def _take_page(
    transport: Transport, items: list[ReceivedItem], *, status: bool, ack: Callable[[str], None]
) -> list[str]:
    """A page of packages or statuses: every item this poll can claim is handled together
    (`receiving_batch.received_page_process`, `applying.status_page_apply`); the items another
    poll holds are "busy". Each hub item is claimed for the time it is handled, so overlapping
    polls share a page instead of applying the same item twice."""
    kind = "status" if status else "package"
    handle = status_page_apply if status else received_page_process
    names = [f"exchange-item:{transport.member_code}:{kind}:{item.id}" for item in items]
    with exclusive_many(names) as mine:  # one statement to claim the page, one to release it
        claimed = [item for item, ok in zip(items, mine, strict=True) if ok]
        try:
            done = iter(handle(transport=transport, items=claimed, ack=ack))
        except TransportError:
            raise
        except Exception:
            logger.exception("exchange: a page of %ss of %s failed", kind, transport.member_code)
            done = iter(["retry"] * len(claimed))
        return [next(done) if ok else BUSY for ok in mine]


class _Replies:
    """Sends the member's due replies (the 01s a poll's registrations queue, the clerk's 03s)
    while the poll goes on: from a thread of its own with its own database connection, woken
    after each package, so the poll does not wait for the hub to take each reply and the
    replies do not wait for a free pool process (their Celery tasks find them sent). Each
    reply is claimed, so nothing is sent twice. Inside a transaction (tests) or on SQLite the
    replies are sent in line after each package instead; the rest at the end of the poll."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport
        self.wake = threading.Event()
        self.done = False
        self.thread: threading.Thread | None = None

    def __enter__(self) -> _Replies:
        return self

    def poke(self) -> None:
        if self.thread is None:
            if connection.vendor != "postgresql" or connection.in_atomic_block:
                member_statuses_send(transport=self.transport)
                return
            self.thread = threading.Thread(target=self._run, name="exchange-replies", daemon=True)
            self.thread.start()
        self.wake.set()

    def _send(self) -> None:
        try:
            member_statuses_send(transport=self.transport)
        except Exception:  # the sweep sends what is left; the poll must go on
            logger.exception(
                "exchange: sending the replies of %s failed", self.transport.member_code
            )

    def _run(self) -> None:
        try:
            while True:
                self.wake.wait(timeout=1.0)
                self.wake.clear()
                last = self.done
                self._send()
                if last:
                    return
        finally:
            connections.close_all()  # this thread's connections only

    def __exit__(self, *exc: object) -> None:
        if self.thread is None:
            member_statuses_send(transport=self.transport)
            return
        self.done = True
        self.wake.set()
        self.thread.join()


def member_poll(
    *,
    transport: Transport,
    limit: int | None = None,
    result: PollResult | None = None,
    linger: float = 0.0,
) -> PollResult:
    """Take every package, then every status, waiting for `transport`'s member, a page at a
    time: each handled item is acknowledged, so the next page holds the next items. A page
    with an item left for later ("retry"), or where every item was taken by another poll,
    ends the round, so the poll always terminates. With `linger` (seconds), a round that found
    nothing waits at the hub (`transport.wait`, long polling) for the next delivery and goes
    on, until `linger` seconds have passed since the poll began."""
    result = result or PollResult()
    limit = limit or int(settings.EXCHANGE_POLL_BATCH)
    deadline = time.monotonic() + linger
    try:
        with _Replies(transport) as replies:
            while True:
                before = _handled(result)
                _poll_rounds(transport, limit, result, replies)
                left = deadline - time.monotonic()
                if left < 1:
                    break
                if _handled(result) == before:
                    asked = time.monotonic()
                    waited = transport.wait(left)
                    if waited is None or (not waited and time.monotonic() - asked < 0.5):
                        break  # the axis cannot hold a request now (or at all): poll later
                    result.lingered = True
    except TransportError as exc:
        result.errors.append(f"{transport.member_code}: {exc.message}")
    return result


def _handled(result: PollResult) -> int:
    return sum(result.packages.values()) + sum(result.statuses.values())


def _poll_rounds(transport: Transport, limit: int, result: PollResult, replies: _Replies) -> None:
    """Pages of packages, then of statuses, with their bytes in the list (small ones). A page
    is taken a part at a time (`_parts`): each part's items are claimed, handled and
    acknowledged before the next, so a second poll of the member running at once takes the
    parts this one has not claimed (both cores work on one page) and the first items of a
    page are registered, answered and acknowledged without waiting for the last."""
    for status, lister, acker, counter in (
        (False, transport.list_received, transport.ack_many, result.packages),
        (True, transport.list_statuses, transport.ack_statuses, result.statuses),
    ):
        while True:
            items = lister(limit=limit, inline=True)
            outcomes: list[str] = []
            for part in _parts(items):
                acks: list[str] = []
                try:
                    outcomes += _take_page(transport, part, status=status, ack=acks.append)
                    if not status:
                        replies.poke()
                finally:
                    if acks:
                        acker(acks)
            counter.update(outcome for outcome in outcomes if outcome != BUSY)
            progress = any(outcome != BUSY for outcome in outcomes)
            if len(items) < limit or "retry" in outcomes or not progress:
                break


def _parts(items: list[ReceivedItem]) -> list[list[ReceivedItem]]:
    """A listed page cut into parts of EXCHANGE_POLL_PART items (at least one)."""
    size = max(int(settings.EXCHANGE_POLL_PART), 1)
    return [items[start : start + size] for start in range(0, len(items), size)]


def member_statuses_send(*, transport: Transport, limit: int = 500) -> int:
    """Send the replies of `transport`'s member that are due, through `transport`, in batches;
    each row is claimed, so a send task or the sweep holding it is left alone. Returns how
    many rows were tried."""
    from congso.exchange.services.statuses import status_batch_send

    return _drain(
        partial(status_batch_send, from_code=transport.member_code, transport=transport), limit
    )


def exchange_poll_all() -> PollResult:
    """Poll the hub for every configured member (nothing when the connector is off). At most
    EXCHANGE_POLL_WORKERS polls of one member run at once (beat ticks that find them all
    running return at once); those that do run share the waiting items (`_take_page`). The
    poll holding a member's first slot lingers EXCHANGE_POLL_WAIT_SECONDS (long polling: it
    waits at the hub for the next delivery); the others end when the hub is empty. Only an
    installation speaking for one member lingers (a wait is for one member; with several,
    each is polled in turn every EXCHANGE_POLL_SECONDS)."""
    result = PollResult()
    if not config.is_enabled():
        return result
    slots = max(int(settings.EXCHANGE_POLL_WORKERS), 1)
    codes = config.member_codes()
    linger = float(settings.EXCHANGE_POLL_WAIT_SECONDS) if len(codes) == 1 else 0.0
    for code in codes:
        with ExitStack() as stack:
            slot = next(
                (
                    slot
                    for slot in range(slots)
                    if stack.enter_context(exclusive(f"exchange-poll:{code}:{slot}"))
                ),
                None,
            )
            if slot is None:
                continue
            member_poll(
                transport=config.transport_for(code),
                result=result,
                linger=linger if slot == 0 else 0.0,
            )
    return result


def _drain(send: Callable[[], dict[int, str]], limit: int = 500) -> int:
    """Call a batch send until a batch comes back short of EXCHANGE_SEND_BATCH (nothing more
    was due) or `limit` rows were tried; returns how many rows were tried."""
    tried = 0
    while tried < limit:
        states = send()
        tried += len(states)
        if len(states) < int(settings.EXCHANGE_SEND_BATCH):
            break
    return tried


def exchange_sweep_send() -> dict[str, int]:
    """Send, in this task, every outbox row, status reply and revoke/update/replace package
    that is due (never sent by its own task, back-off over, lease lapsed): outbox rows and
    replies in batches, business packages one claimed row at a time. Sending here instead of
    queueing one task per row keeps the broker queue from filling with copies of the same rows
    on every beat tick while the workers are busy; only one sweep runs at a time (others return
    at once), and a row a send task holds is skipped by the claim."""
    from congso.exchange.services.business import business_due_ids, business_message_send
    from congso.exchange.services.sending import outbox_batch_send
    from congso.exchange.services.statuses import status_batch_send

    with exclusive("exchange-sweep") as mine:
        if not mine:
            return {"outbox": 0, "statuses": 0, "business": 0}
        outbox = _drain(outbox_batch_send)
        statuses = _drain(status_batch_send)
        business_ids = business_due_ids()
        for message_id in business_ids:
            business_message_send(message_id=message_id)
    return {"outbox": outbox, "statuses": statuses, "business": len(business_ids)}
