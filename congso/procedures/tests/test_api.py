"""Procedure API: public list/detail; import, export and drift only for administrators."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from congso.accounts.tests.factories import CitizenUserFactory, StaffUserFactory
from congso.core.identity import Role
from congso.procedures.models import Procedure
from congso.procedures.services import procedure_export_xlsx, procedure_import
from congso.procedures.tests.factories import ProcedureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client() -> APIClient:
    client = APIClient()
    administrator: Any = StaffUserFactory(roles=[Role.ADMINISTRATOR])
    client.force_authenticate(administrator)
    return client


def test_anonymous_list_searches_without_accents() -> None:
    # given two published procedures
    ProcedureFactory(name="Đăng ký kết hôn", search_text="dang ky ket hon")
    ProcedureFactory(name="Đăng ký khai tử", search_text="dang ky khai tu")

    # when an anonymous client searches
    response = APIClient().get("/api/v1/procedures/", {"q": "ket hon"})

    # then one result with its level and field code
    assert response.status_code == 200
    (item,) = response.json()["results"]
    assert item["name"] == "Đăng ký kết hôn"
    assert item["field"] == "LV-HOTICH"
    assert item["level"] == "xa"


def test_detail_returns_components_steps_and_form_schema(
    django_assert_max_num_queries: Any,
) -> None:
    # given a procedure with two components and two steps
    procedure = ProcedureFactory()

    # when its detail is read (a fixed, small number of queries)
    with django_assert_max_num_queries(5):
        response = APIClient().get(f"/api/v1/procedures/{procedure.code}/")

    # then
    data = response.json()
    assert [c["code"] for c in data["components"]] == ["TP1", "TP2"]
    assert [s["agency"] for s in data["steps"]] == [None, None]
    assert data["form_schema"]["required"] == ["ho_ten"]
    assert data["receiving_agency_count"] == 1


def test_unknown_code_is_a_404_with_stable_code() -> None:
    # given / when / then
    response = APIClient().get("/api/v1/procedures/1.999999.000.00.00.H34/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "procedure_not_found"


@pytest.mark.parametrize("who", ["anonymous", "citizen", "staff_without_role"])
def test_import_is_refused_to_non_administrators(
    who: str, desks: dict[str, Any], valid_procedure: dict[str, Any]
) -> None:
    # given a client that is not a catalogue administrator
    client = APIClient()
    user: Any = None
    if who == "citizen":
        user = CitizenUserFactory()
    elif who == "staff_without_role":
        user = StaffUserFactory(roles=[Role.ONE_STOP_OFFICER])
    client.force_authenticate(user)

    # when it posts an import
    response = client.post("/api/v1/procedures/import/", [valid_procedure], format="json")

    # then it is refused and nothing is written
    assert response.status_code in (401, 403)
    assert Procedure.objects.count() == 0


def test_administrator_imports_json_body(
    admin_client: APIClient, desks: dict[str, Any], valid_procedure: dict[str, Any]
) -> None:
    # given / when
    response = admin_client.post(
        "/api/v1/procedures/import/", {"procedures": [valid_procedure]}, format="json"
    )

    # then
    assert response.status_code == 200
    assert response.json()["created"] == ["1.001193.000.00.00.H34"]


def test_invalid_import_lists_errors_in_the_api_error_body(
    admin_client: APIClient, desks: dict[str, Any], valid_procedure: dict[str, Any]
) -> None:
    # given a procedure with an unknown level
    valid_procedure["level"] = "thon"

    # when
    response = admin_client.post("/api/v1/procedures/import/", [valid_procedure], format="json")

    # then
    error = response.json()["error"]
    assert response.status_code == 400
    assert error["code"] == "procedure_import_invalid"
    assert {"path": "procedures[0].level", "code": "invalid_level"}.items() <= error["details"][
        "errors"
    ][0].items()


def test_administrator_uploads_excel_and_exports_json_and_excel(
    admin_client: APIClient, desks: dict[str, Any], valid_procedure: dict[str, Any]
) -> None:
    # given an Excel file made from a catalogue, then an empty catalogue
    procedure_import(data=[valid_procedure])
    content = procedure_export_xlsx()
    Procedure.objects.all().delete()

    # when the file is uploaded
    upload = SimpleUploadedFile("thu-tuc.xlsx", content)
    response = admin_client.post("/api/v1/procedures/import/", {"file": upload}, format="multipart")

    # then the procedure is back, and can be exported both ways
    assert response.json()["created"] == ["1.001193.000.00.00.H34"]
    exported = admin_client.get("/api/v1/procedures/export/").json()
    assert exported["procedures"][0]["code"] == "1.001193.000.00.00.H34"
    xlsx = admin_client.get("/api/v1/procedures/export/", {"file_type": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert xlsx.content[:2] == b"PK"


def test_drift_api_compares_with_posted_national_list(admin_client: APIClient) -> None:
    # given one local procedure
    ProcedureFactory(
        national_code="1.001193", code="1.001193.000.00.00.H34", name="Đăng ký khai sinh"
    )

    # when a national list with a longer time and another procedure is posted
    response = admin_client.post(
        "/api/v1/procedures/drift/",
        [
            {"MaTTHC": "1.001193", "TenTTHC": "Đăng ký khai sinh", "ThoiHanGiaiQuyet": "5"},
            {"MaTTHC": "2.000815", "TenTTHC": "Chứng thực"},
        ],
        format="json",
    )

    # then
    data = response.json()
    assert response.status_code == 200
    assert [m["national_code"] for m in data["missing_locally"]] == ["2.000815"]
    assert [(d["attribute"], d["national"]) for d in data["differences"]] == [
        ("processing_days", "5.0")
    ]


@pytest.mark.parametrize("part", ["components", "steps"])
def test_reimporting_an_export_with_a_null_list_is_a_400_and_changes_nothing(
    admin_client: APIClient, desks: dict[str, Any], valid_procedure: dict[str, Any], part: str
) -> None:
    # given a stored procedure, exported over the API, with one list of its parts set to null
    procedure_import(data=[valid_procedure])
    exported = admin_client.get("/api/v1/procedures/export/").json()
    item = exported["procedures"][0]
    item[part] = None

    # when it is imported back
    response = admin_client.post(
        "/api/v1/procedures/import/",
        {"format": exported["format"], "procedures": [item]},
        format="json",
    )

    # then a 400 with the import's code naming the procedure and the field; nothing deleted
    error = response.json()["error"]
    assert response.status_code == 400
    assert error["code"] == "procedure_import_invalid"
    assert [(e["path"], e["code"]) for e in error["details"]["errors"]] == [
        (f"procedures[0].{part}", "invalid_list")
    ]
    procedure = Procedure.objects.get()
    assert procedure.components.count() == 2
    assert procedure.steps.count() == 2


def test_a_nul_character_in_an_imported_name_is_a_400(
    admin_client: APIClient, desks: dict[str, Any], valid_procedure: dict[str, Any]
) -> None:
    # given a procedure whose name carries U+0000
    valid_procedure["name"] = "A\u0000B"

    # when it is imported
    response = admin_client.post("/api/v1/procedures/import/", [valid_procedure], format="json")

    # then it is refused with the import's code, in Vietnamese, and nothing is stored
    error = response.json()["error"]
    assert response.status_code == 400
    assert error["code"] == "procedure_import_invalid"
    assert error["details"]["errors"] == [
        {
            "path": "procedures[0].name",
            "code": "invalid_text",
            "message": "Không được chứa ký tự NUL (U+0000).",
        }
    ]
    assert Procedure.objects.count() == 0


def test_an_uploaded_json_file_nested_too_deeply_is_a_400(
    admin_client: APIClient, desks: dict[str, Any]
) -> None:
    # given / when: a .json file of 5,000 nested lists is uploaded
    upload = SimpleUploadedFile("thu-tuc.json", ("[" * 5000 + "]" * 5000).encode())
    response = admin_client.post("/api/v1/procedures/import/", {"file": upload}, format="multipart")

    # then
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_import_format"
