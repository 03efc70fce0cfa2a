"""The factories other apps build on give a usable commune-level procedure."""

from __future__ import annotations

from typing import cast

import pytest

from congso.organizations.constants import AgencyKind
from congso.procedures.constants import ProcedureLevel
from congso.procedures.models import Procedure
from congso.procedures.tests.factories import ProcedureFactory

pytestmark = pytest.mark.django_db


def test_default_procedure_is_commune_level_with_two_components_and_two_steps() -> None:
    # given / when: a procedure from the default factory
    procedure = cast(Procedure, ProcedureFactory())

    # then: it is a commune procedure with TP1 (required), TP2 (optional) and two ordered steps
    assert procedure.level == ProcedureLevel.COMMUNE
    assert [(c.code, c.is_required) for c in procedure.components.all()] == [
        ("TP1", True),
        ("TP2", False),
    ]
    assert [s.order for s in procedure.steps.all()] == [1, 2]
    agencies = list(procedure.receiving_agencies.all())
    assert len(agencies) == 1
    assert agencies[0].kind == AgencyKind.COMMUNE_COMMITTEE
    assert "dang ky khai sinh" in procedure.search_text


def test_components_and_steps_can_be_skipped() -> None:
    # given / when
    procedure = ProcedureFactory(components=0, steps=0)

    # then
    assert procedure.components.count() == 0
    assert procedure.steps.count() == 0
