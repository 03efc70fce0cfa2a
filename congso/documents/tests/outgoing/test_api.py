"""The outgoing-documents API: contract, error codes, access, list query counts."""

from __future__ import annotations

import io
from typing import Any, cast

import pytest
from rest_framework.test import APIClient

from congso.accounts.tests.factories import StaffUserFactory
from congso.core.identity import Role
from congso.documents.models import OutboxMessage, OutgoingDocument
from congso.documents.services.files import stored_file_read
from congso.documents.tests.factories import document_type, secrecy
from congso.documents.tests.outgoing.conftest import make_pdf

pytestmark = pytest.mark.django_db
BASE = "/api/v1/documents/outgoing/"


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _create_payload(reviewer: Any, signer: Any, **extra: Any) -> dict[str, Any]:
    payload = {
        "document_type": "cong_van",
        "subject": "Đề nghị báo cáo tình hình chuyển đổi số",
        "body": "Đề nghị các đơn vị báo cáo trước ngày 15.\nTrân trọng.",
        "addressed_to": "Các sở, ban, ngành",
        "reviewer_ids": [reviewer.pk],
        "signer_id": signer.pk,
        "authority_line": "KT. GIÁM ĐỐC",
    }
    payload.update(extra)
    return payload


def test_full_flow_over_the_api(
    drafter: Any, reviewer: Any, signer: Any, clerk: Any, recipient_agency: Any
) -> None:
    # create
    payload = _create_payload(
        reviewer,
        signer,
        recipients=[{"agency_id": recipient_agency.pk}, {"name": "Báo Kon Tum"}],
    )
    response = client_for(drafter).post(BASE, payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    document_id = body["id"]
    assert body["status"] == "draft"
    assert body["signature_state"] == "not_signed"
    assert body["signature_label"] == "Chưa ký số"
    assert body["latest_version"]["number"] == 1
    assert body["permissions"]["can_edit"] is True
    assert [r["name"] for r in body["recipients"]] == ["Sở Tài chính", "Báo Kon Tum"]
    # update → version 2
    response = client_for(drafter).patch(
        f"{BASE}{document_id}/", {"body": "Nội dung mới."}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["latest_version"]["number"] == 2
    # versions: any past version downloadable byte for byte
    versions = client_for(drafter).get(f"{BASE}{document_id}/versions/").json()
    assert [v["number"] for v in versions] == [2, 1]
    first = client_for(drafter).get(versions[1]["pdf_url"])
    assert first.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    stored = OutgoingDocument.objects.get(pk=document_id).versions.get(number=1).rendered_file
    assert stored is not None
    assert b"".join(cast(Any, first).streaming_content) == stored_file_read(stored)
    # comments
    response = client_for(reviewer).post(
        f"{BASE}{document_id}/comments/", {"text": "Góp ý"}, format="json"
    )
    assert response.status_code == 201
    # circuit
    assert client_for(drafter).post(f"{BASE}{document_id}/submit/").status_code == 200
    pending = client_for(reviewer).get(f"{BASE}pending-review/").json()["results"]
    assert [row["id"] for row in pending] == [document_id]
    assert (
        client_for(reviewer).post(f"{BASE}{document_id}/approve/", {}, format="json").status_code
        == 200
    )
    response = client_for(signer).post(
        f"{BASE}{document_id}/approve/", {"comment": "Ký"}, format="json"
    )
    assert response.json()["status"] == "approved"
    ready = client_for(clerk).get(f"{BASE}ready-to-issue/").json()["results"]
    assert [row["id"] for row in ready] == [document_id]
    # issue
    response = client_for(clerk).post(f"{BASE}{document_id}/issue/")
    assert response.status_code == 200
    issued = response.json()
    assert issued["number_notation"] == "01/STTTT-CNTT"
    assert issued["status"] == "issued"
    assert OutboxMessage.objects.filter(document_id=document_id).count() == 1
    # revoke
    response = client_for(clerk).post(
        f"{BASE}{document_id}/revoke/", {"reason": "Ban hành nhầm"}, format="json"
    )
    assert response.json()["status"] == "revoked"


def test_upload_creates_a_draft_from_a_pdf(drafter: Any, signer: Any) -> None:
    response = client_for(drafter).post(
        f"{BASE}upload/",
        {
            "document_type": "to_trinh",
            "subject": "Tờ trình",
            "signer_id": signer.pk,
            "file": io.BytesIO(make_pdf()),
            "recipients": '[{"name": "Bộ Nội vụ", "organ_id": "000.00.00.G09"}]',
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["latest_version"]["origin"] == "uploaded"
    assert response.json()["recipients"][0]["organ_id"] == "000.00.00.G09"


def test_attachments_and_new_versions_upload(make_draft: Any, drafter: Any) -> None:
    document = make_draft()
    client = client_for(drafter)
    response = client.post(
        f"{BASE}{document.pk}/attachments/",
        {"file": io.BytesIO(make_pdf("Phụ lục")), "role": "appendix"},
        format="multipart",
    )
    assert response.status_code == 201
    url = response.json()["url"]
    assert client.get(url).status_code == 200
    response = client.post(
        f"{BASE}{document.pk}/versions/",
        {"file": io.BytesIO(make_pdf("Bản sửa")), "note": "Bản quét"},
        format="multipart",
    )
    assert response.status_code == 201
    assert response.json()["number"] == 2


def test_recipients_can_be_replaced(make_draft: Any, drafter: Any, recipient_agency: Any) -> None:
    document = make_draft()
    response = client_for(drafter).put(
        f"{BASE}{document.pk}/recipients/",
        {"recipients": [{"agency_id": recipient_agency.pk, "is_for_information": True}]},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()[0]["is_for_information"] is True


def test_another_agencys_document_is_not_found(make_draft: Any) -> None:
    document = make_draft()
    outsider = StaffUserFactory.create(roles=[Role.CLERK, Role.LEADER])
    for method, path in (
        ("get", ""),
        ("patch", ""),
        ("get", "versions/"),
        ("get", "versions/1/pdf/"),
        ("post", "submit/"),
        ("post", "approve/"),
        ("post", "issue/"),
        ("post", "revoke/"),
    ):
        response = getattr(client_for(outsider), method)(
            f"{BASE}{document.pk}/{path}", {}, format="json"
        )
        assert response.status_code == 404, (method, path)
        assert response.json()["error"]["code"] == "document_not_found"


def test_wrong_state_is_a_conflict_with_a_stable_code(make_draft: Any, clerk: Any) -> None:
    document = make_draft()
    response = client_for(clerk).post(f"{BASE}{document.pk}/issue/")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invalid_transition"


def test_bad_input_is_refused_with_field_errors(drafter: Any, reviewer: Any, signer: Any) -> None:
    client = client_for(drafter)
    for payload in (
        _create_payload(reviewer, signer, subject=""),
        _create_payload(reviewer, signer, subject="x" * 501),
        _create_payload(reviewer, signer, document_type="khong_co"),
        _create_payload(reviewer, signer, recipients=[{"name": ""}]),
        {"subject": "Thiếu loại văn bản"},
    ):
        response = client.post(BASE, payload, format="json")
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "validation_failed"
    assert not OutgoingDocument.objects.exists()


def test_secret_document_with_outside_recipient_is_refused(
    drafter: Any, reviewer: Any, signer: Any
) -> None:
    payload = _create_payload(reviewer, signer, secrecy="mat", recipients=[{"name": "Báo Kon Tum"}])
    response = client_for(drafter).post(BASE, payload, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "secret_document_rule"
    assert not OutgoingDocument.objects.exists()


def test_list_filters_and_never_carries_the_body(
    make_draft: Any, approved: Any, clerk: Any, drafter: Any
) -> None:
    make_draft()
    issued = approved(document_type=document_type("quyet_dinh"), subject="Quyết định")
    client_for(clerk).post(f"{BASE}{issued.pk}/issue/")
    rows = client_for(clerk).get(BASE, {"status": "issued"}).json()["results"]
    assert [row["id"] for row in rows] == [issued.pk]
    assert "body" not in rows[0]
    rows = client_for(clerk).get(BASE, {"document_type": "cong_van"}).json()["results"]
    assert len(rows) == 1
    response = client_for(clerk).get(BASE, {"year": 1990})
    assert response.status_code == 400


def test_secret_documents_stay_out_of_lists_without_a_grant(
    make_draft: Any, clerk: Any, drafter: Any
) -> None:
    secret = make_draft(secrecy=secrecy("mat"))
    assert client_for(clerk).get(BASE).json()["results"] == []
    assert client_for(clerk).get(f"{BASE}{secret.pk}/").status_code == 404
    assert [r["id"] for r in client_for(drafter).get(BASE).json()["results"]] == [secret.pk]


def test_list_query_count_does_not_grow_with_rows(
    make_draft: Any, clerk: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(20):
        make_draft()
    client = client_for(clerk)
    with django_assert_max_num_queries(6):
        response = client.get(BASE)
    assert len(response.json()["results"]) == 20
    with django_assert_max_num_queries(7):
        client.get(f"{BASE}ready-to-issue/")


def test_work_lists_query_counts(
    make_draft: Any, drafter: Any, reviewer: Any, django_assert_max_num_queries: Any
) -> None:
    from congso.documents.services import outgoing as services

    for _ in range(20):
        services.outgoing_document_submit(actor=drafter, document=make_draft())
    with django_assert_max_num_queries(7):
        response = client_for(reviewer).get(f"{BASE}pending-review/")
    assert len(response.json()["results"]) == 20


def test_citizens_are_refused(make_draft: Any) -> None:
    from congso.accounts.tests.factories import CitizenUserFactory

    response = client_for(CitizenUserFactory.create()).get(BASE)
    assert response.status_code == 403
