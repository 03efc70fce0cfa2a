"""Report downloads over the API: media types, file names, errors."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from congso.accounts.tests.factories import StaffUserFactory
from congso.core.identity import Role
from congso.organizations.tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency():
    return AgencyFactory.create(name="Sở Tài chính")


def _client(agency, role):
    client = APIClient()
    client.force_authenticate(StaffUserFactory.create(agency=agency, roles=[role]))
    return client


@pytest.mark.parametrize(
    ("path", "output", "media_type", "magic"),
    [
        ("registers/incoming/", "pdf", "application/pdf", b"%PDF"),
        ("registers/outgoing/", "xlsx", "spreadsheetml", b"PK"),
        ("handling/", "pdf", "application/pdf", b"%PDF"),
        ("handling/", "xlsx", "spreadsheetml", b"PK"),
    ],
)
def test_reports_download_as_pdf_or_excel(agency, path, output, media_type, magic):
    # given
    client = _client(agency, Role.CLERK)
    # when
    response = client.get(
        f"/api/v1/documents/reports/{path}",
        {"start": "2020-01-01", "end": "2020-12-31", "output": output},
    )
    # then
    assert response.status_code == 200
    assert media_type in response["Content-Type"]
    assert response.content.startswith(magic)
    assert "attachment; filename*=UTF-8''" in response["Content-Disposition"]
    assert response["Content-Disposition"].endswith(f".{output}")


def test_the_excel_register_names_its_columns(agency):
    # when
    response = _client(agency, Role.LEADER).get(
        "/api/v1/documents/reports/registers/incoming/",
        {"start": "2020-01-01", "end": "2020-01-31", "output": "xlsx"},
    )
    # then
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "SỞ TÀI CHÍNH"
    assert ("Ngày đến", "Số đến", "Tác giả") == rows[4][:3]


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"start": "2020-02-01", "end": "2020-01-01"}, 400, "period_reversed"),
        ({"start": "hôm qua", "end": "2020-01-01"}, 400, "validation_failed"),
        ({"end": "2020-01-01"}, 400, "validation_failed"),
        ({"start": "2020-01-01", "end": "2020-01-02", "output": "docx"}, 400, "validation_failed"),
        ({"start": "0001-01-01", "end": "0001-01-01"}, 400, "period_out_of_range"),
        (
            {"start": "9999-12-31", "end": "9999-12-31", "output": "xlsx"},
            400,
            "period_out_of_range",
        ),
    ],
)
@pytest.mark.parametrize("report", ["registers/incoming/", "registers/outgoing/", "handling/"])
def test_bad_report_parameters_get_clear_errors(agency, params, status, code, report):
    # when
    response = _client(agency, Role.CLERK).get(f"/api/v1/documents/reports/{report}", params)
    # then
    assert response.status_code == status
    assert response.json()["error"]["code"] == code


def test_a_specialist_may_not_print_the_register(agency):
    # when
    response = _client(agency, Role.SPECIALIST).get(
        "/api/v1/documents/reports/registers/incoming/",
        {"start": "2020-01-01", "end": "2020-01-02"},
    )
    # then
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "reports_forbidden"
