"""Import and export of the catalogue: validation, all-or-nothing, round trips, audit."""

from __future__ import annotations

import copy
from typing import Any, cast

import pytest

from congso.accounts.tests.factories import StaffUserFactory
from congso.audit.models import AuditEntry
from congso.core.errors import ValidationFailed
from congso.core.identity import Actor
from congso.procedures.constants import ProcedureAuditAction
from congso.procedures.models import Procedure
from congso.procedures.services import (
    procedure_export,
    procedure_export_xlsx,
    procedure_import,
    procedure_import_json,
    procedure_import_xlsx,
    procedure_upsert,
)

pytestmark = pytest.mark.django_db


def _errors(excinfo: pytest.ExceptionInfo[ValidationFailed]) -> set[tuple[str, str]]:
    return {(e["path"], e["code"]) for e in excinfo.value.details["errors"]}


def test_import_creates_procedure_with_parts_search_text_and_audit(
    desks: dict[str, Any], valid_procedure: dict[str, Any]
) -> None:
    # given a staff member and a one-procedure document
    actor = cast(Actor, StaffUserFactory())

    # when it is imported
    result = procedure_import(actor=actor, data={"procedures": [valid_procedure]})

    # then the procedure exists with its parts, every UBND xã as desk, and the import is audited
    assert result.created == ["1.001193.000.00.00.H34"]
    procedure = Procedure.objects.get(code="1.001193.000.00.00.H34")
    assert [c.code for c in procedure.components.all()] == ["TP1", "TP2"]
    assert [s.role for s in procedure.steps.all()] == ["one_stop_officer", "leader"]
    assert set(procedure.receiving_agencies.all()) == {desks["xa1"], desks["xa2"]}
    assert procedure.search_text.startswith("dang ky khai sinh")
    actions = list(AuditEntry.objects.order_by("sequence").values_list("action", flat=True))
    assert actions[-2:] == [
        ProcedureAuditAction.PROCEDURE_CREATED,
        ProcedureAuditAction.PROCEDURE_IMPORTED,
    ]


def test_reimport_of_same_document_changes_nothing(
    desks: dict[str, Any], valid_procedure: dict[str, Any]
) -> None:
    # given an imported procedure
    procedure_import(data=[valid_procedure])
    entries = AuditEntry.objects.count()

    # when the same document is imported again
    result = procedure_import(data=[valid_procedure])

    # then it is reported unchanged and only the import itself is audited
    assert result.unchanged == ["1.001193.000.00.00.H34"]
    assert AuditEntry.objects.count() == entries + 1


def test_changed_fields_are_named_in_the_audit_entry(
    desks: dict[str, Any], valid_procedure: dict[str, Any]
) -> None:
    # given an imported procedure
    procedure_import(data=[valid_procedure])

    # when its legal time and components change
    valid_procedure["processing_days"] = "3"
    valid_procedure["components"] = valid_procedure["components"][:1]
    procedure, outcome = procedure_upsert(actor=None, data=valid_procedure)

    # then it is updated and the audit entry lists what changed
    assert outcome == "updated"
    assert str(procedure.processing_days) == "3.0"
    assert procedure.components.count() == 1
    entry = AuditEntry.objects.filter(action=ProcedureAuditAction.PROCEDURE_UPDATED).get()
    assert entry.data["changed"] == ["components", "processing_days"]


