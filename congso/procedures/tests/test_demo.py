"""The Kon Tum demo catalogue loads completely, once, with real levels and liên thông."""

from __future__ import annotations

from decimal import Decimal

import pytest
from jsonschema.validators import validator_for

from congso.core.errors import ValidationFailed
from congso.organizations.constants import AgencyKind
from congso.organizations.models import Agency
from congso.procedures.demo import procedure_demo_load
from congso.procedures.demo.loader import demo_document
from congso.procedures.models import Procedure
from congso.procedures.services import (
    procedure_export,
    procedure_export_xlsx,
    procedure_import_xlsx,
)

pytestmark = pytest.mark.django_db


def test_demo_catalogue_loads_with_desks_per_level_and_inter_agency_steps(kontum: None) -> None:
    # given the Kon Tum organisation
    # when the demo catalogue is loaded
    counts = procedure_demo_load()

    # then at least 30 procedures exist at the three levels, received by the right desks
    assert counts["procedures"] >= 30
    assert set(Procedure.objects.values_list("level", flat=True)) == {"tinh", "huyen", "xa"}
    birth = Procedure.objects.get(code="1.001193.000.00.00.H34")
    assert birth.is_demo_code is False
    communes = Agency.objects.filter(kind=AgencyKind.COMMUNE_COMMITTEE, is_active=True).count()
    assert birth.receiving_agencies.count() == communes == 102
    province = Procedure.objects.filter(level="tinh").first()
    assert province is not None
    assert [a.short_name or a.abbreviation for a in province.receiving_agencies.all()] == [
        "TTPVHCC"
    ]
    # and at least three liên thông procedures hand steps to several agencies
    inter = Procedure.objects.filter(is_inter_agency=True)
    assert inter.count() >= 3
    for procedure in inter:
        agencies = {s.agency_id for s in procedure.steps.all()}
        assert len(agencies) >= 2
        assert sum((s.days for s in procedure.steps.all()), Decimal(0)) <= procedure.processing_days


def test_loading_twice_changes_nothing(kontum: None) -> None:
    # given a loaded demo catalogue
    procedure_demo_load()

    # when it is loaded again
    counts = procedure_demo_load()

    # then nothing was created or updated
    assert counts == {"procedure agencies": 0, "procedures": 0}


def test_every_demo_form_schema_is_a_valid_object_schema() -> None:
    # given the demo document / when each schema is checked / then all are valid JSON Schemas
    for item in demo_document()["procedures"]:
        schema = item["form_schema"]
        validator_for(schema).check_schema(schema)
        assert schema["type"] == "object"
        assert schema["required"]


def test_loading_without_the_organisation_explains_what_is_missing(db: None) -> None:
    # given an empty directory / when the catalogue is loaded / then it says what to load first
    with pytest.raises(ValidationFailed) as excinfo:
        procedure_demo_load()
    assert excinfo.value.code == "demo_organisation_missing"
    assert Procedure.objects.count() == 0


def test_whole_demo_catalogue_round_trips_through_excel_and_json(kontum: None) -> None:
    # given the loaded demo catalogue and its JSON export
    procedure_demo_load()
    before = procedure_export()

    # when it goes out to Excel, the catalogue is emptied and the workbook imported
    workbook = procedure_export_xlsx()
    Procedure.objects.all().delete()
    result = procedure_import_xlsx(actor=None, content=workbook)

    # then every procedure is back exactly as it was
    assert len(result.created) == len(before["procedures"])
    assert procedure_export() == before
