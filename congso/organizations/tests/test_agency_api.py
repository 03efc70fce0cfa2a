from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from congso.audit.models import AuditEntry
from congso.organizations.constants import AgencyKind, OrganizationAuditAction
from congso.organizations.models import Agency

pytestmark = pytest.mark.django_db

AGENCIES = "/api/v1/organizations/agencies/"
TREE = "/api/v1/organizations/agencies/tree/"
UNITS = "/api/v1/organizations/administrative-units/"


def _detail_url(agency_id: int) -> str:
    return f"{AGENCIES}{agency_id}/"


def _new_body(province: Agency, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Sở Thử nghiệm",
        "abbreviation": "STN",
        "kind": AgencyKind.PROVINCIAL_BODY,
        "parent_id": province.pk,
        "code_qcvn102": "000.00.21.H34",
        "code_qd20": "H34.21",
        "is_demo_code": True,
        "place_name": "Kon Tum",
    }
    body.update(overrides)
    return body


def test_staff_list_agencies_page_by_page_in_few_queries(
    kontum: dict[str, int], staff_user: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    # given
    client = client_for(staff_user)
    # when
    with django_assert_max_num_queries(3):
        first = client.get(AGENCIES, {"page_size": 50})
    # then
    assert first.status_code == 200
    page = first.json()
    assert len(page["results"]) == 50
    assert page["results"][0]["code_qcvn102"] == "000.00.00.H34"
    assert set(page["results"][0]) >= {
        "id",
        "name",
        "abbreviation",
        "kind",
        "level",
        "parent_id",
        "code_qcvn102",
        "code_qd20",
        "is_demo_code",
        "place_name",
    }
    assert page["next"]
    second = client.get(page["next"]).json()
    assert second["results"][0]["id"] > page["results"][-1]["id"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "ubnd_huyen"}, 10),
        ({"kind": "ubnd_xa", "page_size": 200}, 102),
        ({"q": "Y tế"}, 1),
        ({"q": "000.00.31.H34"}, 1),
    ],
)
def test_list_filters(
    kontum: dict[str, int], staff_user: Any, client_for: Any, params: dict[str, Any], expected: int
) -> None:
    response = client_for(staff_user).get(AGENCIES, params)
    assert response.status_code == 200
    assert len(response.json()["results"]) == expected


def test_list_filters_by_parent(kontum: dict[str, int], staff_user: Any, client_for: Any) -> None:
    parent = Agency.objects.get(code_qcvn102="000.00.11.H34")
    response = client_for(staff_user).get(AGENCIES, {"parent": parent.pk})
    assert [a["abbreviation"] for a in response.json()["results"]] == ["VP", "CNTT", "BCVT"]


