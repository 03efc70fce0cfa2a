"""The dossiers REST API: detail in fixed queries, public lookup, actions, refusals."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from congso.audit.models import AuditEntry
from congso.dossiers import services
from congso.dossiers.constants import DossierStatus
from congso.dossiers.models import Dossier
from congso.dossiers.tests.conftest import pdf_upload
from congso.dossiers.tests.factories import (
    LOOKUP_SECRET,
    DossierEventFactory,
    DossierFactory,
    ServiceCounterFactory,
)

pytestmark = pytest.mark.django_db
BASE = "/api/v1/dossiers/"


@pytest.fixture(autouse=True)
def _empty_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def received(citizen: Any, procedure: Any, desk_officer: Any) -> Dossier:
    draft = services.dossier_draft_create(citizen, procedure, {"form_data": {"ho_ten": "Bé"}})
    services.dossier_file_add(citizen, draft, "TP1", pdf_upload())
    dossier, _secret = services.dossier_submit(citizen, draft)
    return services.dossier_receive(desk_officer, dossier)


def test_detail_returns_everything_in_a_fixed_number_of_queries(
    django_assert_num_queries: Any, citizen: Any, procedure: Any, desk_officer: Any
) -> None:
    # given: a dossier with history, files and steps; then many more events
    dossier = received(citizen, procedure, desk_officer)
    client = client_for(desk_officer)
    client.get(f"{BASE}{dossier.pk}/")  # warm up (session, roles)
    with django_assert_num_queries(5) as small:
        first = client.get(f"{BASE}{dossier.pk}/")
    DossierEventFactory.create_batch(60, dossier=dossier)
    # when
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(f"{BASE}{dossier.pk}/")
    # then: same query count, relations paged (first 50, has_more)
    assert first.status_code == 200
    body = response.json()
    assert body["code"] == dossier.code
    assert len(body["events"]) == 50
    assert body["relations"]["events"]["has_more"] is True
    assert body["relations"]["files"]["has_more"] is False
    assert [f["component_code"] for f in body["files"]] == ["TP1"]
    assert body["steps"][0]["assignee"]["id"] == desk_officer.pk
    events = client.get(f"{BASE}{dossier.pk}/events/?page_size=10").json()
    assert len(events["results"]) == 10
    assert events["next"]


def test_citizen_cannot_open_another_citizens_dossier(citizen: Any) -> None:
    # given
    other = DossierFactory.create()
    own = DossierFactory.create(applicant=citizen)
    client = client_for(citizen)
    # when
    response = client.get(f"{BASE}{other.pk}/")
    listing = client.get(BASE).json()
    # then
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "dossier_not_found"
    assert [row["id"] for row in listing["results"]] == [own.pk]


def test_public_lookup_same_answer_for_wrong_secret_and_unknown_code(settings: Any) -> None:
    # given
    dossier = DossierFactory.create()
    code = str(dossier.code)
    client = APIClient()
    # when
    ok = client.get(f"{BASE}lookup/", {"code": code, "secret": LOOKUP_SECRET.lower()})
    wrong = client.get(f"{BASE}lookup/", {"code": code, "secret": "ZZZZ2222"})
    unknown = client.get(
        f"{BASE}lookup/", {"code": "000.00.00.H34-200101-9999", "secret": "ZZZZ2222"}
    )
    # then
    assert ok.status_code == 200
    assert ok.json()["status"] == DossierStatus.SUBMITTED
    assert "applicant_name" not in ok.json()
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()


def test_public_lookup_is_rate_limited_per_ip(settings: Any) -> None:
    # given: 3 lookups allowed per window
    settings.DOSSIER_LOOKUP_RATE = 3
    client = APIClient()
    # when
    codes = [
        client.get(
            f"{BASE}lookup/", {"code": "X", "secret": "Y"}, REMOTE_ADDR="10.0.0.1"
        ).status_code
        for _ in range(4)
    ]
    other_ip = client.get(f"{BASE}lookup/", {"code": "X", "secret": "Y"}, REMOTE_ADDR="10.0.0.2")
    # then
    assert codes == [404, 404, 404, 429]
    assert other_ip.status_code == 404
    limited = client.get(f"{BASE}lookup/", {"code": "X", "secret": "Y"}, REMOTE_ADDR="10.0.0.1")
    assert limited.json()["error"]["code"] == "rate_limited"


def test_actions_over_http_receive_forward_extend_once(
    clock: Any, citizen: Any, procedure: Any, desk_officer: Any, specialist: Any
) -> None:
    # given: a submitted dossier
    clock.set(2020, 3, 2, 9, 0)
    draft = services.dossier_draft_create(citizen, procedure, {"form_data": {"ho_ten": "Bé"}})
    services.dossier_file_add(citizen, draft, "TP1", pdf_upload())
    dossier, _secret = services.dossier_submit(citizen, draft)
    desk = client_for(desk_officer)
    # when
    receive = desk.post(f"{BASE}{dossier.pk}/receive/")
    forward = desk.post(f"{BASE}{dossier.pk}/forward/", {"assignee": specialist.pk}, format="json")
    extend = client_for(specialist).post(
        f"{BASE}{dossier.pk}/extend/",
        {"new_due": "2020-03-12T17:00:00+07:00", "reason": "Cần xác minh thêm"},
        format="json",
    )
    again = client_for(specialist).post(
        f"{BASE}{dossier.pk}/extend/",
        {"new_due": "2020-03-13T17:00:00+07:00", "reason": "Lần nữa"},
        format="json",
    )
    # then
    assert receive.status_code == 200
    assert receive.json()["status"] == DossierStatus.RECEIVED
    assert forward.json()["status"] == DossierStatus.PROCESSING
    assert extend.status_code == 200
    assert extend.json()["due_at"].startswith("2020-03-12T")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "dossier_extension_once"
    refused = AuditEntry.objects.filter(action="dossiers.input_refused").get()
    assert refused.data["code"] == "dossier_extension_once"
    assert Dossier.objects.get(pk=dossier.pk).extension_reason == "Cần xác minh thêm"


def test_finish_rejects_a_disguised_pdf_over_http(
    citizen: Any, procedure: Any, desk_officer: Any, specialist: Any, leader: Any
) -> None:
    # given: a dossier at the leader's step
    dossier = received(citizen, procedure, desk_officer)
    services.dossier_step_forward(desk_officer, dossier, assignee=specialist)
    services.dossier_step_forward(specialist, dossier, assignee=leader)
    fake = pdf_upload("ket-qua.pdf", b"MZ\x90\x00 not a pdf at all")
    # when
    response = client_for(leader).post(
        f"{BASE}{dossier.pk}/finish/", {"result_file": fake}, format="multipart"
    )
    # then
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "upload_invalid_type"
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.PROCESSING
    # and a real PDF finishes it
    done = client_for(leader).post(
        f"{BASE}{dossier.pk}/finish/",
        {"result_file": pdf_upload("ket-qua.pdf")},
        format="multipart",
    )
    assert done.status_code == 200
    assert done.json()["result"]["signed"] is False


def test_queue_numbers_over_http(desk_officer: Any) -> None:
    # given
    counter = ServiceCounterFactory.create(agency=desk_officer.agency)
    kiosk = APIClient()
    # when
    numbers = [
        kiosk.post(f"{BASE}queue/counters/{counter.pk}/take/").json()["number"] for _ in range(3)
    ]
    called = client_for(desk_officer).post(f"{BASE}queue/counters/{counter.pk}/call-next/")
    # then
    assert numbers == [1, 2, 3]
    assert called.json()["number"] == 1
    assert called.json()["status"] == "called"


def test_citizen_drafts_uploads_and_submits_over_http(
    citizen: Any, procedure: Any, desk_officer: Any
) -> None:
    # given
    client = client_for(citizen)
    # when
    created = client.post(
        BASE, {"procedure": procedure.code, "form_data": {"ho_ten": "Bé Na"}}, format="json"
    )
    dossier_id = created.json()["id"]
    upload = client.post(
        f"{BASE}{dossier_id}/files/upload/",
        {"component_code": "TP1", "file": pdf_upload()},
        format="multipart",
    )
    submit = client.post(f"{BASE}{dossier_id}/submit/")
    # then
    assert created.status_code == 201
    assert created.json()["status"] == DossierStatus.DRAFT
    assert upload.status_code == 201
    body = submit.json()
    assert submit.status_code == 201
    assert body["dossier"]["status"] == DossierStatus.SUBMITTED
    lookup = APIClient().get(
        f"{BASE}lookup/", {"code": body["dossier"]["code"], "secret": body["lookup_secret"]}
    )
    assert lookup.status_code == 200


def test_desk_creates_a_counter_dossier_over_http(desk_officer: Any, procedure: Any) -> None:
    response = client_for(desk_officer).post(
        f"{BASE}counter/",
        {"procedure": procedure.code, "applicant_name": "A Lăng Thị Hoa"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["dossier"]["code"].startswith("000.01.22.H34-")
    assert len(response.json()["lookup_secret"]) == 8
