from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from congso.audit.models import AuditEntry
from congso.organizations.constants import AgencyKind, OrganizationAuditAction
from congso.organizations.models import AdministrativeUnit, Agency, Position

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_h2(db: Any) -> Client:
    user = get_user_model().objects.create_superuser("quantri", "qt@example.vn", "MatKhau@2020")
    client = Client()
    client.force_login(user)
    return client


def _agency_form(parent: Agency, **overrides: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "name": "Phòng Thanh tra",
        "short_name": "",
        "abbreviation": "TTra",
        "kind": AgencyKind.INTERNAL_UNIT,
        "parent": parent.pk,
        "administrative_unit": "",
        "code_qcvn102": "",
        "code_qd20": "",
        "place_name": "",
    }
    form.update(overrides)
    return form


def test_admin_add_goes_through_the_service_and_is_audited(
    admin_client_h2: Client, province: Agency
) -> None:
    # given
    body = Agency.objects.get(code_qcvn102="000.00.11.H34")
    # when
    response = admin_client_h2.post("/admin/organizations/agency/add/", _agency_form(body))
    # then
    assert response.status_code == 302
    unit = Agency.objects.get(parent=body, abbreviation="TTra")
    assert unit.level == 3
    assert unit.code_qcvn102 is None
    assert AuditEntry.objects.filter(
        action=OrganizationAuditAction.AGENCY_CREATED, target_id=str(unit.pk)
    ).exists()


def test_admin_form_shows_the_rule_broken(admin_client_h2: Client, province: Agency) -> None:
    # given a level-2 code placed under a level-2 agency
    body = Agency.objects.get(code_qcvn102="000.00.11.H34")
    form = _agency_form(body, kind=AgencyKind.PROVINCIAL_BODY, code_qcvn102="000.00.21.H34")
    # when
    response = admin_client_h2.post("/admin/organizations/agency/add/", form)
    # then
    assert response.status_code == 200
    assert "cơ quan cấp trên phải là cơ quan có mã 000.00.00.H34" in response.content.decode()
    assert not Agency.objects.filter(code_qcvn102="000.00.21.H34").exists()


def test_admin_form_shows_the_code_format_rule(admin_client_h2: Client, province: Agency) -> None:
    form = _agency_form(province, kind=AgencyKind.PROVINCIAL_BODY, code_qcvn102="000.0.211.H34")
    response = admin_client_h2.post("/admin/organizations/agency/add/", form)
    assert response.status_code == 200
    assert "4 nhóm 3, 2, 2 và 3 ký tự" in response.content.decode()


def test_admin_change_is_audited_with_the_changed_fields(
    admin_client_h2: Client, province: Agency
) -> None:
    body = Agency.objects.get(code_qcvn102="000.00.16.H34")
    form = _agency_form(
        province,
        name="Sở Y tế tỉnh Kon Tum",
        abbreviation="SYT",
        kind=AgencyKind.PROVINCIAL_BODY,
        code_qcvn102="000.00.16.H34",
        code_qd20="H34.16",
        administrative_unit=body.administrative_unit_id,
        is_demo_code="on",
        place_name="Kon Tum",
    )
    response = admin_client_h2.post(f"/admin/organizations/agency/{body.pk}/change/", form)
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action=OrganizationAuditAction.AGENCY_UPDATED)
    assert entry.data["changes"] == {"name": ["Sở Y tế", "Sở Y tế tỉnh Kon Tum"]}


def test_admin_deactivate_action_uses_the_service(
    admin_client_h2: Client, province: Agency
) -> None:
    unit = Agency.objects.get(parent__code_qcvn102="000.00.11.H34", abbreviation="CNTT")
    response = admin_client_h2.post(
        "/admin/organizations/agency/",
        {"action": "deactivate_agencies", "_selected_action": [unit.pk, province.pk]},
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    province.refresh_from_db()
    assert unit.is_active is False
    assert province.is_active is True  # refused: it still has active units
    assert AuditEntry.objects.filter(action=OrganizationAuditAction.AGENCY_DEACTIVATED).count() == 1


@pytest.mark.parametrize(
    "url",
    [
        "/admin/organizations/agency/?q=H34.11",
        "/admin/organizations/agency/?kind__exact=ubnd_xa",
        "/admin/organizations/administrativeunit/?level__exact=3",
        "/admin/organizations/position/",
        "/admin/organizations/agency/add/",
    ],
)
def test_admin_pages_render(admin_client_h2: Client, kontum: dict[str, int], url: str) -> None:
    response = admin_client_h2.get(url)
    assert response.status_code == 200


def test_admin_autocomplete_finds_parents(admin_client_h2: Client, kontum: dict[str, int]) -> None:
    response = admin_client_h2.get(
        "/admin/autocomplete/",
        {
            "term": "Thông tin",
            "app_label": "organizations",
            "model_name": "agency",
            "field_name": "parent",
        },
    )
    assert response.status_code == 200
    assert "Sở Thông tin và Truyền thông" in [r["text"] for r in response.json()["results"]]


def test_admin_position_and_unit_saves_are_audited(
    admin_client_h2: Client, kontum: dict[str, int]
) -> None:
    response = admin_client_h2.post(
        "/admin/organizations/position/add/",
        {"name": "Phó Chánh Thanh tra", "rank": 45, "is_leadership": "on"},
    )
    assert response.status_code == 302
    assert Position.objects.get(name="Phó Chánh Thanh tra").is_leadership
    district = AdministrativeUnit.objects.get(gso_code="618")
    response = admin_client_h2.post(
        f"/admin/organizations/administrativeunit/{district.pk}/change/",
        {
            "gso_code": "618",
            "name": "Huyện Ia H'Drai",
            "kind": "huyen",
            "level": 2,
            "parent": district.parent_id,
        },
    )
    assert response.status_code == 302
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        OrganizationAuditAction.POSITION_CREATED,
        OrganizationAuditAction.ADMIN_UNIT_UPDATED,
    } <= actions


def test_admin_refuses_a_commune_placed_directly_under_the_province(
    admin_client_h2: Client, kontum: dict[str, int]
) -> None:
    province = AdministrativeUnit.objects.get(gso_code="62")
    response = admin_client_h2.post(
        "/admin/organizations/administrativeunit/add/",
        {"gso_code": "99999", "name": "Xã Lạc", "kind": "xa", "level": 3, "parent": province.pk},
    )
    assert response.status_code == 200
    assert "phải thuộc một đơn vị cấp 2" in response.content.decode()
    assert not AdministrativeUnit.objects.filter(gso_code="99999").exists()
