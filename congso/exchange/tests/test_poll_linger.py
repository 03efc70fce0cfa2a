"""Long polling from the connector's side: a poll that waits at the hub between rounds
(`HubClient.wait` itself is tested against the hub in test_hubclient_listing.py)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from congso.exchange.services.polling import member_poll
from congso.exchange.tests.test_hubclient_listing import CODE


class _Waiting:
    """A transport whose hub holds `wait` and has one package after the first wait."""

    member_code = CODE

    def __init__(self) -> None:
        self.waits: list[float] = []
        self.lists = Counter[str]()

    def wait(self, seconds: float) -> bool | None:
        self.waits.append(seconds)
        return len(self.waits) == 1  # the second wait "runs out" (returns False after its time)

    def list_received(self, limit: int = 100, *, inline: bool = False) -> list[Any]:
        self.lists["packages"] += 1
        return []

    def list_statuses(self, limit: int = 100, *, inline: bool = False) -> list[Any]:
        self.lists["statuses"] += 1
        return []

    def ack_many(self, ids: list[str]) -> None:
        raise AssertionError("nothing was listed")

    ack_statuses = ack_many


@pytest.mark.django_db
def test_a_lingering_poll_waits_at_the_hub_between_rounds(monkeypatch: Any) -> None:
    transport = _Waiting()
    clock = iter([0.0, 0.0, 1.0, 1.0, 2.0, 30.0, 40.0])
    monkeypatch.setattr(
        "congso.exchange.services.polling.time.monotonic", lambda: next(clock, 100.0)
    )
    # when a poll lingers 10 s and the hub has nothing
    result = member_poll(transport=transport, linger=10)  # type: ignore[arg-type]
    # then it asked the hub to wait (for what was left of its time), polled again when woken
    # and when the second wait ran out, and ended when its time was up
    assert transport.waits == [10.0, 9.0]
    assert transport.lists == {"packages": 3, "statuses": 3}
    assert result.lingered


@pytest.mark.django_db
def test_a_poll_without_linger_never_waits() -> None:
    transport = _Waiting()
    result = member_poll(transport=transport, linger=0)  # type: ignore[arg-type]
    assert transport.waits == []
    assert not result.lingered
