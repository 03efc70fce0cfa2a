"""Catalogue pull (LayThuTuc) into the drift report, lookup, and the commands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from congso.portalsim.testing import SimulatorProcess
from congso.portalsync.adapter import LegacyDvcqgAdapter, PortalRejected
from congso.portalsync.services.catalogue import (
    catalogue_as_lay_thu_tuc,
    portal_catalogue_drift,
    portal_catalogue_pull,
    portal_dossier_lookup,
)
from congso.portalsync.tests.conftest import event_for, point_at, portal_dossier
from congso.procedures.tests.factories import ProcedureFactory

pytestmark = pytest.mark.django_db
AGENCY = "000.00.12.H34"


def test_the_pulled_catalogue_feeds_the_drift_report(synced: SimulatorProcess):
    # given the local catalogue has the portal's 1.001193 under another name, and one more
    ProcedureFactory(national_code="1.001193", code="1.001193.000.00.00.H34", name="Khai sinh")
    ProcedureFactory(national_code="9.999001", code="9.999001.000.00.00.H34")
    # when
    pulled = portal_catalogue_pull(actor=None, madonvi=AGENCY)
    report = portal_catalogue_drift(actor=None, madonvi=AGENCY)
    # then
    assert "1.001193" in [p["MATTHC"] for p in pulled]
    assert [(d.national_code, d.attribute) for d in report.differences][0] == ("1.001193", "name")
    assert "9.999001" in [p["national_code"] for p in report.only_local]
    assert "2.000815" in [p["national_code"] for p in report.missing_locally]


def test_the_local_catalogue_seeds_the_simulator(settings: Any, tmp_path: Path):
    # given
    procedure = ProcedureFactory(national_code="1.000001", name="Thủ tục địa phương")
    seed = tmp_path / "seed.json"
    call_command("portalsync", "catalogue-export", str(seed))
    # when the simulator starts from that file
    extra = ["--catalogue", str(seed)]
    with SimulatorProcess(tmp_path / "p.sqlite3", extra_args=extra) as simulator:
        point_at(settings, simulator)
        report = portal_catalogue_drift(actor=None, madonvi=AGENCY)
    # then both sides agree
    assert json.loads(seed.read_text())["procedures"] == catalogue_as_lay_thu_tuc()
    assert report.is_clean, report.as_dict()
    assert report.local_count >= 1
    assert procedure.name == "Thủ tục địa phương"


def test_lookup_returns_what_the_portal_holds(synced: SimulatorProcess, capsys):
    # given a dossier on the portal
    from django.test import TestCase

    from congso.portalsync.services.outbox import portal_outbox_enqueue

    dossier = portal_dossier()
    with TestCase.captureOnCommitCallbacks(execute=True):
        portal_outbox_enqueue(dossier_id=dossier.pk, event_id=event_for(dossier).pk)
    # when
    found = portal_dossier_lookup(ma_ho_so=dossier.code or "")
    call_command("portalsync", "lookup", dossier.code)
    # then
    assert found is not None
    assert found["TrangThaiHoSo"] == "2"
    assert dossier.code in capsys.readouterr().out
    with pytest.raises(CommandError, match="không có hồ sơ"):
        call_command("portalsync", "lookup", f"{dossier.receiving_agency.code_qcvn102}-200101-9999")


def test_wrong_credentials_are_a_clear_rejection(synced: SimulatorProcess):
    # given
    adapter = LegacyDvcqgAdapter(base_url=synced.url, username="congso", password="wrong")
    # when / then
    with pytest.raises(PortalRejected) as caught:
        adapter.procedures(AGENCY)
    assert caught.value.field == "username"


def test_a_stale_session_is_renewed_transparently(synced: SimulatorProcess):
    # given an adapter holding a session the portal has since expired
    adapter = LegacyDvcqgAdapter(
        base_url=synced.url, username="congso", password="congso-portal-test"
    )
    adapter.procedures(AGENCY)
    synced.post("/api/_admin/expire-sessions", {})
    # when
    procedures = adapter.procedures(AGENCY, "1.001193")
    # then
    assert [p["MATTHC"] for p in procedures] == ["1.001193"]


def test_commands_report_an_unreachable_portal(settings: Any):
    # given
    settings.PORTALSYNC_URL = "http://127.0.0.1:9"
    settings.PORTALSYNC_DEFAULT_MADONVI = AGENCY
    # when / then
    with pytest.raises(CommandError, match="Không kết nối được Cổng DVC"):
        call_command("portalsync", "catalogue-pull")


def test_portalsim_command_seeds_a_database(tmp_path: Path, capsys):
    # when
    call_command("portalsim", "seed", "--db", str(tmp_path / "p.sqlite3"))
    # then
    assert "đã nạp 4 thủ tục" in capsys.readouterr().out