@pytest.mark.parametrize("params", [{"kind": "bo"}, {"parent": "abc"}, {"parent": 0}])
def test_bad_filters_are_a_structured_400(
    staff_user: Any, client_for: Any, params: dict[str, Any]
) -> None:
    response = client_for(staff_user).get(AGENCIES, params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_failed"
    assert set(error["fields"]) == set(params)


def test_tree_is_nested(
    kontum: dict[str, int], staff_user: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(staff_user)
    with django_assert_max_num_queries(2):
        response = client.get(TREE)
    assert response.status_code == 200
    root = next(node for node in response.json() if node["code_qd20"] == "H34")
    assert root["name"] == "UBND tỉnh Kon Tum"
    centre = root["children"][0]["children"][0]
    assert (centre["abbreviation"], centre["level"], centre["children"]) == ("TTPVHCC", 3, [])


def test_detail_shows_parent_unit_and_ancestors(
    kontum: dict[str, int], staff_user: Any, client_for: Any
) -> None:
    commune = Agency.objects.get(code_qcvn102="000.01.31.H34")
    response = client_for(staff_user).get(_detail_url(commune.pk))
    assert response.status_code == 200
    data = response.json()
    assert data["name"] == "UBND phường Quang Trung"
    assert data["parent"]["code_qcvn102"] == "000.00.31.H34"
    assert data["administrative_unit"]["gso_code"] == "23281"
    assert [a["code_qcvn102"] for a in data["ancestors"]] == ["000.00.00.H34", "000.00.31.H34"]


def test_unknown_agency_is_a_404_with_the_stable_code(staff_user: Any, client_for: Any) -> None:
    response = client_for(staff_user).get(_detail_url(424242))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_agency"


@pytest.mark.parametrize("url", [AGENCIES, TREE, UNITS, "detail"])
def test_citizens_cannot_read_the_directory(
    kontum: dict[str, int], province: Agency, citizen_user: Any, client_for: Any, url: str
) -> None:
    target = _detail_url(province.pk) if url == "detail" else url
    response = client_for(citizen_user).get(target)
    assert response.status_code in (403, 404)
    assert response.json()["error"]["code"] in ("permission_denied", "unknown_agency")
    assert "Kon Tum" not in response.content.decode()


def test_anonymous_requests_are_refused(kontum: dict[str, int]) -> None:
    response = APIClient().get(AGENCIES)
    assert response.status_code in (401, 403)
    assert response.json()["error"]["code"] == "not_authenticated"


def test_administrator_creates_an_agency(
    province: Agency, directory_admin: Any, client_for: Any
) -> None:
    # when
    response = client_for(directory_admin).post(AGENCIES, _new_body(province), format="json")
    # then
    assert response.status_code == 201
    data = response.json()
    assert (data["level"], data["parent"]["id"], data["code_qd20"]) == (2, province.pk, "H34.21")
    created = Agency.objects.get(pk=data["id"])
    entry = AuditEntry.objects.get(
        action=OrganizationAuditAction.AGENCY_CREATED, target_id=str(created.pk)
    )
    assert entry.actor_id == directory_admin.pk


def test_staff_without_the_administrator_role_cannot_create(
    province: Agency, staff_user: Any, client_for: Any
) -> None:
    response = client_for(staff_user).post(AGENCIES, _new_body(province), format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert not Agency.objects.filter(name="Sở Thử nghiệm").exists()


@pytest.mark.parametrize(
    ("overrides", "status", "code", "field"),
    [
        ({"code_qcvn102": "000.00.21.H3"}, 400, "invalid_qcvn102_code", "code_qcvn102"),
        ({"code_qd20": "h34.21"}, 400, "invalid_qd20_code", "code_qd20"),
        (
            {"code_qcvn102": "000.00.11.H34", "code_qd20": "H34.22"},
            409,
            "duplicate_agency_code",
            "code_qcvn102",
        ),
        ({"parent_id": 999999}, 404, "unknown_agency", "parent"),
        (
            {"code_qcvn102": "000.01.21.H34", "code_qd20": "H34.21.01"},
            400,
            "agency_parent_mismatch",
            "parent",
        ),
        ({"kind": "bo"}, 400, "validation_failed", "kind"),
        ({"name": ""}, 400, "validation_failed", "name"),
    ],
)
def test_bad_input_is_refused_with_a_stable_code(
    province: Agency,
    directory_admin: Any,
    client_for: Any,
    overrides: dict[str, Any],
    status: int,
    code: str,
    field: str,
) -> None:
    before = Agency.objects.count()
    response = client_for(directory_admin).post(
        AGENCIES, _new_body(province, **overrides), format="json"
    )
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == code
    assert field in error["fields"]
    assert error["message"]
    assert Agency.objects.count() == before


def test_duplicate_code_response_names_the_existing_agency(
    province: Agency, directory_admin: Any, client_for: Any
) -> None:
    body = _new_body(province, code_qcvn102="000.00.11.H34", code_qd20="H34.22")
    error = client_for(directory_admin).post(AGENCIES, body, format="json").json()["error"]
    assert "Sở Thông tin và Truyền thông" in error["message"]
    assert error["details"]["agency_name"] == "Sở Thông tin và Truyền thông"


def test_administrator_patches_an_agency(
    province: Agency, directory_admin: Any, client_for: Any
) -> None:
    body = Agency.objects.get(code_qcvn102="000.00.16.H34")
    response = client_for(directory_admin).patch(
        _detail_url(body.pk), {"short_name": "Sở Y tế Kon Tum"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["short_name"] == "Sở Y tế Kon Tum"
    body.refresh_from_db()
    assert body.short_name == "Sở Y tế Kon Tum"
    assert body.code_qcvn102 == "000.00.16.H34"


def test_patch_with_a_bad_code_changes_nothing(
    province: Agency, directory_admin: Any, client_for: Any
) -> None:
    body = Agency.objects.get(code_qcvn102="000.00.16.H34")
    response = client_for(directory_admin).patch(
        _detail_url(body.pk), {"name": "Sở mới", "code_qcvn102": "16.H34"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_qcvn102_code"
    body.refresh_from_db()
    assert body.name == "Sở Y tế"


def test_staff_cannot_patch(province: Agency, staff_user: Any, client_for: Any) -> None:
    response = client_for(staff_user).patch(_detail_url(province.pk), {"name": "X"}, format="json")
    assert response.status_code == 403
    province.refresh_from_db()
    assert province.name == "UBND tỉnh Kon Tum"


def test_administrative_units_filter_by_level_and_parent(
    kontum: dict[str, int], staff_user: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(staff_user)
    with django_assert_max_num_queries(2):
        districts = client.get(UNITS, {"level": 2}).json()["results"]
    assert [d["gso_code"] for d in districts][:2] == ["608", "610"]
    assert len(districts) == 10
    ia_h_drai = next(d for d in districts if d["gso_code"] == "618")
    communes = client.get(UNITS, {"parent": ia_h_drai["id"]}).json()["results"]
    assert [c["name"] for c in communes] == ["Xã Ia Đal", "Xã Ia Dom", "Xã Ia Tơi"]
    assert client.get(UNITS, {"level": 9}).status_code == 400
