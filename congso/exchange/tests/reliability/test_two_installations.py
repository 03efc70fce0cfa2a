"""Issue 5, Reliability: two installations of the platform (two PostgreSQL databases, two
Celery workers on RabbitMQ) exchange N documents through a running hub (two processes) while the
hub is stopped and restarted, A's worker is SIGKILLed mid-send, one hub process is SIGKILLed,
the broker restarts and packages are delivered twice; then both databases are counted.

Runs on PostgreSQL with RabbitMQ at 127.0.0.1:5672 (under CI=true with PostgreSQL a missing
broker is a failure, not a skip). N = CONGSO_RELIABILITY_DOCS (default 1000), bounded by
CONGSO_RELIABILITY_TIMEOUT seconds (default 900) after the databases are ready.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from congso.exchange.reliability import scenario
from congso.exchange.reliability.cluster import Cluster, reachable

DOCS = int(os.environ.get("CONGSO_RELIABILITY_DOCS", "1000"))
TIMEOUT = float(os.environ.get("CONGSO_RELIABILITY_TIMEOUT", "900"))


def _requirements() -> str:
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return "needs DATABASE_URL on PostgreSQL (two installations = two databases)"
    if not reachable("127.0.0.1", 5672):
        if os.environ.get("CI") == "true":
            pytest.fail("CI on PostgreSQL: RabbitMQ must listen on 127.0.0.1:5672")
        return "needs RabbitMQ on 127.0.0.1:5672"
    return ""


@pytest.fixture
def cluster(tmp_path: Path) -> Any:
    reason = _requirements()
    if reason:
        pytest.skip(reason)
    url = os.environ.get("DATABASE_URL", "")
    prefix = f"{settings.DATABASES['default']['NAME']}_rel".removeprefix("test_")
    # the hub serves from two processes (ADR 0026): one of them is killed in flight too
    made = Cluster(root=tmp_path / "cluster", pg_url=url, prefix=prefix, hub_processes=2)
    yield made
    made.stop_all()


def test_every_document_arrives_once_and_every_status_comes_back(cluster: Cluster) -> None:
    # given installation A issuing DOCS documents to installation B through a running hub
    # when, in flight, the hub stops and restarts, A's worker is SIGKILLed mid-send, one of the
    # hub's two processes is SIGKILLed, the broker restarts and packages are delivered to B twice
    events = scenario.run(cluster, docs=DOCS, timeout=TIMEOUT)
    print("\nreliability", json.dumps(events, ensure_ascii=False, indent=1))  # noqa: T201
    a, b = events["a"], events["b"]
    # then every document arrived exactly once at B
    assert b["incoming"] == DOCS
    assert b["incoming_distinct"] == DOCS
    assert b["receipts"] == DOCS
    assert b["duplicate_receipts"] == 0
    # and B answered 01 and 03 for each (sent to the hub), and A applied both to its rows
    assert b["status_messages"] == {"01:sent": DOCS, "03:sent": DOCS}
    assert a["outbox"] == {"sent": DOCS}
    assert a["recipients"] == DOCS
    assert a["recipient_status"] == {"03": DOCS}
    assert a["statuses_applied"]["03"] == DOCS
    # (a 01 relayed after its 03 is fetched but rightly not applied: never hide a newer status)
    assert 0 < a["statuses_applied"]["01"] <= DOCS
    # and the hub holds every package and both statuses of each as acknowledged by its addressee
    assert events["hub"] == {
        "edoc:delivered": DOCS,
        "status:01:delivered": DOCS,
        "status:03:delivered": DOCS,
    }
    # and the disruptions really happened: a package posted again kept its first id, the
    # redelivered packages registered nothing new, nothing was refused
    assert events["hub_child_killed"] is True
    assert events["repost"] == {"reposted": True, "same_id": True}
    assert events["redelivered"] > 0
    assert b["incidents"] == {}
    assert a["incidents"] == {}
