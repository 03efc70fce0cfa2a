"""Hooks through which upper apps hear of documents events (ADR 0017: explicit registries, no
signals).

Documents services call the hook functions inside their transaction. A listener that writes its
own outbox rows runs in that transaction (it commits or rolls back with the state change); a
listener that talks to the outside must schedule itself with `transaction.on_commit`. Listeners
register in their app's `AppConfig.ready`; the list of listeners is the list below.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# (document_ids, new_state): one call for documents that took the same state together
IncomingStateListener = Callable[[list[int], str], None]
OutboxListener = Callable[[list[int]], None]
# (document_id, kind, by_document_id, reason): kind is a RelationKind value
SupersededListener = Callable[[int, str, int | None, str], None]
# (request, document) -> safe HTML of a section shown on the document's detail page
DetailSection = Callable[[Any, Any], str]

_incoming_state_listeners: list[IncomingStateListener] = []
_outbox_listeners: list[OutboxListener] = []
_superseded_listeners: list[SupersededListener] = []
_outgoing_sections: list[DetailSection] = []
_incoming_sections: list[DetailSection] = []


def register_incoming_state_listener(listener: IncomingStateListener) -> None:
    """Call `listener(document_ids, new_state)` whenever incoming documents change state (a
    list of one for a single change; registering the same function twice keeps one)."""
    if listener not in _incoming_state_listeners:
        _incoming_state_listeners.append(listener)


def unregister_incoming_state_listener(listener: IncomingStateListener) -> None:
    if listener in _incoming_state_listeners:
        _incoming_state_listeners.remove(listener)


def incoming_state_changed(document_id: int, new_state: str) -> None:
    """An incoming document took `new_state` (an `IncomingStatus` value) in the current
    transaction: tell every listener, in registration order."""
    incoming_states_changed([document_id], new_state)


def incoming_states_changed(document_ids: list[int], new_state: str) -> None:
    """Several incoming documents took `new_state` together in the current transaction (a
    page of arrivals registered at once): tell every listener once, in registration order."""
    if not document_ids:
        return
    for listener in list(_incoming_state_listeners):
        listener(list(document_ids), new_state)


def register_outbox_listener(listener: OutboxListener) -> None:
    """Call `listener(outbox_message_ids)` when outbox rows are written (issuing)."""
    if listener not in _outbox_listeners:
        _outbox_listeners.append(listener)


def unregister_outbox_listener(listener: OutboxListener) -> None:
    if listener in _outbox_listeners:
        _outbox_listeners.remove(listener)


def outbox_messages_written(message_ids: list[int]) -> None:
    """`OutboxMessage` rows were written in the current transaction (the exchange app schedules
    their sending after commit)."""
    if not message_ids:
        return
    for listener in list(_outbox_listeners):
        listener(list(message_ids))


def register_superseded_listener(listener: SupersededListener) -> None:
    """Call `listener(document_id, kind, by_document_id, reason)` when an issued outgoing
    document is revoked ("revokes", by_document_id None), replaced ("replaces") or corrected
    ("corrects") by the issued `by_document_id` — inside that transaction."""
    if listener not in _superseded_listeners:
        _superseded_listeners.append(listener)


def unregister_superseded_listener(listener: SupersededListener) -> None:
    if listener in _superseded_listeners:
        _superseded_listeners.remove(listener)


def outgoing_superseded(
    document_id: int, kind: str, by_document_id: int | None = None, reason: str = ""
) -> None:
    for listener in list(_superseded_listeners):
        listener(document_id, kind, by_document_id, reason)


def register_outgoing_detail_section(section: DetailSection) -> None:
    """Add a section (safe HTML, or "" for none) to the outgoing document's detail page."""
    if section not in _outgoing_sections:
        _outgoing_sections.append(section)


def register_incoming_detail_section(section: DetailSection) -> None:
    """Add a section (safe HTML, or "" for none) to the incoming document's detail page."""
    if section not in _incoming_sections:
        _incoming_sections.append(section)


def outgoing_detail_sections(request: Any, document: Any) -> list[str]:
    return [html for section in _outgoing_sections if (html := section(request, document))]


def incoming_detail_sections(request: Any, document: Any) -> list[str]:
    return [html for section in _incoming_sections if (html := section(request, document))]
