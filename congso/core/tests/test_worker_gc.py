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
    thresholds = gc.get_threshold()
    gc.unfreeze()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


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


def test_the_collector_thresholds_come_from_the_settings(unfrozen: None, settings) -> None:
    # given thresholds set for long-lived processes
    settings.GC_THRESHOLDS = [12_345, 7, 3]
    # when a pool process starts
    _long_lived_objects_frozen()
    # then the collector uses them
    assert gc.get_threshold() == (12_345, 7, 3)


def test_no_thresholds_leave_cpythons_own(unfrozen: None, settings) -> None:
    gc.set_threshold(700, 10, 10)
    settings.GC_THRESHOLDS = []
    _long_lived_objects_frozen()
    assert gc.get_threshold() == (700, 10, 10)


class _Node:
    me: object = None
