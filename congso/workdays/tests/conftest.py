from __future__ import annotations

from collections.abc import Iterator

import pytest

from congso.workdays.calendar import calendar_cache_clear


@pytest.fixture(autouse=True)
def fresh_calendar() -> Iterator[None]:
    """Each test computes the calendar from its own database state (tests roll back, the cache
    would not)."""
    calendar_cache_clear()
    yield
    calendar_cache_clear()


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_user(username="quantri", password="MatKhau@2020")
