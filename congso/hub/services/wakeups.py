"""Long polling (docs/hub.md, "Waiting for deliveries"): a member's `wait/` request is held
until a package or a status is delivered to it, or until its time is up, so a connector hears
of a new delivery at once instead of at its next poll.

Each delivery written wakes the waiting requests of its recipients when its transaction
commits (`deliveries_made`), in this process. With several hub processes, PostgreSQL's NOTIFY
carries the same wake-up to the others (`notices`, ADR 0026). A request also looks at the
database again every `HUB_WAIT_RECHECK_SECONDS` (`HUB_WAIT_RECHECK_NOTIFIED_SECONDS` while its
process listens), so a delivery is seen within that time whatever happens to the notices. At
most `HUB_WAIT_MAX_WAITERS` requests wait at once (each holds a server thread); the others are
answered at once, as if nothing had come.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.db import transaction

from congso.hub import conf
from congso.hub.services import notices

_changed = threading.Condition()
_generation: defaultdict[int, int] = defaultdict(int)  # member id -> deliveries made so far
_waiting = 0


def deliveries_made(recipient_ids: Iterable[int]) -> None:
    """Wake the requests waiting for these members once the current transaction commits, in
    this process and (with several processes, ADR 0026) in the others."""
    ids = sorted(set(recipient_ids))
    if ids:
        notices.deliveries_notify(ids)
        transaction.on_commit(lambda: _wake(ids))


def _wake(ids: list[int]) -> None:
    with _changed:
        for member_id in ids:
            _generation[member_id] += 1
        _changed.notify_all()


def delivery_wait(*, member_id: int, seconds: float, pending: Callable[[], bool]) -> bool:
    """Return True as soon as `pending()` is true or a delivery to the member is made in this
    process, False when `seconds` pass first or too many requests are waiting already."""
    global _waiting
    if pending():
        return True
    if seconds <= 0:
        return False
    # Listening starts before the snapshot below, so no notice falls between the two.
    announced = notices.listening(_wake)
    with _changed:
        if _waiting >= conf.wait_max_waiters():
            return False
        _waiting += 1
        seen = _generation[member_id]
    try:
        deadline = time.monotonic() + seconds
        recheck = conf.wait_recheck_seconds()
        if announced:  # other processes' deliveries wake this one too
            recheck = max(recheck, conf.wait_recheck_notified_seconds())
            if pending():  # committed after the first look, before the snapshot
                return True
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            with _changed:
                if _generation[member_id] == seen:
                    _changed.wait(min(left, recheck))
                woken = _generation[member_id] != seen
            if woken:
                return True
            if pending():  # written by another process of the hub
                return True
    finally:
        with _changed:
            _waiting -= 1
