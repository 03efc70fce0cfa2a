"""Who hears of dossier changes (ADR 0017): an explicit registry, not a Django signal.

Upper apps (portalsync) register a callback in their AppConfig.ready:

    from congso.dossiers import hooks
    hooks.on_status_change(my_callback)   # my_callback(dossier_id: int, event_id: int)

Services call `status_changed(dossier_id, event_id)` inside `transaction.on_commit` for every
`DossierEvent` they write (status changes and hand-overs alike: the event's `portal_status` says
which portal status the dossier has after it), so callbacks see committed data only.

Callbacks that must write in the same transaction as the change (portalsync's outbox: a status
change never commits without its portal message) register with `in_transaction(callback)`;
services call `status_changing(dossier_id, event_id)` right after writing each `DossierEvent`,
inside their atomic block. Such a callback sees the saved dossier and event; if it raises, the
service (and the change) rolls back.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django.db import transaction

StatusCallback = Callable[[int, int], None]

_callbacks: list[StatusCallback] = []
_in_transaction: list[StatusCallback] = []


def on_status_change(callback: StatusCallback) -> StatusCallback:
    """Register `callback(dossier_id, event_id)`; registering twice is a no-op. Returns it, so it
    can be used as a decorator."""
    if callback not in _callbacks:
        _callbacks.append(callback)
    return callback


def in_transaction(callback: StatusCallback) -> StatusCallback:
    """Register `callback(dossier_id, event_id)` to run inside the service's transaction;
    registering twice is a no-op. Returns it, so it can be used as a decorator."""
    if callback not in _in_transaction:
        _in_transaction.append(callback)
    return callback


def remove(callback: StatusCallback) -> None:
    for registry in (_callbacks, _in_transaction):
        if callback in registry:
            registry.remove(callback)


def registered() -> tuple[StatusCallback, ...]:
    return tuple(_callbacks)


def registered_in_transaction() -> tuple[StatusCallback, ...]:
    return tuple(_in_transaction)


def status_changing(dossier_id: int, event_id: int) -> None:
    """Call every in-transaction callback (called by the services inside their atomic block,
    right after each `DossierEvent`); an exception propagates and rolls the service back."""
    for callback in tuple(_in_transaction):
        callback(dossier_id, event_id)


def status_changed(dossier_id: int, event_id: int) -> None:
    """Tell every registered callback (called by the services after commit)."""
    for callback in tuple(_callbacks):
        callback(dossier_id, event_id)


def schedule_status_changed(dossier_id: int, event_id: int) -> None:
    """Run `status_changed` once the current transaction commits (now, outside one)."""
    transaction.on_commit(partial(status_changed, dossier_id, event_id))
