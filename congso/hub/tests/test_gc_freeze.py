"""`congso hub serve` freezes what is alive after loading its URLs (ADR 0022)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from congso.hub.management.commands.hub import _long_lived_objects_frozen


@pytest.fixture
def unfrozen() -> Iterator[None]:
    thresholds = gc.get_threshold()
    gc.unfreeze()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_the_hub_process_freezes_after_loading_its_urls(unfrozen: None, settings) -> None:
    # given the hub's URL configuration and nothing frozen
    settings.ROOT_URLCONF = "config.hub_urls"
    assert gc.get_freeze_count() == 0
    # when the serve command's start-up step runs
    _long_lived_objects_frozen()
    # then every object alive (the views loaded with the URLs among them) is frozen
    assert gc.get_freeze_count() > 10_000
