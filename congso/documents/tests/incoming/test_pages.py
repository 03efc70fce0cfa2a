"""The staff pages under /van-ban/: register screen, lists, detail and its actions."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core import signing
from django.urls import reverse

from congso.accounts.tests.factories import StaffUserFactory
from congso.core.identity import Role
from congso.documents.constants import AssignmentStatus, IncomingStatus, OutgoingStatus
from congso.documents.models import Assignment, IncomingDocument, OutgoingRecipient
from congso.documents.services.distribution import AssignmentEntry, incoming_document_assign
from congso.documents.services.files import stored_file_put_bytes
from congso.documents.services.incoming_common import local_today
from congso.documents.services.incoming_internal import incoming_document_receive_internal
from congso.documents.tests.factories import OutgoingDocumentFactory
from congso.documents.tests.incoming.conftest import make_pdf
from congso.organizations.tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def page(name: str, **kwargs: Any) -> str:
    return reverse(f"documents:{name}", kwargs=kwargs)


def pdf_upload(text: str = "Công văn", name: str = "cv.pdf") -> io.BytesIO:
    handle = io.BytesIO(make_pdf(text))
    handle.name = name
    return handle


def register_post(**overrides: Any) -> dict[str, Any]:
    values = {
        "document_type": "cong_van",
        "code_number": "12",
        "code_notation": "UBND-VX",
        "issued_on": "06/01/2020",
        "organ_name": "UBND tỉnh Kon Tum",
        "subject": "V/v báo cáo chuyển đổi số",
        "urgency": "thuong",
        "secrecy": "thuong",
        "source": "upload",
        "main_file": pdf_upload(),
    }
    values.update(overrides)
    return values


@pytest.fixture
def as_user(client: Any) -> Any:
    def login(user: Any) -> Any:
        client.force_login(user)
        return client

    return login


def test_the_register_screen_is_keyboard_ready(as_user, clerk):
    response = as_user(clerk).get(page("incoming-register"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "autofocus" in html
    assert 'list="issuer-directory"' in html
    assert 'placeholder="dd/mm/yyyy"' in html
    assert '<datalist id="issuer-directory">' in html


def test_registering_shows_the_number_and_a_fresh_form(as_user, clerk):
    # given
    issuer = AgencyFactory.create(name="UBND tỉnh Kon Tum", code_qcvn102="000.00.00.H34")
    client = as_user(clerk)
    # when
    response = client.post(page("incoming-register"), register_post(), follow=True)
    # then
    html = response.content.decode()
    assert "Đã vào sổ số đến 1" in html
    assert 'name="organ_name" value=' not in html  # the form is empty again
    document = IncomingDocument.objects.get()
    assert document.issuer == issuer  # picked from the directory: OrganId filled
    assert document.organ_id == "000.00.00.H34"
    assert document.issued_on.isoformat() == "2020-01-06"


def test_bad_input_is_shown_on_the_form(as_user, clerk):
    response = as_user(clerk).post(
        page("incoming-register"), register_post(issued_on="31/02/2020", subject="")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ngày không hợp lệ" in html
    assert IncomingDocument.objects.count() == 0


def test_a_future_issue_date_is_refused_by_the_service(as_user, clerk):
    tomorrow = (local_today() + timedelta(days=1)).strftime("%d/%m/%Y")
    response = as_user(clerk).post(page("incoming-register"), register_post(issued_on=tomorrow))
    assert response.status_code == 400
    assert "không được sau ngày đến" in response.content.decode()


def test_a_duplicate_is_warned_and_registered_on_confirmation_without_re_upload(as_user, clerk):
    # given
    client = as_user(clerk)
    client.post(page("incoming-register"), register_post())
    # when
    warned = client.post(page("incoming-register"), register_post(main_file=pdf_upload("khác")))
    # then
    html = warned.content.decode()
    assert warned.status_code == 409
    assert "có thể đã được vào sổ" in html
    assert "Vẫn vào sổ" in html
    token = html.split('name="pending" value="')[1].split('"')[0]
    # when confirmed, with no file chosen again
    post = register_post(pending=token, allow_duplicate="1")
    del post["main_file"]
    confirmed = client.post(page("incoming-register"), post, follow=True)
    # then
    assert "Đã vào sổ số đến 2" in confirmed.content.decode()
    second = IncomingDocument.objects.get(arrival_number=2)
    assert second.files.get().name == "cv.pdf"


def test_a_forged_pending_token_brings_no_file(as_user, clerk, agency):
    # given: somebody else's token for a blob they own
    stored = stored_file_put_bytes(data=make_pdf("bí mật của người khác"))
    forged = signing.dumps(
        {"user": clerk.pk + 999, "files": [[stored.sha256, "x.pdf", "main"]]},
        salt="documents.incoming.register.pending",
    )
    post = register_post(pending=forged)
    del post["main_file"]
    # when
    response = as_user(clerk).post(page("incoming-register"), post)
    # then
    assert response.status_code == 400
    assert IncomingDocument.objects.count() == 0


@pytest.mark.parametrize("name", ["incoming-register", "incoming-awaiting"])
def test_clerk_pages_are_refused_to_others(as_user, specialist, name):
    response = as_user(specialist).get(page(name))
    assert response.status_code == 403


def test_pages_need_a_staff_login(client):
    response = client.get(page("incoming-list"))
    assert response.status_code == 302


def test_internal_arrivals_are_accepted_or_returned_from_the_waiting_list(as_user, clerk, agency):
    # given
    outgoing = OutgoingDocumentFactory.create(
        agency=AgencyFactory.create(),
        status=OutgoingStatus.ISSUED,
        code_number=3,
        code_notation="TB-UBND",
    )
    arrivals = []
    for n in range(2):
        recipient = OutgoingRecipient.objects.create(document=outgoing, agency=agency, name="x")
        stored = stored_file_put_bytes(data=make_pdf(f"tb {n}"))
        arrivals.append(
            incoming_document_receive_internal(
                outgoing=outgoing, recipient=recipient, files=[(stored, "tb.pdf", "main")]
            )
        )
    client = as_user(clerk)
    listing = client.get(page("incoming-awaiting")).content.decode()
    assert "03/TB-UBND" in listing
    # when
    accepted = client.post(
        page("incoming-accept", document_id=arrivals[0].pk),
        {"next": page("incoming-awaiting")},
        follow=True,
    )
    client.post(page("incoming-return", document_id=arrivals[1].pk), {"reason": "Gửi nhầm"})
    # then
    assert "Đã tiếp nhận, vào sổ số đến 1" in accepted.content.decode()
    arrivals[1].refresh_from_db()
    assert arrivals[1].status == IncomingStatus.RETURNED


def test_the_leader_distributes_from_the_detail_page(as_user, register, leader, specialist, unit):
    # given
    document = register()
    client = as_user(leader)
    inbox = client.get(page("incoming-inbox")).content.decode()
    assert document.subject in inbox
    detail = client.get(page("incoming-detail", document_id=document.pk)).content.decode()
    assert 'id="phan-cong"' in detail
    # when
    response = client.post(
        page("incoming-assign", document_id=document.pk),
        {
            "lead": f"user:{specialist.pk}",
            "coordinate": [f"unit:{unit.pk}"],
            "direction_note": "Tham mưu trả lời.",
            "days": "3",
        },
        follow=True,
    )
    # then
    assert "Đã phân công xử lý văn bản." in response.content.decode()
    document.refresh_from_db()
    assert document.status == IncomingStatus.ASSIGNED
    assert document.assignments.count() == 2


def test_a_refused_assignment_shows_the_form_again_as_it_was_sent(
    as_user, register, leader, specialist
):
    # given a document to distribute
    document = register()
    # when the leader sends a deadline the service refuses
    response = as_user(leader).post(
        page("incoming-assign", document_id=document.pk),
        {"lead": f"user:{specialist.pk}", "due_on": "01/01/2000", "direction_note": "Gấp"},
        follow=True,
    )
    # then the page comes back (400) saying why, with what was chosen and typed, and nothing saved
    html = response.content.decode()
    assert response.status_code == 400
    assert "Hạn xử lý phải sau ngày hôm nay." in html
    assert f'<option value="user:{specialist.pk}" selected>' in html
    assert "Gấp</textarea>" in html
    assert Assignment.objects.count() == 0


def test_an_assignment_with_missing_fields_points_at_them(as_user, register, leader):
    # given a document to distribute
    document = register()
    # when the leader sends the form without choosing who leads
    response = as_user(leader).post(page("incoming-assign", document_id=document.pk), {})
    # then the lead field says so on the page
    html = response.content.decode()
    assert response.status_code == 400
    assert 'aria-describedby="id_lead_error"' in html
    assert Assignment.objects.count() == 0


def test_the_specialist_works_the_task_to_completion(as_user, register, leader, specialist):
    # given
    document = register()
    assignment = incoming_document_assign(
        actor=leader, document=document, entries=[AssignmentEntry(role="lead", assignee=specialist)]
    )[0]
    Assignment.objects.filter(pk=assignment.pk).update(due_on=local_today() - timedelta(days=2))
    client = as_user(specialist)
    # the task list says overdue in words
    tasks = client.get(page("incoming-tasks")).content.decode()
    assert "Quá hạn 2 ngày" in tasks
    assert "row-overdue" in tasks
    action = {"document_id": document.pk, "assignment_id": assignment.pk}
    # when
    client.post(page("incoming-assignment-action", action="bat-dau", **action))
    client.post(
        page("incoming-note", document_id=document.pk),
        {
            "kind": "progress",
            "assignment": assignment.pk,
            "text": "Đang tổng hợp",
            "progress_percent": "40",
        },
    )
    done = client.post(
        page("incoming-assignment-action", action="hoan-thanh", **action),
        {"note": "Đã báo cáo"},
        follow=True,
    )
    # then
    html = done.content.decode()
    assert "Hoàn thành" in html
    assert "Đang tổng hợp" in html  # the history shows notes
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.DONE


def test_an_unknown_assignment_action_is_404(as_user, register, leader, specialist):
    document = register()
    assignment = incoming_document_assign(
        actor=leader, document=document, entries=[AssignmentEntry(role="lead", assignee=specialist)]
    )[0]
    response = as_user(specialist).post(
        page(
            "incoming-assignment-action",
            document_id=document.pk,
            assignment_id=assignment.pk,
            action="xoa",
        )
    )
    assert response.status_code == 404


def test_another_agencys_document_page_and_file_are_404(as_user, register):
    document = register()
    stranger = StaffUserFactory.create(agency=AgencyFactory.create(), roles=[Role.LEADER])
    client = as_user(stranger)
    assert client.get(page("incoming-detail", document_id=document.pk)).status_code == 404
    file_id = document.files.get().pk
    assert (
        client.get(page("incoming-file", document_id=document.pk, file_id=file_id)).status_code
        == 404
    )
    assert client.post(page("incoming-accept", document_id=document.pk)).status_code == 404


def test_the_file_downloads_from_the_page(as_user, register, clerk):
    document = register()
    file = document.files.get()
    response = as_user(clerk).get(page("incoming-file", document_id=document.pk, file_id=file.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")


def test_the_overdue_page_summarises_by_unit_and_person(as_user, register, leader, specialist):
    document = register()
    incoming_document_assign(
        actor=leader, document=document, entries=[AssignmentEntry(role="lead", assignee=specialist)]
    )
    Assignment.objects.update(due_on=local_today() - timedelta(days=1))
    html = as_user(leader).get(page("incoming-overdue")).content.decode()
    assert "Võ Thị Lan" in html
    assert "Phòng Công nghệ thông tin" in html
    assert "Quá hạn 1 ngày" in html


def test_the_list_page_filters_and_pages(as_user, register, clerk):
    for _ in range(3):
        register()
    html = as_user(clerk).get(page("incoming-list"), {"trang_thai": "accepted"}).content.decode()
    assert '<option value="accepted" selected>' in html
    assert html.count('href="/van-ban/den/') >= 3


def test_the_task_list_and_inbox_do_not_grow_queries_with_rows(
    as_user, register, leader, specialist, django_assert_max_num_queries
):
    # given
    for _ in range(12):
        incoming_document_assign(
            actor=leader,
            document=register(),
            entries=[AssignmentEntry(role="lead", assignee=specialist)],
            days=3,
        )
    for _ in range(12):
        register()
    specialist_client = as_user(specialist)
    # then
    with django_assert_max_num_queries(12):
        tasks = specialist_client.get(page("incoming-tasks"))
    assert tasks.content.decode().count("row-overdue") == 0
    assert tasks.content.decode().count('href="/van-ban/den/') >= 12
    leader_client = as_user(leader)
    with django_assert_max_num_queries(12):
        inbox = leader_client.get(page("incoming-inbox"))
    assert inbox.content.decode().count("Phân công<span") == 12