def test_bad_document_reports_every_problem_and_writes_nothing(
    desks: dict[str, Any], valid_procedure: dict[str, Any]
) -> None:
    # given a document with one good and one bad procedure
    bad = copy.deepcopy(valid_procedure)
    bad.update(
        code="1.000002.000.00.00.H34",
        national_code="1.000002",
        level="phuong",
        field="KHONG-CO",
        online_level=5,
        processing_days="-1",
        receiving_agencies=["000.99.99.H34"],
        form_schema={"type": "object", "properties": {"x": {"type": "khong-hop-le"}}},
    )
    bad["components"].append({"code": "TP1", "name": "Trùng mã"})
    bad["steps"][0]["role"] = "tong_thong"
    entries = AuditEntry.objects.count()

    # when it is imported
    with pytest.raises(ValidationFailed) as excinfo:
        procedure_import(data=[valid_procedure, bad])

    # then every problem is listed with its path and code, and nothing was written
    assert excinfo.value.code == "procedure_import_invalid"
    assert _errors(excinfo) >= {
        ("procedures[1].level", "invalid_level"),
        ("procedures[1].field", "unknown_procedure_field"),
        ("procedures[1].online_level", "invalid_integer"),
        ("procedures[1].processing_days", "invalid_days"),
        ("procedures[1].receiving_agencies[0]", "unknown_agency"),
        ("procedures[1].form_schema", "invalid_form_schema"),
        ("procedures[1].components[2].code", "duplicate_component_code"),
        ("procedures[1].steps[0].role", "invalid_role"),
    }
    assert Procedure.objects.count() == 0
    assert AuditEntry.objects.count() == entries


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"code": "khai-sinh"}, ("procedures[0].code", "invalid_procedure_code")),
        ({"national_code": "1.000001"}, ("procedures[0].national_code", "national_code_mismatch")),
        ({"processing_days": "0.25"}, ("procedures[0].processing_days", "invalid_days")),
        ({"processing_days": "0.5"}, ("procedures[0].steps", "steps_exceed_processing_days")),
        ({"is_inter_agency": True}, ("procedures[0].steps", "inter_agency_needs_agencies")),
        (
            {"applicant_types": ["alien"]},
            ("procedures[0].applicant_types", "invalid_applicant_types"),
        ),
        (
            {"receiving_agencies": []},
            ("procedures[0].receiving_agencies", "receiving_agencies_required"),
        ),
        ({"name": ""}, ("procedures[0].name", "required")),
        ({"form_schema": {"type": "array"}}, ("procedures[0].form_schema", "invalid_form_schema")),
    ],
)
def test_single_rule_violations_have_stable_codes(
    desks: dict[str, Any],
    valid_procedure: dict[str, Any],
    change: dict[str, Any],
    expected: tuple[str, str],
) -> None:
    # given a procedure breaking one rule
    valid_procedure.update(change)

    # when / then: the import is refused with that rule's code
    with pytest.raises(ValidationFailed) as excinfo:
        procedure_import(data=[valid_procedure])
    assert expected in _errors(excinfo)
    assert excinfo.value.message.startswith("Tệp nhập có")


def test_duplicate_procedure_code_in_one_document_is_refused(
    desks: dict[str, Any], valid_procedure: dict[str, Any]
) -> None:
    # given / when a document naming one code twice is imported
    with pytest.raises(ValidationFailed) as excinfo:
        procedure_import(data=[valid_procedure, copy.deepcopy(valid_procedure)])

    # then
    assert ("procedures[1].code", "duplicate_procedure_code") in _errors(excinfo)


def test_not_json_and_wrong_format_are_refused(desks: dict[str, Any]) -> None:
    # given / when / then
    with pytest.raises(ValidationFailed) as excinfo:
        procedure_import_json(actor=None, content=b"{khong phai json")
    assert excinfo.value.code == "invalid_import_format"
    with pytest.raises(ValidationFailed) as excinfo:
        procedure_import(data={"format": "other/2", "procedures": []})
    assert excinfo.value.code == "invalid_import_format"


def test_inter_agency_steps_keep_their_agencies(
    desks: dict[str, Any], valid_procedure: dict[str, Any]
) -> None:
    # given a liên thông procedure whose second step belongs to the Sở Tư pháp
    valid_procedure["is_inter_agency"] = True
    valid_procedure["steps"][1]["agency"] = "000.00.03.H34"

    # when
    procedure, _ = procedure_upsert(actor=None, data=valid_procedure)

    # then
    assert [s.agency for s in procedure.steps.all()] == [None, desks["so"]]


def test_json_export_round_trips(desks: dict[str, Any], valid_procedure: dict[str, Any]) -> None:
    # given an imported procedure with a fixed-agency step and one explicit desk
    valid_procedure["is_inter_agency"] = True
    valid_procedure["steps"][1]["agency"] = "000.00.03.H34"
    valid_procedure["receiving_agencies"] = ["000.01.31.H34"]
    procedure_import(data=[valid_procedure])

    # when it is exported, wiped and imported back
    exported = procedure_export(actor=cast(Actor, StaffUserFactory()))
    Procedure.objects.all().delete()
    result = procedure_import(data=exported)

    # then the second export equals the first
    assert result.created == ["1.001193.000.00.00.H34"]
    assert procedure_export() == exported
    assert exported["procedures"][0]["receiving_agencies"] == ["000.01.31.H34"]
    assert AuditEntry.objects.filter(action=ProcedureAuditAction.PROCEDURE_EXPORTED).count() == 1


def test_excel_export_round_trips(desks: dict[str, Any], valid_procedure: dict[str, Any]) -> None:
    # given an imported procedure
    procedure_import(data=[valid_procedure])
    before = procedure_export()

    # when it goes through Excel into an empty catalogue
    content = procedure_export_xlsx()
    Procedure.objects.all().delete()
    result = procedure_import_xlsx(actor=None, content=content)

    # then nothing is lost
    assert result.created == ["1.001193.000.00.00.H34"]
    assert procedure_export() == before


def test_broken_excel_file_is_refused(desks: dict[str, Any]) -> None:
    # given / when / then
    with pytest.raises(ValidationFailed) as excinfo:
        procedure_import_xlsx(actor=None, content=b"PK\x03\x04 not really a workbook")
    assert excinfo.value.code == "invalid_import_format"
