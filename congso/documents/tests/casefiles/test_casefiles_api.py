"""Case files over the API: create, add, reorder, close, export; list query count."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from congso.accounts.tests.factories import StaffUserFactory
from congso.core.identity import Role
from congso.documents.constants import Direction
from congso.documents.models import DocumentRegister, SecretAccessGrant
from congso.documents.tests.factories import IncomingDocumentFactory, secrecy
from congso.organizations.tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db
BASE = "/api/v1/documents/case-files/"


@pytest.fixture
def agency():
    return AgencyFactory.create(code_qcvn102="000.00.12.H34")


@pytest.fixture
def clerk(agency):
    return StaffUserFactory.create(agency=agency, roles=[Role.CLERK])


@pytest.fixture
def api(clerk):
    client = APIClient()
    client.force_authenticate(clerk)
    return client


@pytest.fixture
def document(agency):
    register = DocumentRegister.objects.create(
        agency=agency, year=2020, direction=Direction.INCOMING
    )

    def make(**fields):
        return IncomingDocumentFactory.create(agency=agency, register=register, **fields)

    return make


def _create(api, notation="01.TH"):
    return api.post(
        BASE,
        {
            "notation": notation,
            "title": "Hồ sơ tổ chức hội nghị",
            "maintenance": "10 năm",
            "rights": "Công khai",
            "year": 2020,
        },
        format="json",
    )


def test_a_case_file_is_built_and_exported_over_the_api(api, document):
    # given
    created = _create(api)
    case_file_id = created.json()["case_file"]["id"]
    first, second = document(page_amount=2), document(page_amount=5)
    # when
    for doc in (first, second):
        added = api.post(
            f"{BASE}{case_file_id}/documents/",
            {"direction": "incoming", "document_id": doc.pk},
            format="json",
        )
        assert added.status_code == 201
    items = [d["item_id"] for d in added.json()["documents"]]
    reordered = api.post(f"{BASE}{case_file_id}/reorder/", {"item_ids": items[::-1]}, format="json")
    closed = api.post(f"{BASE}{case_file_id}/close/", {}, format="json")
    exported = api.get(f"{BASE}{case_file_id}/export/", {"output": "xml"})
    # then
    assert created.status_code == 201
    assert [d["document_id"] for d in reordered.json()["documents"]] == [second.pk, first.pk]
    assert closed.json()["case_file"]["is_closed"] is True
    assert closed.json()["summary"] == {
        "organ_id": "000.00.12.H34",
        "file_catalog": 2020,
        "file_notation": "01.TH",
        "file_code": "000.00.12.H34.2020.01.TH",
        "doc_total": 2,
        "page_total": 7,
    }
    assert exported.status_code == 200
    assert exported["Content-Type"] == "application/xml"
    assert b"<DocTotal>2</DocTotal>" in exported.content


def test_a_duplicate_notation_is_a_400(api):
    _create(api)
    response = _create(api)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "case_file_notation_taken"


def test_a_closed_file_refuses_changes_with_409(api, document):
    # given
    case_file_id = _create(api).json()["case_file"]["id"]
    api.post(
        f"{BASE}{case_file_id}/documents/",
        {"direction": "incoming", "document_id": document().pk},
        format="json",
    )
    api.post(f"{BASE}{case_file_id}/close/", {}, format="json")
    # when
    response = api.post(
        f"{BASE}{case_file_id}/documents/",
        {"direction": "incoming", "document_id": document().pk},
        format="json",
    )
    # then
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "case_file_closed"


def test_a_file_with_a_secret_document_is_a_404_for_others(api, clerk, agency, document):
    # given
    secret = document(is_secret=True, secrecy=secrecy("mat"))
    SecretAccessGrant.objects.create(incoming=secret, user=clerk, granted_by=clerk)
    case_file_id = _create(api).json()["case_file"]["id"]
    api.post(
        f"{BASE}{case_file_id}/documents/",
        {"direction": "incoming", "document_id": secret.pk},
        format="json",
    )
    other = APIClient()
    other.force_authenticate(StaffUserFactory.create(agency=agency, roles=[Role.LEADER]))
    # when
    export = other.get(f"{BASE}{case_file_id}/export/", {"output": "pdf"})
    detail = other.get(f"{BASE}{case_file_id}/")
    listing = other.get(BASE)
    # then
    assert export.status_code == 404
    assert export.json()["error"]["code"] == "case_file_not_found"
    assert detail.status_code == 404
    assert listing.json()["results"] == []


def test_the_list_runs_a_bounded_number_of_queries(api, clerk, django_assert_max_num_queries):
    # given
    for number in range(20):
        _create(api, notation=f"{number:02d}.TH")
    # when / then
    with django_assert_max_num_queries(8):
        response = api.get(BASE)
    assert len(response.json()["results"]) == 20
