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


@pytest.mark.parametrize("part", ["components", "steps"])
def test_a_null_list_of_parts_is_refused_and_keeps_the_stored_parts(
    desks: dict[str, Any], valid_procedure: dict[str, Any], part: str
) -> None:
    # given an imported procedure with two components and two steps, exported again
    procedure_import(data=[valid_procedure])
    exported = procedure_export()
    exported["procedures"][0][part] = None

    # when it comes back with that list as null
    with pytest.raises(ValidationFailed) as excinfo:
        procedure_import(data=exported)

    # then the import is refused, naming the procedure and the field, and nothing changed
    assert excinfo.value.code == "procedure_import_invalid"
    assert _errors(excinfo) == {(f"procedures[0].{part}", "invalid_list")}
    assert f"procedures[0].{part}" in excinfo.value.message
    procedure = Procedure.objects.get()
    assert [c.code for c in procedure.components.all()] == ["TP1", "TP2"]
    assert procedure.steps.count() == 2


def test_a_json_file_nested_too_deeply_is_an_invalid_format(desks: dict[str, Any]) -> None:
    # given a file of 5,000 nested lists (json recurses once per level)
    content = "[" * 5000 + "]" * 5000

    # when / then: refused as a bad file, not a RecursionError
    with pytest.raises(ValidationFailed) as excinfo:
        procedure_import_json(actor=None, content=content)
    assert excinfo.value.code == "invalid_import_format"


def test_a_form_schema_nested_too_deeply_is_refused(
    desks: dict[str, Any], valid_procedure: dict[str, Any]
) -> None:
    # given a form schema nested 400 objects deep (a JSON file of about 1,200 levels)
    schema: dict[str, Any] = {"type": "object"}
    for _ in range(400):
        schema = {"type": "object", "properties": {"a": schema}}
    valid_procedure["form_schema"] = schema

    # when / then: a problem of the form schema, not a RecursionError
    with pytest.raises(ValidationFailed) as excinfo:
        procedure_import(data=[valid_procedure])
    assert ("procedures[0].form_schema", "invalid_form_schema") in _errors(excinfo)
    assert Procedure.objects.count() == 0


def _with_nul(procedure: dict[str, Any], path: str) -> None:
    """Put "A\\u0000B" at `path` ("name", "components.0.name", "form_schema.title" …)."""
    *parents, last = path.split(".")
    target: Any = procedure
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]
    if isinstance(target, list):
        target[int(last)] = "A\u0000B"
    else:
        target[last] = "A\u0000B"


@pytest.mark.parametrize(
    ("path", "reported"),
    [
        ("name", "procedures[0].name"),
        ("fee_text", "procedures[0].fee_text"),
        ("requirements", "procedures[0].requirements"),
        ("legal_basis", "procedures[0].legal_basis"),
        ("implementing_agency_name", "procedures[0].implementing_agency_name"),
        ("result_name", "procedures[0].result_name"),
        ("components.0.name", "procedures[0].components[0].name"),
        ("components.1.code", "procedures[0].components[1].code"),
        ("steps.1.name", "procedures[0].steps[1].name"),
        ("components.0.accepted_types.0", "procedures[0].components[0].accepted_types"),
        ("form_schema.title", "procedures[0].form_schema"),
    ],
)
def test_a_nul_character_is_refused_and_nothing_is_stored(
    desks: dict[str, Any], valid_procedure: dict[str, Any], path: str, reported: str
) -> None:
    # given a stored procedure, and the same one with U+0000 in one of its texts
    procedure_import(data=[valid_procedure])
    before = procedure_export()
    changed = copy.deepcopy(valid_procedure)
    changed["components"][0].setdefault("accepted_types", ["application/pdf"])
    _with_nul(changed, path)

    # when it is imported (PostgreSQL would refuse the write with a 500)
    with pytest.raises(ValidationFailed) as excinfo:
        procedure_import(data=[changed])

    # then the import's own refusal names the field, and the stored procedure is as it was
    assert excinfo.value.code == "procedure_import_invalid"
    assert (reported, "invalid_text") in _errors(excinfo)
    assert procedure_export() == before
