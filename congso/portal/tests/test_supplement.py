"""The citizen answers Mẫu 02 on the portal: the requested papers are listed, the upload resumes
the clock; someone else cannot."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from congso.accounts.tests.factories import CitizenUserFactory, StaffUserFactory
from congso.core.identity import Role
from congso.dossiers.constants import DossierStatus
from congso.dossiers.services import (
    dossier_draft_create,
    dossier_file_add,
    dossier_receive,
    dossier_submit,
    dossier_supplement_request,
)
from congso.portal.tests.conftest import pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(citizen: Any, free_procedure: Any, desk_agency: Any) -> Any:
    draft = dossier_draft_create(
        citizen, free_procedure, {"applicant_name": "Y Blốc", "form_data": {"ho_ten": "Y Blốc"}}
    )
    dossier_file_add(citizen, draft, "TP1", pdf_upload())
    dossier, _secret = dossier_submit(citizen, draft)
    officer = StaffUserFactory(agency=desk_agency, roles=[Role.ONE_STOP_OFFICER])
    dossier_receive(officer, dossier)
    return dossier_supplement_request(officer, dossier, ["Bản sao CCCD"], "Thiếu giấy tờ")


def test_the_citizen_sees_the_request_and_hands_in_the_supplement(
    citizen_client: Client, waiting: Any
) -> None:
    # when the citizen opens the dossier
    page = citizen_client.get(reverse("portal:dossier", args=[waiting.pk])).content.decode()
    # then the request is listed with an upload per component
    assert "Yêu cầu bổ sung hồ sơ" in page
    assert "Bản sao CCCD" in page
    assert 'name="tp_TP1"' in page
    # when they upload the paper
    response = citizen_client.post(
        reverse("portal:dossier-supplement", args=[waiting.pk]),
        {"tp_TP1": pdf_upload("cccd.pdf")},
        follow=True,
    )
    # then the clock resumes and the dossier is back in its status before the request
    waiting.refresh_from_db()
    assert waiting.status == DossierStatus.RECEIVED
    assert waiting.paused_at is None
    assert waiting.files.filter(is_supplement=True).count() == 1
    assert "Đã nộp hồ sơ bổ sung" in response.content.decode()


def test_without_a_file_nothing_changes(citizen_client: Client, waiting: Any) -> None:
    # when
    response = citizen_client.post(
        reverse("portal:dossier-supplement", args=[waiting.pk]), {}, follow=True
    )
    # then
    waiting.refresh_from_db()
    assert waiting.status == DossierStatus.SUPPLEMENT_REQUESTED
    assert "Chưa có tệp bổ sung nào." in response.content.decode()


def test_another_citizen_cannot_supplement(waiting: Any) -> None:
    # given
    client = Client()
    client.force_login(CitizenUserFactory.create())
    # when
    response = client.post(
        reverse("portal:dossier-supplement", args=[waiting.pk]), {"tp_TP1": pdf_upload()}
    )
    # then
    assert response.status_code == 404
    waiting.refresh_from_db()
    assert waiting.status == DossierStatus.SUPPLEMENT_REQUESTED
