"""Bad input: clear errors with stable codes, nothing changed, the refusal audited."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from rest_framework.test import APIClient

from congso.audit.models import AuditEntry
from congso.core.errors import CongsoError
from congso.dossiers import services
from congso.dossiers.constants import DossierStatus
from congso.dossiers.models import Dossier, DossierComponentFile, DossierEvent
from congso.dossiers.tests.conftest import pdf_upload

pytestmark = pytest.mark.django_db


def submitted(citizen: Any, procedure: Any) -> Dossier:
    draft = services.dossier_draft_create(citizen, procedure, {"form_data": {"ho_ten": "Bé"}})
    services.dossier_file_add(citizen, draft, "TP1", pdf_upload())
    dossier, _secret = services.dossier_submit(citizen, draft)
    return dossier


def refusal(call: Any) -> CongsoError:
    with pytest.raises(CongsoError) as caught:
        call()
    return caught.value


def refusals() -> list[str]:
    return [
        entry.data["code"] for entry in AuditEntry.objects.filter(action="dossiers.input_refused")
    ]


def test_invalid_transition_changes_nothing_and_is_audited(
    citizen: Any, procedure: Any, desk_officer: Any
) -> None:
    # given: a submitted (not yet received) dossier
    dossier = submitted(citizen, procedure)
    events = DossierEvent.objects.count()
    # when: someone tries to return a result that does not exist
    error = refusal(lambda: services.dossier_return(desk_officer, dossier, "counter"))
    # then
    assert error.code == "dossier_invalid_transition"
    assert error.http_status == 409
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.SUBMITTED
    assert DossierEvent.objects.count() == events
    assert refusals() == ["dossier_invalid_transition"]


def test_officer_outside_the_assigned_step_is_refused(
    citizen: Any, procedure: Any, desk_officer: Any, specialist: Any, other_officer: Any
) -> None:
    # given: the dossier is at the specialist's step of the receiving agency
    dossier = services.dossier_receive(desk_officer, submitted(citizen, procedure))
    services.dossier_step_forward(desk_officer, dossier, assignee=specialist)
    # when: an officer of another agency tries to complete it
    error = refusal(lambda: services.dossier_step_complete(other_officer, dossier))
    # then
    assert error.code == "dossier_step_forbidden"
    assert error.http_status == 403
    assert (
        Dossier.objects.get(pk=dossier.pk).steps.filter(finished_at__isnull=True).get().assignee
        == specialist
    )
    assert refusals() == ["dossier_step_forbidden"]


def test_only_the_desk_receives(citizen: Any, procedure: Any, specialist: Any) -> None:
    dossier = submitted(citizen, procedure)
    error = refusal(lambda: services.dossier_receive(specialist, dossier))
    assert error.code == "dossier_step_forbidden"
    assert Dossier.objects.get(pk=dossier.pk).received_at is None


def test_second_extension_is_refused(
    citizen: Any, procedure: Any, desk_officer: Any, clock: Any
) -> None:
    # given: received Monday 02/03/2020 and extended once
    clock.set(2020, 3, 2, 9, 0)
    dossier = services.dossier_receive(desk_officer, submitted(citizen, procedure))
    services.dossier_extend(desk_officer, dossier, date(2020, 3, 10), "Chờ xác minh")
    # when
    error = refusal(
        lambda: services.dossier_extend(desk_officer, dossier, date(2020, 3, 12), "Lần hai")
    )
    # then
    assert error.code == "dossier_extension_once"
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert fresh.extension_reason == "Chờ xác minh"
    assert fresh.due_at is not None
    assert fresh.due_at.date() == date(2020, 3, 10)
    assert refusals() == ["dossier_extension_once"]


def test_extension_to_a_day_off_or_earlier_is_refused(
    citizen: Any, procedure: Any, desk_officer: Any, clock: Any
) -> None:
    clock.set(2020, 3, 2, 9, 0)
    dossier = services.dossier_receive(desk_officer, submitted(citizen, procedure))
    sunday = refusal(lambda: services.dossier_extend(desk_officer, dossier, date(2020, 3, 8), "x"))
    earlier = refusal(lambda: services.dossier_extend(desk_officer, dossier, date(2020, 3, 3), "x"))
    assert sunday.code == "dossier_extension_not_working_day"
    assert earlier.code == "dossier_extension_not_later"
    assert Dossier.objects.get(pk=dossier.pk).extended_due_at is None


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("to-khai.pdf", b"MZ\x90\x00 an executable"),
        ("to-khai.pdf", b"\x89PNG\r\n\x1a\n a png named pdf"),
        ("anh.png", b"%PDF-1.4 a pdf named png"),
    ],
)
def test_disguised_files_are_refused(citizen: Any, procedure: Any, name: str, data: bytes) -> None:
    # given
    draft = services.dossier_draft_create(citizen, procedure, {})
    # when
    error = refusal(
        lambda: services.dossier_file_add(citizen, draft, "TP1", pdf_upload(name, data))
    )
    # then
    assert error.code == "upload_invalid_type"
    assert DossierComponentFile.objects.count() == 0


def test_oversized_file_is_refused(citizen: Any, procedure: Any, settings: Any) -> None:
    settings.DOSSIER_UPLOAD_MAX_BYTES = 100
    draft = services.dossier_draft_create(citizen, procedure, {})
    big = b"%PDF-1.4\n" + b"0" * 200
    error = refusal(
        lambda: services.dossier_file_add(citizen, draft, "TP1", pdf_upload("a.pdf", big))
    )
    assert error.code == "upload_too_large"


def test_missing_components_and_invalid_form_block_submission(citizen: Any, procedure: Any) -> None:
    # given: a draft without TP1 and without the required form field
    draft = services.dossier_draft_create(citizen, procedure, {"form_data": {}})
    # when
    form = refusal(lambda: services.dossier_submit(citizen, draft))
    services.dossier_draft_update(citizen, draft, {"form_data": {"ho_ten": "Bé"}})
    missing = refusal(lambda: services.dossier_submit(citizen, draft))
    # then
    assert form.code == "dossier_form_invalid"
    assert "ho_ten" in form.details["fields"]
    assert missing.code == "dossier_components_missing"
    assert missing.details["missing"] == ["TP1"]
    fresh = Dossier.objects.get(pk=draft.pk)
    assert fresh.status == DossierStatus.DRAFT
    assert fresh.code is None


def test_citizen_cannot_act_on_another_citizens_dossier(citizen: Any, procedure: Any) -> None:
    from congso.accounts.tests.factories import CitizenUserFactory

    dossier = submitted(citizen, procedure)
    stranger = CitizenUserFactory()
    error = refusal(lambda: services.dossier_withdraw(stranger, dossier))
    assert error.code == "dossier_not_found"
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.SUBMITTED


def test_rating_only_once_and_only_after_return(citizen: Any, procedure: Any) -> None:
    dossier = submitted(citizen, procedure)
    early = refusal(lambda: services.dossier_rate(citizen, dossier, "satisfied"))
    assert early.code == "dossier_invalid_transition"
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.RETURNED)
    services.dossier_rate(citizen, dossier, "satisfied")
    twice = refusal(lambda: services.dossier_rate(citizen, dossier, "unsatisfied"))
    assert twice.code == "dossier_already_rated"


@pytest.mark.parametrize(
    "items",
    [
        ["\u0000"],
        ["Bản sao\u0000CCCD"],
        [{"component_code": "TP1", "name": "Bản\u0000sao"}],
        [{"name": "Bản sao", "originals": {"so\u0000": 1}}],
        ["Bản sao CCCD", "\u0000"],
    ],
)
def test_supplement_request_with_a_nul_character_is_refused_over_http(
    citizen: Any, procedure: Any, desk_officer: Any, items: list[Any]
) -> None:
    # given: a submitted dossier at the desk (PostgreSQL keeps no U+0000 in text or jsonb)
    dossier = submitted(citizen, procedure)
    client = APIClient()
    client.force_authenticate(desk_officer)
    events = DossierEvent.objects.count()
    # when: the desk asks for papers whose list carries a NUL character
    response = client.post(
        f"/api/v1/dossiers/{dossier.pk}/supplement-request/",
        {"items": items, "reason": "x"},
        format="json",
    )
    # then: a 400 naming the field, in Vietnamese; nothing changed; the refusal audited
    error = response.json()["error"]
    assert response.status_code == 400
    assert error["code"] == "validation_failed"
    assert error["fields"] == {"items": ["Nội dung không được chứa ký tự NUL (U+0000)."]}
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.SUBMITTED
    assert DossierEvent.objects.count() == events
    assert refusals() == ["validation_failed"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"form_data": {"ho_ten": "Bé\u0000"}}, "form_data"),
        ({"form_data": {"me": {"ho\u0000ten": "Na"}}}, "form_data"),
        ({"summary": "Đăng ký\u0000khai sinh"}, "summary"),
    ],
)
def test_a_draft_with_a_nul_character_is_refused(
    citizen: Any, procedure: Any, data: dict[str, Any], field: str
) -> None:
    # given / when: a service caller (not DRF's CharField) passes a NUL character
    error = refusal(lambda: services.dossier_draft_create(citizen, procedure, data))
    # then
    assert error.code == "validation_failed"
    assert error.field == field
    assert not Dossier.objects.exists()
