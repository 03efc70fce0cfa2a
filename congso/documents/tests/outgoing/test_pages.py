"""The outgoing-document pages: compose, detail, work lists and actions, in Vietnamese."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client

from congso.documents.constants import OutgoingStatus
from congso.documents.models import OutgoingDocument
from congso.documents.tests.factories import document_type
from congso.documents.tests.outgoing.conftest import make_pdf

pytestmark = pytest.mark.django_db
BASE = "/van-ban/di/"


def browser_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_compose_form_creates_a_draft_and_shows_its_preview(
    drafter: Any, reviewer: Any, signer: Any, recipient_agency: Any
) -> None:
    client = browser_for(drafter)
    page = client.get(f"{BASE}soan-thao/")
    assert page.status_code == 200
    assert "Soạn thảo văn bản đi" in page.content.decode()
    response = client.post(
        f"{BASE}soan-thao/",
        {
            "document_type": document_type("cong_van").pk,
            "subject": "Báo cáo chuyển đổi số",
            "addressed_to": "Các sở, ban, ngành",
            "body": "Đề nghị báo cáo.",
            "urgency": 1,
            "secrecy": 1,
            "drafting_unit": drafter.unit_id,
            "reviewer_1": reviewer.pk,
            "signer": signer.pk,
            "authority_line": "",
            "nn-agencies": [recipient_agency.pk],
            "nn-outside": "Báo Kon Tum | \nBộ Nội vụ | 000.00.00.G09",
        },
    )
    document = OutgoingDocument.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}{document.pk}/"
    assert document.recipients.count() == 3
    detail = client.get(response["Location"]).content.decode()
    assert "<iframe" in detail
    assert "Chưa ký số" in detail
    assert "Trình duyệt" in detail
    pdf = client.get(f"{BASE}{document.pk}/phien-ban/1/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["X-Frame-Options"] == "SAMEORIGIN"


def test_compose_form_shows_errors_without_writing(drafter: Any) -> None:
    response = browser_for(drafter).post(f"{BASE}soan-thao/", {"subject": ""})
    assert response.status_code == 200
    assert "Vui lòng kiểm tra lại" in response.content.decode()
    assert not OutgoingDocument.objects.exists()


def test_upload_form_creates_a_draft_from_a_file(drafter: Any, signer: Any) -> None:
    response = browser_for(drafter).post(
        f"{BASE}soan-thao/?tai_len=1",
        {
            "document_type": document_type("to_trinh").pk,
            "subject": "Tờ trình",
            "urgency": 1,
            "secrecy": 1,
            "signer": signer.pk,
            "file": io.BytesIO(make_pdf()),
        },
    )
    assert response.status_code == 302
    assert OutgoingDocument.objects.get().versions.get().origin == "uploaded"


def test_edit_page_saves_a_new_version(
    make_draft: Any, drafter: Any, reviewer: Any, signer: Any
) -> None:
    document = make_draft()
    client = browser_for(drafter)
    assert client.get(f"{BASE}{document.pk}/sua/").status_code == 200
    response = client.post(
        f"{BASE}{document.pk}/sua/",
        {
            "document_type": document.document_type_id,
            "subject": "Chủ đề đã sửa",
            "body": "Nội dung đã sửa",
            "urgency": document.urgency_id,
            "secrecy": document.secrecy_id,
            "drafting_unit": document.drafting_unit_id,
            "reviewer_1": reviewer.pk,
            "signer": signer.pk,
        },
    )
    assert response.status_code == 302
    assert document.versions.count() == 2


def test_circuit_and_issue_through_the_pages(
    make_draft: Any, drafter: Any, reviewer: Any, signer: Any, clerk: Any
) -> None:
    document = make_draft()
    browser_for(drafter).post(f"{BASE}{document.pk}/trinh/")
    review_list = browser_for(reviewer).get(f"{BASE}cho-toi-duyet/").content.decode()
    assert document.subject in review_list
    browser_for(reviewer).post(f"{BASE}{document.pk}/duyet/", {"decision": "approve"})
    # a return without a reason is refused with a message, nothing changes
    response = browser_for(signer).post(
        f"{BASE}{document.pk}/duyet/", {"decision": "return", "comment": ""}, follow=True
    )
    assert "Ghi rõ lý do trả lại" in response.content.decode()
    browser_for(signer).post(f"{BASE}{document.pk}/duyet/", {"decision": "approve"})
    ready = browser_for(clerk).get(f"{BASE}cho-ban-hanh/").content.decode()
    assert document.subject in ready
    browser_for(clerk).post(f"{BASE}{document.pk}/ban-hanh/")
    document.refresh_from_db()
    assert document.status == OutgoingStatus.ISSUED
    issued = browser_for(clerk).get(f"{BASE}da-ban-hanh/").content.decode()
    assert "01/STTTT-CNTT" in issued
    assert "Chưa ký số" in issued


def test_another_agencys_document_page_is_not_found(make_draft: Any) -> None:
    from congso.accounts.tests.factories import StaffUserFactory
    from congso.core.identity import Role

    document = make_draft()
    outsider = browser_for(StaffUserFactory.create(roles=[Role.LEADER]))
    assert outsider.get(f"{BASE}{document.pk}/").status_code == 404
    assert outsider.post(f"{BASE}{document.pk}/ban-hanh/").status_code == 404
    assert outsider.get(f"{BASE}{document.pk}/phien-ban/1/pdf/").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in() -> None:
    response = Client().get(BASE)
    assert response.status_code == 302


def test_list_pages_query_count_does_not_grow(
    make_draft: Any, clerk: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(20):
        make_draft()
    client = browser_for(clerk)
    client.get(BASE)
    with django_assert_max_num_queries(12):
        response = client.get(BASE)
    assert response.content.decode().count("Chưa cấp số") == 20
