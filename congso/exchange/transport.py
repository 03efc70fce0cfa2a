"""The seam between the connector and an interchange axis (trục liên thông).

`hubclient.HubClient` speaks congso's own hub API; the national axis's protocol (standards.md
§4.7: not published) would be another implementation. Unit tests use `tests/fakes.FakeTransport`.
A transport acts for ONE member organisation (its identifier code and credentials).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class TransportError(Exception):
    """The axis could not be reached or answered an error.

    `permanent` is True when sending the same bytes again cannot succeed (the axis refused the
    package: 4xx other than 401/408/429); `code` is the axis's stable error code if it gave one.
    """

    def __init__(
        self, message: str, *, code: str = "transport_error", permanent: bool = False
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.permanent = permanent


@dataclass(frozen=True)
class SentMessage:
    id: str
    document_id: str = ""
    recipients: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReceivedItem:
    """A document package or a status package waiting for this member."""

    id: str
    from_code: str
    document_id: str
    business: str = ""
    status_code: str = ""
    content: bytes | None = None  # the package itself, when the axis sent it with the list


class Transport(Protocol):
    member_code: str

    def send(self, package: Path | bytes) -> SentMessage:
        """Hand an edXML document package to the axis (idempotent on the same bytes)."""

    def list_received(self, limit: int = 100, *, inline: bool = False) -> list[ReceivedItem]:
        """Document packages addressed to this member and not acknowledged yet, oldest first;
        with `inline`, small packages come with their bytes (`content`)."""

    def fetch(self, message_id: str, out: BinaryIO) -> int:
        """Stream one package into `out`; returns the number of bytes written."""

    def ack(self, message_id: str) -> None:
        """Acknowledge a package: it is not listed again (idempotent)."""

    def send_status(self, package: bytes) -> str:
        """Hand a status package to the axis; returns its id."""

    def list_statuses(self, limit: int = 100, *, inline: bool = False) -> list[ReceivedItem]:
        """Status packages addressed to this member and not acknowledged yet, oldest first;
        with `inline`, they come with their bytes (`content`)."""

    def fetch_status(self, status_id: str) -> bytes:
        """The raw status package."""

    def ack_status(self, status_id: str) -> None:
        """Acknowledge a status package (idempotent)."""

    # --- batch verbs: one call for many items; each item succeeds or fails on its own -------

    def send_many(self, packages: Sequence[Path]) -> list[SentMessage | TransportError]:
        """Hand several small document packages to the axis; one outcome per package, in order."""

    def send_statuses(self, packages: Sequence[bytes]) -> list[str | TransportError]:
        """Hand several status packages to the axis; the id or the error of each, in order."""

    def ack_many(self, message_ids: Sequence[str]) -> None:
        """Acknowledge several packages (idempotent)."""

    def ack_statuses(self, status_ids: Sequence[str]) -> None:
        """Acknowledge several status packages (idempotent)."""

    def wait(self, seconds: float) -> bool | None:
        """Wait (long polling) until a package or a status is waiting for this member, or
        `seconds` pass: True when something is waiting, False when the time ran out, None when
        the axis cannot wait (the caller polls again later instead)."""


class OneByOne:
    """The batch verbs of `Transport` made of the single ones, for an axis without batch calls
    (a transport class inherits this and defines the single verbs)."""

    def send(self, package: Path | bytes) -> SentMessage:
        raise NotImplementedError

    def send_status(self, package: bytes) -> str:
        raise NotImplementedError

    def ack(self, message_id: str) -> None:
        raise NotImplementedError

    def ack_status(self, status_id: str) -> None:
        raise NotImplementedError

    def send_many(self, packages: Sequence[Path]) -> list[SentMessage | TransportError]:
        return [_outcome(self.send, package) for package in packages]

    def send_statuses(self, packages: Sequence[bytes]) -> list[str | TransportError]:
        return [_outcome(self.send_status, package) for package in packages]

    def ack_many(self, message_ids: Sequence[str]) -> None:
        for message_id in message_ids:
            self.ack(message_id)

    def ack_statuses(self, status_ids: Sequence[str]) -> None:
        for status_id in status_ids:
            self.ack_status(status_id)

    def wait(self, seconds: float) -> bool | None:
        return None  # no long polling


def _outcome(call: Callable[[T], R], item: T) -> R | TransportError:
    try:
        return call(item)
    except TransportError as exc:
        if not exc.permanent:
            raise  # the axis is unreachable: the rest would fail the same way
        return exc
