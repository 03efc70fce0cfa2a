"""A citizen's draft is theirs alone until submitted: no agency sees, lists or changes it, not even
the receiving agency it names; the applicant keeps full use of it, and the desk's own counter
dossiers keep taking files."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from congso.core.errors import CongsoError
from congso.dossiers import services
from congso.dossiers.access import access_dossier_by_id, dossier_visible_to
from congso.dossiers.constants import DossierStatus
from congso.dossiers.errors import DossierNotFound
from congso.dossiers.models import Dossier, DossierComponentFile
from congso.dossiers.tests.conftest import pdf_upload
from congso.dossiers.tests.factories import (
    DossierFactory,
    DossierStepFactory,
    DraftDossierFactory,
)

pytestmark = pytest.mark.django_db
BASE = "/api/v1/dossiers/"


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def online_draft(citizen: Any, procedure: Any) -> Dossier:
    """What the fuzzer did: the citizen starts a dossier over the API (draft, online)."""
    response = client_for(citizen).post(
        BASE, {"procedure": procedure.code, "form_data": {"ho_ten": "Bé Na"}}, format="json"
    )
    assert response.status_code == 201
    draft = Dossier.objects.get(pk=response.json()["id"])
    assert draft.status == DossierStatus.DRAFT
    return draft


# --- the API -----------------------------------------------------------------------------------


@pytest.mark.parametrize("relation", ["", "events/", "files/", "steps/", "delay/"])
def test_the_receiving_desk_cannot_read_a_citizens_draft(
    citizen: Any, procedure: Any, desk_officer: Any, relation: str
) -> None:
    # given a citizen's draft naming the desk's agency as receiving agency
    draft = online_draft(citizen, procedure)
    # when the desk officer asks for it
    response = client_for(desk_officer).get(f"{BASE}{draft.pk}/{relation}")
    # then it does not exist for them, as another agency's dossier would not
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "dossier_not_found"
    assert "Bé Na" not in response.content.decode()


def test_the_receiving_desk_cannot_add_files_to_a_citizens_draft(
    citizen: Any, procedure: Any, desk_officer: Any
) -> None:
    # given a citizen's draft
    draft = online_draft(citizen, procedure)
    # when the desk officer uploads a component file to it
    response = client_for(desk_officer).post(
        f"{BASE}{draft.pk}/files/upload/",
        {"component_code": "TP1", "file": pdf_upload()},
        format="multipart",
    )
    # then it is refused like an unknown dossier and nothing is stored
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "dossier_not_found"
    assert not DossierComponentFile.objects.filter(dossier=draft).exists()


def test_staff_lists_leave_out_drafts_and_show_them_once_submitted(
    citizen: Any, procedure: Any, desk_officer: Any
) -> None:
    # given a citizen's draft and a submitted dossier at the same desk
    draft = online_draft(citizen, procedure)
    submitted = DossierFactory.create(procedure=procedure)
    desk = client_for(desk_officer)
    # when the desk lists its dossiers, all of them and the drafts only
    listed = [row["id"] for row in desk.get(BASE).json()["results"]]
    drafts = desk.get(BASE, {"status": DossierStatus.DRAFT}).json()["results"]
    # then the draft is not there
    assert listed == [submitted.pk]
    assert drafts == []
    # and once the citizen submits it, it is
    services.dossier_file_add(citizen, draft, "TP1", pdf_upload())
    services.dossier_submit(citizen, draft)
    assert draft.pk in [row["id"] for row in desk.get(BASE).json()["results"]]
    assert desk.get(f"{BASE}{draft.pk}/").status_code == 200


@pytest.mark.parametrize("endpoint", ["overdue/", "nearing-due/"])
def test_deadline_lists_leave_out_drafts(
    citizen: Any, procedure: Any, desk_officer: Any, endpoint: str
) -> None:
    # given a draft carrying a past due date (no service writes one: the worst case)
    draft = DraftDossierFactory.create(
        procedure=procedure, applicant=citizen, due_at=timezone.now() - timedelta(days=1)
    )
    # when the desk reads the list
    response = client_for(desk_officer).get(f"{BASE}{endpoint}")
    # then the draft is not in it
    assert response.status_code == 200
    assert draft.pk not in [row["id"] for row in response.json()["results"]]


def test_the_applicant_still_reads_and_fills_in_their_draft(citizen: Any, procedure: Any) -> None:
    # given the citizen's own draft
    draft = online_draft(citizen, procedure)
    client = client_for(citizen)
    # when they read it and upload a component
    detail = client.get(f"{BASE}{draft.pk}/")
    upload = client.post(
        f"{BASE}{draft.pk}/files/upload/",
        {"component_code": "TP1", "file": pdf_upload()},
        format="multipart",
    )
    # then both work
    assert detail.status_code == 200
    assert detail.json()["form_data"] == {"ho_ten": "Bé Na"}
    assert upload.status_code == 201
    assert [row["id"] for row in client.get(BASE).json()["results"]] == [draft.pk]


def test_the_desk_adds_files_to_its_counter_dossier(desk_officer: Any, procedure: Any) -> None:
    # given a dossier the desk took at the counter
    created = client_for(desk_officer).post(
        f"{BASE}counter/",
        {"procedure": procedure.code, "applicant_name": "A Lăng Thị Hoa"},
        format="json",
    )
    dossier_id = created.json()["dossier"]["id"]
    # when the desk scans a paper into it
    response = client_for(desk_officer).post(
        f"{BASE}{dossier_id}/files/upload/",
        {"component_code": "TP1", "file": pdf_upload()},
        format="multipart",
    )
    # then the file is kept
    assert response.status_code == 201
    assert DossierComponentFile.objects.filter(dossier_id=dossier_id).count() == 1


# --- the gate and the service ------------------------------------------------------------------


@pytest.mark.parametrize("agency_role", ["receiving", "handling", "step"])
def test_the_gate_hides_a_draft_from_every_agency_that_would_see_it_once_submitted(
    citizen: Any, desk_agency: Any, other_agency: Any, other_officer: Any, agency_role: str
) -> None:
    # given a draft tied to the other officer's agency in one of the three ways staff see dossiers
    draft = DraftDossierFactory.create(
        applicant=citizen,
        receiving_agency=other_agency if agency_role == "receiving" else desk_agency,
        handling_agency=other_agency if agency_role == "handling" else desk_agency,
    )
    if agency_role == "step":
        DossierStepFactory.create(dossier=draft, agency=other_agency)
    # when / then: hidden while a draft
    assert not dossier_visible_to(other_officer).filter(pk=draft.pk).exists()
    with pytest.raises(DossierNotFound):
        access_dossier_by_id(other_officer, draft.pk)
    assert access_dossier_by_id(citizen, draft.pk) == draft
    # and visible once submitted
    Dossier.objects.filter(pk=draft.pk).update(status=DossierStatus.SUBMITTED)
    assert dossier_visible_to(other_officer).filter(pk=draft.pk).exists()


def refusal(call: Any) -> CongsoError:
    with pytest.raises(CongsoError) as caught:
        call()
    return caught.value


def test_the_service_refuses_the_desk_a_draft_even_when_called_directly(
    citizen: Any, procedure: Any, desk_officer: Any
) -> None:
    # given a citizen's draft, loaded without the gate
    draft = services.dossier_draft_create(citizen, procedure, {"form_data": {"ho_ten": "Bé"}})
    # when the desk officer adds a file to it
    error = refusal(lambda: services.dossier_file_add(desk_officer, draft, "TP1", pdf_upload()))
    # then it is a 404 and nothing is stored
    assert error.code == "dossier_not_found"
    assert not DossierComponentFile.objects.filter(dossier=draft).exists()


def test_the_desk_does_not_add_files_to_a_submitted_online_dossier(
    citizen: Any, procedure: Any, desk_officer: Any
) -> None:
    # given an online dossier the citizen submitted
    draft = services.dossier_draft_create(citizen, procedure, {"form_data": {"ho_ten": "Bé"}})
    services.dossier_file_add(citizen, draft, "TP1", pdf_upload())
    dossier, _secret = services.dossier_submit(citizen, draft)
    # when the desk adds a file to it
    error = refusal(lambda: services.dossier_file_add(desk_officer, dossier, "TP2", pdf_upload()))
    # then it is refused (more papers come through a supplement request) and nothing is stored
    assert error.code == "dossier_step_forbidden"
    assert DossierComponentFile.objects.filter(dossier=dossier).count() == 1


def test_the_applicant_adds_files_only_while_drafting(citizen: Any, procedure: Any) -> None:
    # given the citizen's submitted dossier
    draft = services.dossier_draft_create(citizen, procedure, {"form_data": {"ho_ten": "Bé"}})
    services.dossier_file_add(citizen, draft, "TP1", pdf_upload())
    dossier, _secret = services.dossier_submit(citizen, draft)
    # when they add another file after submitting
    error = refusal(lambda: services.dossier_file_add(citizen, dossier, "TP2", pdf_upload()))
    # then it is refused and nothing is stored
    assert error.code == "dossier_invalid_transition"
    assert DossierComponentFile.objects.filter(dossier=dossier).count() == 1


# --- the desk pages ----------------------------------------------------------------------------


def test_the_desk_pages_neither_show_nor_list_a_citizens_draft(
    client: Any, citizen: Any, procedure: Any, desk_officer: Any
) -> None:
    # given a citizen's draft with a name that would show on a page
    draft = online_draft(citizen, procedure)
    Dossier.objects.filter(pk=draft.pk).update(applicant_name="Nguyễn Nháp Riêng")
    client.force_login(desk_officer)
    # when the desk officer opens the dossier page and the lists
    detail = client.get(reverse("dossiers:detail", args=[draft.pk]))
    pages = [
        client.get(reverse(name), query)
        for name, query in [
            ("dossiers:queue", {}),
            ("dossiers:handling", {}),
            ("dossiers:handling", {"trang_thai": DossierStatus.DRAFT}),
            ("dossiers:deadlines", {}),
        ]
    ]
    # then the dossier page is a 404 and no list names the draft
    assert detail.status_code == 404
    assert "Nguyễn Nháp Riêng" not in detail.content.decode()
    for page in pages:
        assert page.status_code == 200
        assert "Nguyễn Nháp Riêng" not in page.content.decode()
