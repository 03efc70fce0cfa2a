"""A real simulator process per test module, and settings that point the adapter at it."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest

from congso.dossiers.constants import DossierStatus, EventKind
from congso.dossiers.models import Dossier, DossierEvent
from congso.dossiers.tests.factories import (
    DossierEventFactory,
    DossierFactory,
    ReceivedDossierFactory,
)
from congso.organizations.tests.factories import AgencyFactory
from congso.portalsim.testing import SimulatorProcess

_sequence = itertools.count(1)


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatorProcess]:
    with SimulatorProcess(tmp_path_factory.mktemp("portalsim") / "portal.sqlite3") as simulator:
        yield simulator


def point_at(settings: Any, simulator: SimulatorProcess) -> None:
    settings.PORTALSYNC_URL = simulator.url
    settings.PORTALSYNC_USERNAME = "congso"
    settings.PORTALSYNC_PASSWORD = "congso-portal-test"
    settings.PORTALSYNC_AUTH_PATH = "/api/auth"
    settings.PORTALSYNC_INTEGRATION_PATH = "/api/integration"
    settings.PORTALSYNC_SHARE_PATH = "/api/share"


@pytest.fixture
def synced(settings: Any, portal: SimulatorProcess) -> SimulatorProcess:
    point_at(settings, portal)
    return portal


def portal_dossier(status: str = DossierStatus.RECEIVED, **overrides: Any) -> Dossier:
    """A dossier whose code carries its receiving agency's QCVN 102 code (as H5 issues them)."""
    agency = overrides.pop("receiving_agency", None) or AgencyFactory()
    code = f"{agency.code_qcvn102}-200318-{next(_sequence):04d}"
    factory = DossierFactory if overrides.pop("submitted_only", False) else ReceivedDossierFactory
    dossier: Dossier = factory.create(
        status=status, receiving_agency=agency, handling_agency=agency, code=code, **overrides
    )
    return dossier


def event_for(dossier: Dossier, kind: str = EventKind.RECEIVED, **data: Any) -> DossierEvent:
    event: DossierEvent = DossierEventFactory.create(
        dossier=dossier, kind=kind, status=dossier.status, portal_status=None, data=data
    )
    return event


def portal_record(simulator: SimulatorProcess, code: str | None) -> dict[str, Any] | None:
    status, body = simulator.get(f"/api/dossiers/{code}")
    return body["result"] if status == 200 else None
