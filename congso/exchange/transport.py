"""The seam between the connector and an interchange axis (trục liên thông).

`hubclient.HubClient` speaks congso's own hub API; the national axis's protocol (standards.md
§4.7: not published) would be another implementation. Unit tests use `tests/fakes.FakeTransport`.
A transport acts for ONE member organisation (its identifier code and credentials).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol


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


class Transport(Protocol):
    member_code: str

    def send(self, package: Path | bytes) -> SentMessage:
        """Hand an edXML document package to the axis (idempotent on the same bytes)."""

    def list_received(self, limit: int = 100) -> list[ReceivedItem]:
        """Document packages addressed to this member and not acknowledged yet, oldest first."""

    def fetch(self, message_id: str, out: BinaryIO) -> int:
        """Stream one package into `out`; returns the number of bytes written."""

    def ack(self, message_id: str) -> None:
        """Acknowledge a package: it is not listed again (idempotent)."""

    def send_status(self, package: bytes) -> str:
        """Hand a status package to the axis; returns its id."""

    def list_statuses(self, limit: int = 100) -> list[ReceivedItem]:
        """Status packages addressed to this member and not acknowledged yet, oldest first."""

    def fetch_status(self, status_id: str) -> bytes:
        """The raw status package."""

    def ack_status(self, status_id: str) -> None:
        """Acknowledge a status package (idempotent)."""
