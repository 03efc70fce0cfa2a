"""Several packages in one request: each checked as if sent alone, then those that passed written
in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.db import transaction

from congso.core.errors import CongsoError
from congso.hub.models import Member
from congso.hub.services.intake import Accepted, Pending, Read, pending_write
from congso.hub.services.messages import (
    message_accept,
    message_check,
    message_read,
    messages_prefetch,
)
from congso.hub.services.statuses import status_accept, status_check, status_read, statuses_prefetch
from congso.hub.storage import Upload


def batch_accept(
    *, sender: Member, uploads: list[Upload], accept: Callable[..., Accepted]
) -> list[Accepted | CongsoError]:
    """Several packages, each through `accept` (`message_accept` or `status_accept`) as if
    sent alone: one outcome each, the refusal or what was accepted. Every package is checked
    first (no write, no lock held; the checks' reads are one query per kind of read for the
    whole batch); then the records of those that passed are written in ONE transaction
    (`pending_write`: one INSERT per table and one audit write for the lot) — an unexpected
    error keeps nothing of the batch, and the sender's retry is idempotent."""
    read, check, prefetch = _STEPS[accept]
    outcomes: list[Accepted | CongsoError | None] = [None] * len(uploads)
    reads: list[tuple[int, Read]] = []
    for index, upload in enumerate(uploads):
        try:
            reads.append((index, read(sender, upload)))
        except CongsoError as exc:
            outcomes[index] = exc
    lookups = prefetch(sender, [r for _, r in reads])
    pending: list[tuple[int, Pending]] = []
    for index, one in reads:
        try:
            checked = check(sender, one, lookups)
        except CongsoError as exc:
            outcomes[index] = exc
            continue
        if isinstance(checked, Accepted):
            outcomes[index] = checked  # a repeat of a kept package
        else:
            pending.append((index, checked))
    if pending:
        with transaction.atomic():
            written = pending_write([p for _, p in pending])
        for (index, _), accepted in zip(pending, written, strict=True):
            outcomes[index] = accepted
    return cast(list[Accepted | CongsoError], outcomes)  # every None got its record's answer


_STEPS: dict[Callable[..., Accepted], tuple[Callable[..., Read], Callable[..., Any], Any]] = {
    message_accept: (message_read, message_check, messages_prefetch),
    status_accept: (status_read, status_check, statuses_prefetch),
}
