from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from congso.accounts.constants import Role
from congso.accounts.tests.factories import StaffUserFactory
from congso.organizations.tests.factories import AgencyFactory, InternalUnitFactory

PASSWORD = "MatKhau@2020"


class Clock:
    """A settable `timezone.now` (and so `timezone.localdate`) for the code under test."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **kwargs: float) -> None:
        self.current += timedelta(**kwargs)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock(timezone.now().replace(microsecond=0))
    monkeypatch.setattr(timezone, "now", fake)
    return fake


@pytest.fixture
def agency():
    return AgencyFactory.create()


@pytest.fixture
def unit(agency):
    return InternalUnitFactory.create(parent=agency)


@pytest.fixture
def administrator(agency):
    return StaffUserFactory.create(agency=agency, roles=[Role.ADMINISTRATOR])


@pytest.fixture
def make_staff(agency) -> Callable[..., object]:
    def make(**kwargs: object) -> object:
        kwargs.setdefault("agency", agency)
        return StaffUserFactory.create(**kwargs)

    return make
