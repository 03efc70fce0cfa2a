"""Staff drift page and the admin: managed by administrators, every edit audited."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from congso.accounts.tests.factories import StaffUserFactory
from congso.audit.models import AuditEntry
from congso.core.identity import Role
from congso.procedures.constants import ProcedureAuditAction
from congso.procedures.models import Procedure
from congso.procedures.tests.factories import CommuneCommitteeFactory, ProcedureFactory

pytestmark = pytest.mark.django_db

NATIONAL = [{"MaTTHC": "2.000815", "TenTTHC": "Chứng thực bản sao từ bản chính"}]


def _upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("quoc-gia.json", json.dumps(NATIONAL).encode(), "application/json")


def test_drift_page_requires_login_and_administrator_role(client: Client) -> None:
    # given / when an anonymous visitor and a desk officer open the page
    anonymous = client.get("/thu-tuc/quan-ly/sai-lech/")
    officer_user: Any = StaffUserFactory(roles=[Role.ONE_STOP_OFFICER])
    client.force_login(officer_user)
    officer = client.get("/thu-tuc/quan-ly/sai-lech/")

    # then the first is sent to log in, the second refused
    assert anonymous.status_code == 302
    assert officer.status_code == 403


def test_drift_page_shows_report_and_downloads_excel(client: Client) -> None:
    # given an administrator and one local procedure
    ProcedureFactory(name="Đăng ký khai sinh")
    administrator: Any = StaffUserFactory(roles=[Role.ADMINISTRATOR])
    client.force_login(administrator)

    # when a national list is uploaded for the page, then for Excel
    page = client.post("/thu-tuc/quan-ly/sai-lech/", {"national": _upload(), "output": "html"})
    excel = client.post("/thu-tuc/quan-ly/sai-lech/", {"national": _upload(), "output": "xlsx"})

    # then the page lists the missing and the local-only procedures; Excel is an xlsx file
    body = page.content.decode()
    assert page.status_code == 200
    assert "2.000815" in body
    assert "Đăng ký khai sinh" in body
    assert excel["Content-Type"].startswith("application/vnd.openxmlformats")


def test_drift_page_explains_a_bad_file(client: Client) -> None:
    # given an administrator
    administrator: Any = StaffUserFactory(roles=[Role.ADMINISTRATOR])
    client.force_login(administrator)

    # when a file that is not JSON is uploaded
    bad = SimpleUploadedFile("x.json", b"not json", "application/json")
    response = client.post("/thu-tuc/quan-ly/sai-lech/", {"national": bad})

    # then the page says why
    assert response.status_code == 400
    assert "không phải JSON hợp lệ" in response.content.decode()


def test_admin_edit_goes_through_audited_services(client: Client) -> None:
    # given a superuser and a procedure with two components and two steps
    admin: Any = StaffUserFactory(is_superuser=True, is_staff=True, roles=[Role.ADMINISTRATOR])
    client.force_login(admin)
    procedure: Any = ProcedureFactory(name="Đăng ký khai sinh")
    desk = procedure.receiving_agencies.get()
    other_desk: Any = CommuneCommitteeFactory()
    components = list(procedure.components.all())
    steps = list(procedure.steps.all())
    form: dict[str, Any] = {
        "national_code": procedure.national_code,
        "is_demo_code": "on",
        "name": "Đăng ký khai sinh (sửa)",
        "field": procedure.field_id,
        "level": "xa",
        "online_level": 3,
        "processing_days": "2.0",
        "fee_text": "Miễn lệ phí",
        "fee_amount": 0,
        "applicant_types": '["citizen"]',
        "is_published": "on",
        "form_schema": json.dumps(procedure.form_schema),
        "implementing_agency_name": procedure.implementing_agency_name,
        "result_name": procedure.result_name,
        "legal_basis": procedure.legal_basis,
        "receiving_agencies": [desk.pk, other_desk.pk],
        "components-TOTAL_FORMS": 2,
        "components-INITIAL_FORMS": 2,
        "steps-TOTAL_FORMS": 2,
        "steps-INITIAL_FORMS": 2,
    }
    for i, c in enumerate(components):
        form.update(
            {
                f"components-{i}-id": c.pk,
                f"components-{i}-procedure": procedure.pk,
                f"components-{i}-order": c.order,
                f"components-{i}-code": c.code,
                f"components-{i}-name": c.name,
                f"components-{i}-originals": c.originals,
                f"components-{i}-copies": c.copies,
                f"components-{i}-accepted_types": json.dumps(c.accepted_types),
            }
        )
        if c.is_required:
            form[f"components-{i}-is_required"] = "on"
    form["components-1-DELETE"] = "on"
    for i, s in enumerate(steps):
        form.update(
            {
                f"steps-{i}-id": s.pk,
                f"steps-{i}-procedure": procedure.pk,
                f"steps-{i}-order": s.order,
                f"steps-{i}-name": s.name,
                f"steps-{i}-days": s.days,
                f"steps-{i}-role": s.role,
            }
        )

    # when the admin form is saved with a new name, one more desk and one component deleted
    response = client.post(f"/admin/procedures/procedure/{procedure.pk}/change/", form)

    # then the changes are stored, search text follows the name, and each change is audited
    assert response.status_code == 302, response.content.decode()[:2000]
    procedure = Procedure.objects.get(pk=procedure.pk)
    assert procedure.search_text.startswith("dang ky khai sinh (sua)")
    assert procedure.receiving_agencies.count() == 2
    assert procedure.components.count() == 1
    changed = [
        e.data["changed"]
        for e in AuditEntry.objects.filter(action=ProcedureAuditAction.PROCEDURE_UPDATED)
    ]
    assert changed == [["name", "processing_days"], ["receiving_agencies"], ["components"]]
