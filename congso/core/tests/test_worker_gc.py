"""Worker processes freeze what is alive after start-up (ADR 0022; the hub: congso/hub/tests)."""

from __future__ import annotations

import gc
import sys
import weakref
from collections.abc import Iterator

import pytest

from config.celery import WORKER_PRELOAD, _long_lived_objects_frozen


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_a_pool_process_imports_its_tasks_modules_then_freezes(unfrozen: None) -> None:
    # given a fresh pool process (nothing frozen)
    assert gc.get_freeze_count() == 0
    # when the worker_process_init handler runs
    _long_lived_objects_frozen()
    # then what the tasks use is imported and every object alive is frozen
    assert all(name in sys.modules for name in WORKER_PRELOAD)
    assert gc.get_freeze_count() > 10_000
    # and a cycle a task makes afterwards is still collected
    node = _Node()
    node.me = node
    gone = weakref.ref(node)
    del node
    gc.collect()
    assert gone() is None


class _Node:
    me: object = None
