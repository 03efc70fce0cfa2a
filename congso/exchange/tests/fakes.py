"""FakeTransport: an in-memory hub for the connector's UNIT tests only (never used outside
tests). It keeps the hub API's behaviour that the connector relies on: sender identity from the
envelope, delivery per recipient until acknowledged, idempotent sends on the same bytes, status
relay to the original sender."""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from congso.exchange import lib
from congso.exchange.transport import OneByOne, ReceivedItem, SentMessage, TransportError


@dataclass
class StoredPackage:
    id: str
    from_code: str
    to_codes: list[str]
    document_id: str
    business: str
    data: bytes
    acked_by: set[str] = field(default_factory=set)


@dataclass
class StoredStatus:
    id: str
    from_code: str
    to_code: str
    document_id: str
    status_code: str
    data: bytes
    acked: bool = False


class FakeHub:
    def __init__(self) -> None:
        self.packages: dict[str, StoredPackage] = {}
        self.statuses: dict[str, StoredStatus] = {}
        self.sent_by_sha: dict[str, str] = {}
        self.send_failures: list[TransportError] = []  # raised by the next sends, in order
        self.send_calls = 0
        self.inline_max = 1024 * 1024  # packages up to this size come with the list (inline)
        self._ids = itertools.count(1)

    def transport(self, code: str) -> FakeTransport:
        return FakeTransport(self, code)

    def deliver_raw(self, data: bytes, *, from_code: str, to_code: str, document_id: str) -> str:
        """Put bytes on the hub as if a (possibly broken) sender had sent them."""
        message_id = f"m{next(self._ids)}"
        self.packages[message_id] = StoredPackage(
            message_id, from_code, [to_code], document_id, "new", data
        )
        return message_id

    def deliver_status_raw(
        self, data: bytes, *, from_code: str, to_code: str, document_id: str, status_code: str
    ) -> str:
        status_id = f"s{next(self._ids)}"
        self.statuses[status_id] = StoredStatus(
            status_id, from_code, to_code, document_id, status_code, data
        )
        return status_id

    def statuses_for(self, code: str) -> list[StoredStatus]:
        return [s for s in self.statuses.values() if s.to_code == code]


class FakeTransport(OneByOne):
    def __init__(self, hub: FakeHub, member_code: str) -> None:
        self.hub = hub
        self.member_code = member_code

    def send(self, package: Path | bytes) -> SentMessage:
        self.hub.send_calls += 1
        if self.hub.send_failures:
            raise self.hub.send_failures.pop(0)
        data = package.read_bytes() if isinstance(package, Path) else package
        envelope = lib.read_envelope(data)
        if envelope.from_code != self.member_code:
            raise TransportError("hub_sender_mismatch", code="hub_sender_mismatch", permanent=True)
        if envelope.is_secret:
            raise TransportError("secret", code="edxml_secret_refused", permanent=True)
        sha = hashlib.sha256(data).hexdigest()
        if sha in self.hub.sent_by_sha:
            existing = self.hub.packages[self.hub.sent_by_sha[sha]]
            return SentMessage(existing.id, existing.document_id, tuple(existing.to_codes))
        message_id = f"m{next(self.hub._ids)}"
        self.hub.packages[message_id] = StoredPackage(
            message_id,
            envelope.from_code,
            list(envelope.to_codes),
            envelope.document_id,
            envelope.business_kind or "new",
            data,
        )
        self.hub.sent_by_sha[sha] = message_id
        return SentMessage(message_id, envelope.document_id, tuple(envelope.to_codes))

    def list_received(self, limit: int = 100, *, inline: bool = False) -> list[ReceivedItem]:
        waiting = [
            p
            for p in self.hub.packages.values()
            if self.member_code in p.to_codes and self.member_code not in p.acked_by
        ]
        return [
            ReceivedItem(
                p.id, p.from_code, p.document_id, p.business,
                content=p.data if inline and len(p.data) <= self.hub.inline_max else None,
            )
            for p in waiting[:limit]
        ]  # fmt: skip

    def fetch(self, message_id: str, out: BinaryIO) -> int:
        data = self.hub.packages[message_id].data
        out.write(data)
        return len(data)

    def ack(self, message_id: str) -> None:
        self.hub.packages[message_id].acked_by.add(self.member_code)

    def send_status(self, package: bytes) -> str:
        status = lib.parse_status(package)
        if status.from_org.code != self.member_code:
            raise TransportError("hub_sender_mismatch", code="hub_sender_mismatch", permanent=True)
        status_id = f"s{next(self.hub._ids)}"
        self.hub.statuses[status_id] = StoredStatus(
            status_id,
            status.from_org.code,
            status.to_orgs[0].code,
            status.response_for_document_id,
            status.status_code,
            package,
        )
        return status_id

    def list_statuses(self, limit: int = 100, *, inline: bool = False) -> list[ReceivedItem]:
        waiting = [
            s for s in self.hub.statuses.values() if s.to_code == self.member_code and not s.acked
        ]
        return [
            ReceivedItem(
                s.id, s.from_code, s.document_id, status_code=s.status_code,
                content=s.data if inline and len(s.data) <= self.hub.inline_max else None,
            )
            for s in waiting[:limit]
        ]  # fmt: skip

    def fetch_status(self, status_id: str) -> bytes:
        return self.hub.statuses[status_id].data

    def ack_status(self, status_id: str) -> None:
        self.hub.statuses[status_id].acked = True


CURRENT_HUB = FakeHub()


def transport_factory(member: Any) -> FakeTransport:
    """EXCHANGE_TRANSPORT in unit tests: the member's view of the current fake hub."""
    return CURRENT_HUB.transport(member.code)
