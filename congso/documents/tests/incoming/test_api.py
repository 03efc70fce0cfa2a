"""The incoming API contract: status codes, error codes, payload shapes, query counts."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any, cast

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from congso.accounts.tests.factories import CitizenUserFactory, StaffUserFactory
from congso.core.identity import Role
from congso.documents.constants import IncomingStatus, OutgoingStatus
from congso.documents.models import Assignment, IncomingDocument, OutgoingRecipient
from congso.documents.services.distribution import AssignmentEntry, incoming_document_assign
from congso.documents.services.files import stored_file_put_bytes
from congso.documents.services.incoming_common import local_today
from congso.documents.services.incoming_internal import incoming_document_receive_internal
from congso.documents.tests.factories import OutgoingDocumentFactory, secrecy, urgency
from congso.documents.tests.incoming.conftest import make_pdf
from congso.organizations.tests.factories import AgencyFactory, InternalUnitFactory

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def url(name: str, **kwargs: Any) -> str:
    return reverse(f"documents-api:{name}", kwargs=kwargs)


def form(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "document_type": "cong_van",
        "code_number": "12",
        "code_notation": "UBND-VX",
        "issued_on": "2020-01-06",
        "organ_name": "UBND tỉnh Kon Tum",
        "subject": "V/v báo cáo tình hình chuyển đổi số",
        "urgency": "khan",
        "main_file": _file(make_pdf("Công văn 12/UBND-VX"), "12-UBND-VX.pdf"),
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def _file(data: bytes, name: str) -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


# --- Register ----------------------------------------------------------------------------------


def test_a_clerk_registers_with_a_multipart_upload(clerk):
    # when
    response = client_for(clerk).post(url("incoming-list"), form(), format="multipart")
    # then
    assert response.status_code == 201, response.content
    document = response.json()["document"]
    assert document["arrival_number"] == 1
    assert document["number_notation"] == "12/UBND-VX"
    assert document["urgency"] == {"code": "khan", "name": "Khẩn"}
    assert document["status"] == "accepted"
    assert document["status_code"] == "03"
    assert document["page_amount"] == 1
    assert document["files"][0]["name"] == "12-UBND-VX.pdf"
    assert document["files"][0]["download_url"].endswith(f"/files/{document['files'][0]['id']}/")
    assert document["history"][0]["action"] == "documents.incoming_registered"
    assert response.json()["duplicates"] == []


def test_a_possible_duplicate_answers_409_with_the_matches_then_registers_when_confirmed(clerk):
    # given
    client = client_for(clerk)
    first = client.post(url("incoming-list"), form(), format="multipart").json()["document"]
    # when
    again = client.post(
        url("incoming-list"),
        form(main_file=_file(make_pdf("khác"), "b.pdf")),
        format="multipart",
    )
    # then
    assert again.status_code == 409
    error = again.json()["error"]
    assert error["code"] == "possible_duplicate"
    assert error["details"]["matches"][0]["document_id"] == first["id"]
    assert error["details"]["matches"][0]["arrival_number"] == 1
    # when confirmed
    confirmed = client.post(
        url("incoming-list"),
        form(main_file=_file(make_pdf("khác"), "b.pdf"), allow_duplicate="true"),
        format="multipart",
    )
    assert confirmed.status_code == 201
    assert confirmed.json()["document"]["arrival_number"] == 2
    assert confirmed.json()["duplicates"][0]["reasons"] == ["same_number"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"subject": ""}, "subject"),
        ({"subject": "x" * 501}, "subject"),
        ({"issued_on": "2020-02-30"}, "issued_on"),
        ({"issued_on": "1900-01-01"}, "issued_on"),
        ({"issued_on": "2999-01-01"}, "issued_on"),
        ({"document_type": "khong_co"}, "document_type"),
        ({"code_notation": "A" * 31}, "code_notation"),
        ({"main_file": None}, "main_file"),
    ],
)
def test_bad_input_answers_400_with_the_field_and_writes_nothing(clerk, overrides, field):
    response = client_for(clerk).post(url("incoming-list"), form(**overrides), format="multipart")
    assert response.status_code == 400
    body = response.json()["error"]
    assert body["code"] == "validation_failed"
    assert field in body["fields"]
    assert IncomingDocument.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"%PDF-1.7 garbage", "hong.pdf", "unreadable_pdf"),
        (b"GIF89a....", "anh.gif", "unsupported_file_type"),
    ],
)
def test_rejected_files_answer_400_with_their_code(clerk, data, name, code):
    response = client_for(clerk).post(
        url("incoming-list"), form(main_file=_file(data, name)), format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code


def test_a_path_trick_name_is_stored_as_its_last_component(clerk):
    response = client_for(clerk).post(
        url("incoming-list"),
        form(main_file=_file(make_pdf("x"), "../../etc/passwd")),
        format="multipart",
    )
    assert response.status_code == 201
    assert response.json()["document"]["files"][0]["name"] == "passwd"


@pytest.mark.parametrize("kind", ["specialist", "citizen", "anonymous"])
def test_only_clerks_register(specialist, kind):
    client = APIClient()
    if kind == "specialist":
        client.force_authenticate(specialist)
    elif kind == "citizen":
        client.force_authenticate(CitizenUserFactory.create())
    response = client.post(url("incoming-list"), form(), format="multipart")
    assert response.status_code in (401, 403)
    assert IncomingDocument.objects.count() == 0


# --- List and detail ---------------------------------------------------------------------------


def test_the_list_is_paginated_without_contents_in_few_queries(
    register, clerk, django_assert_max_num_queries
):
    # given
    for _ in range(25):
        register()
    client = client_for(clerk)
    # when
    with django_assert_max_num_queries(6):
        response = client.get(url("incoming-list"), {"page_size": 10})
    # then
    body = response.json()
    assert response.status_code == 200
    assert len(body["results"]) == 10
    assert body["next"]
    assert "count" not in body
    row = body["results"][0]
    assert "files" not in row
    assert "text_content" not in str(row)
    assert row["arrival_number"] == 25


def test_list_filters(register, clerk, leader, specialist):
    # given
    ordinary = register()
    urgent = register(urgency=urgency("khan"))
    incoming_document_assign(
        actor=leader, document=urgent, entries=[AssignmentEntry(role="lead", assignee=specialist)]
    )
    Assignment.objects.filter(document=urgent).update(due_on=local_today() - timedelta(days=3))
    IncomingDocument.objects.filter(pk=urgent.pk).update(due_on=local_today() - timedelta(days=3))
    client = client_for(clerk)

    def ids(**params: Any) -> list[int]:
        response = client.get(url("incoming-list"), params)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    # then
    assert ids(status="accepted") == [ordinary.pk]
    assert ids(urgency="khan") == [urgent.pk]
    assert ids(overdue="true") == [urgent.pk]
    assert ids(year=local_today().year) == [urgent.pk, ordinary.pk]
    assert ids(year=2001) == []
    assert (
        client_for(specialist)
        .get(url("incoming-list"), {"assigned_to_me": "true"})
        .json()["results"][0]["id"]
        == urgent.pk
    )
    assert client.get(url("incoming-list"), {"status": "nonsense"}).status_code == 400


def test_secret_documents_are_absent_from_list_and_detail_without_a_grant(register, clerk, leader):
    # given
    secret = register(secrecy=secrecy("mat"))
    ordinary = register()
    client = client_for(leader)
    # then
    listed = [row["id"] for row in client.get(url("incoming-list")).json()["results"]]
    assert listed == [ordinary.pk]
    assert client.get(url("incoming-detail", document_id=secret.pk)).status_code == 404
    assert client.get(url("incoming-stamp", document_id=secret.pk)).status_code == 404
    file_id = secret.files.get().pk
    download = client.get(url("incoming-file-download", document_id=secret.pk, file_id=file_id))
    assert download.status_code == 404
    # the clerk who registered it sees it
    assert client_for(clerk).get(url("incoming-detail", document_id=secret.pk)).status_code == 200


def test_another_agencys_document_is_404_for_every_endpoint(register, specialist):
    # given
    document = register()
    stranger = StaffUserFactory.create(
        agency=AgencyFactory.create(), roles=[Role.LEADER, Role.CLERK]
    )
    client = client_for(stranger)
    one = {"document_id": document.pk}
    # then
    assert client.get(url("incoming-detail", **one)).json()["error"]["code"] == "document_not_found"
    assert client.post(url("incoming-accept", **one)).status_code == 404
    assert client.post(url("incoming-return", **one), {"reason": "x"}).status_code == 404
    entries = {"entries": [{"role": "lead", "assignee": specialist.pk}]}
    assert client.post(url("incoming-assign", **one), entries, format="json").status_code == 404
    assert client.post(url("incoming-note", **one), {"text": "x"}).status_code == 404
    assert client.post(url("incoming-secret-grant", **one), {"user": 1}).status_code == 404


def test_detail_shows_files_assignments_notes_history_and_allowed_actions(
    register, leader, specialist
):
    # given
    document = register()
    incoming_document_assign(
        actor=leader,
        document=document,
        entries=[AssignmentEntry(role="lead", assignee=specialist)],
        direction_note="Tham mưu.",
        days=3,
    )
    # when
    body = client_for(specialist).get(url("incoming-detail", document_id=document.pk)).json()
    # then
    assert body["status"] == "assigned"
    (assignment,) = body["assignments"]
    assert assignment["assignee"]["name"] == "Võ Thị Lan"
    assert assignment["allowed_actions"] == ["complete", "progress", "return", "start"]
    assert body["allowed_actions"] == ["opinion"]
    assert sorted(event["kind"] for event in body["history"]) == ["audit", "audit", "note"]
    assert body["history"][0]["text"] == "Vào sổ văn bản đến"
    assert body["notes"][0]["kind"] == "direction"
    leader_view = client_for(leader).get(url("incoming-detail", document_id=document.pk)).json()
    assert leader_view["allowed_actions"] == ["assign", "direction", "opinion"]
    assert leader_view["assignments"][0]["allowed_actions"] == ["reassign"]


def test_download_streams_the_bytes_under_a_safe_name(register, clerk):
    # given
    pdf = make_pdf("Tải về")
    from congso.documents.services.incoming import Upload

    document = register(main_file=Upload(name="..\\Công văn số 12.pdf", stream=io.BytesIO(pdf)))
    file = document.files.get()
    # when
    response = client_for(clerk).get(
        url("incoming-file-download", document_id=document.pk, file_id=file.pk)
    )
    # then
    assert response.status_code == 200
    assert b"".join(cast(Any, response).streaming_content) == pdf
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''C%C3%B4ng%20v%C4%83n%20s%E1%BB%91%2012.pdf" in disposition
    assert ".." not in disposition


def test_stamp_data(register, leader, specialist, unit):
    document = register()
    incoming_document_assign(
        actor=leader,
        document=document,
        entries=[
            AssignmentEntry(role="lead", assignee=specialist),
            AssignmentEntry(role="coordinate", unit=unit),
            AssignmentEntry(role="inform", assignee=leader),
        ],
    )
    body = client_for(leader).get(url("incoming-stamp", document_id=document.pk)).json()
    assert body == {
        "agency_name": "Sở Thông tin và Truyền thông",
        "arrival_number": 1,
        "arrived_on": local_today().isoformat(),
        "forwarded_to": ["Võ Thị Lan", "Phòng Công nghệ thông tin"],
        "case_file_notation": "",
    }


# --- Transitions -------------------------------------------------------------------------------


def test_the_whole_handling_flow_over_the_api(register, leader, specialist, clerk):
    # given
    document = register()
    one = {"document_id": document.pk}
    # when the leader distributes
    assigned = client_for(leader).post(
        url("incoming-assign", **one),
        {
            "entries": [{"role": "lead", "assignee": specialist.pk}],
            "direction_note": "Đề nghị xử lý.",
            "days": 5,
        },
        format="json",
    )
    assert assigned.status_code == 201, assigned.content
    assignment_id = assigned.json()["assignments"][0]["id"]
    two = {**one, "assignment_id": assignment_id}
    me = client_for(specialist)
    # and the specialist starts, reports progress and completes
    assert me.post(url("incoming-assignment-start", **two)).json()["status"] == "in_progress"
    progress = me.post(
        url("incoming-note", **one),
        {
            "text": "Đã dự thảo.",
            "kind": "progress",
            "assignment": assignment_id,
            "progress_percent": 50,
        },
        format="json",
    )
    assert progress.status_code == 201
    done = me.post(
        url("incoming-assignment-complete", **two), {"note": "Đã báo cáo."}, format="json"
    )
    # then
    assert done.status_code == 200
    assert done.json()["status"] == "done"
    assert done.json()["status_code"] == "06"
    assert (
        me.post(url("incoming-assignment-start", **two)).json()["error"]["code"]
        == "invalid_transition"
    )


def test_assign_errors_have_stable_codes(register, leader, specialist, clerk):
    document = register()
    client = client_for(leader)
    bad = client.post(
        url("incoming-assign", document_id=document.pk),
        {"entries": [{"role": "coordinate", "assignee": specialist.pk}]},
        format="json",
    )
    assert (bad.status_code, bad.json()["error"]["code"]) == (400, "one_lead_required")
    denied = client_for(clerk).post(
        url("incoming-assign", document_id=document.pk),
        {"entries": [{"role": "lead", "assignee": specialist.pk}]},
        format="json",
    )
    assert (denied.status_code, denied.json()["error"]["code"]) == (403, "distribution_not_allowed")
    empty = client.post(
        url("incoming-assign", document_id=document.pk), {"entries": []}, format="json"
    )
    assert empty.status_code == 400


def test_sub_assign_reassign_and_return_over_the_api(
    register, leader, unit, unit_head, specialist, colleague
):
    document = register()
    share = incoming_document_assign(
        actor=leader, document=document, entries=[AssignmentEntry(role="lead", unit=unit)]
    )[0]
    ids = {"document_id": document.pk, "assignment_id": share.pk}
    sub = client_for(unit_head).post(
        url("incoming-assignment-sub-assign", **ids), {"assignee": specialist.pk}, format="json"
    )
    assert sub.status_code == 201, sub.content
    child_id = max(a["id"] for a in sub.json()["assignments"])
    child = {"document_id": document.pk, "assignment_id": child_id}
    moved = client_for(unit_head).post(
        url("incoming-assignment-reassign", **child), {"assignee": colleague.pk}, format="json"
    )
    assert moved.status_code == 201
    new_id = max(a["id"] for a in moved.json()["assignments"])
    back = client_for(colleague).post(
        url("incoming-assignment-return", document_id=document.pk, assignment_id=new_id),
        {"reason": "Không đúng chuyên môn."},
        format="json",
    )
    assert back.status_code == 200
    statuses = {a["id"]: a["status"] for a in back.json()["assignments"]}
    assert statuses[child_id] == "reassigned"
    assert statuses[new_id] == "returned"


def test_an_assignment_of_another_document_is_404(register, leader, specialist):
    first = register()
    second = register()
    share = incoming_document_assign(
        actor=leader, document=first, entries=[AssignmentEntry(role="lead", assignee=specialist)]
    )[0]
    response = client_for(specialist).post(
        url("incoming-assignment-start", document_id=second.pk, assignment_id=share.pk)
    )
    assert response.status_code == 404


def test_accept_and_return_internal_arrivals_over_the_api(clerk, agency):
    # given
    sender = AgencyFactory.create(name="UBND tỉnh Kon Tum")
    outgoing = OutgoingDocumentFactory.create(
        agency=sender, status=OutgoingStatus.ISSUED, code_number=5, code_notation="QĐ-UBND"
    )
    documents = []
    for _ in range(2):
        recipient = OutgoingRecipient.objects.create(document=outgoing, agency=agency, name="x")
        documents.append(
            incoming_document_receive_internal(
                outgoing=outgoing,
                recipient=recipient,
                files=[(stored_file_put_bytes(data=make_pdf(str(recipient.pk))), "qd.pdf", "main")],
            )
        )
    client = client_for(clerk)
    # when
    accepted = client.post(url("incoming-accept", document_id=documents[0].pk))
    returned = client.post(
        url("incoming-return", document_id=documents[1].pk), {"reason": "Gửi nhầm"}, format="json"
    )
    # then
    assert accepted.json()["arrival_number"] == 1
    assert returned.json()["status"] == IncomingStatus.RETURNED
    assert returned.json()["return_reason"] == "Gửi nhầm"
    again = client.post(url("incoming-accept", document_id=documents[0].pk))
    assert (again.status_code, again.json()["error"]["code"]) == (409, "invalid_transition")


def test_secret_grant_over_the_api(register, clerk, leader):
    document = register(secrecy=secrecy("mat"))
    response = client_for(clerk).post(
        url("incoming-secret-grant", document_id=document.pk), {"user": leader.pk}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["user_id"] == leader.pk
    assert (
        client_for(leader).get(url("incoming-detail", document_id=document.pk)).status_code == 200
    )
    stranger = StaffUserFactory.create(agency=AgencyFactory.create())
    outside = client_for(clerk).post(
        url("incoming-secret-grant", document_id=document.pk), {"user": stranger.pk}, format="json"
    )
    assert outside.status_code == 404


# --- Overdue -----------------------------------------------------------------------------------


def test_overdue_list_and_summary(
    register, leader, specialist, colleague, unit, django_assert_max_num_queries
):
    # given
    other_unit = InternalUnitFactory.create(parent=specialist.agency, name="Phòng Kế hoạch")
    for person in (specialist, specialist, colleague):
        document = register()
        incoming_document_assign(
            actor=leader, document=document, entries=[AssignmentEntry(role="lead", assignee=person)]
        )
    incoming_document_assign(
        actor=leader, document=register(), entries=[AssignmentEntry(role="lead", unit=other_unit)]
    )
    Assignment.objects.update(due_on=local_today() - timedelta(days=2))
    client = client_for(leader)
    # when
    with django_assert_max_num_queries(6):
        listed = client.get(url("incoming-overdue"))
    summary = client.get(url("incoming-overdue-summary")).json()
    # then
    assert len(listed.json()["results"]) == 4
    assert listed.json()["results"][0]["overdue_days"] == 2
    assert {row["name"]: row["count"] for row in summary["by_person"]} == {
        "Võ Thị Lan": 2,
        "Đỗ Văn Phối Hợp": 1,
    }
    assert {row["name"]: row["count"] for row in summary["by_unit"]} == {
        "Phòng Công nghệ thông tin": 3,
        "Phòng Kế hoạch": 1,
    }
    mine = client.get(url("incoming-overdue"), {"user": colleague.pk}).json()["results"]
    assert len(mine) == 1
    # a specialist sees only the overdue work on documents they can read
    own = client_for(colleague).get(url("incoming-overdue")).json()["results"]
    assert [row["assignee"]["id"] for row in own] == [colleague.pk]
