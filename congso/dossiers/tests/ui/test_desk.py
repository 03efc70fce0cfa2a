"""The desk pages with the Django test client: queue, receipt, supplement, refusal, errors."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from congso.accounts.tests.factories import CitizenUserFactory, StaffUserFactory
from congso.core.identity import Role
from congso.dossiers.constants import DossierStatus
from congso.dossiers.models import Dossier
from congso.dossiers.tests.factories import MINIMAL_PDF, DossierFactory
from congso.organizations.tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def _pdf_text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages).split())


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _detail(dossier) -> str:
    return reverse("dossiers:detail", args=[dossier.pk])


def test_the_queue_lists_the_desks_submitted_dossiers_only(desk_client, online_dossier):
    # given another agency's dossier
    other = DossierFactory(applicant_name="Người Khác Cơ Quan")

    # when the officer opens the queue
    response = desk_client.get(reverse("dossiers:queue"))

    # then only the own desk's dossier shows, with a link to it
    assert response.status_code == 200
    page = response.content.decode()
    assert online_dossier.code in page
    assert "Nguyễn Thị Hương" in page
    assert other.code not in page
    assert _detail(online_dossier) in page


def test_receiving_an_online_dossier_then_printing_mau_01(desk_client, online_dossier):
    # given the dossier page offers "Tiếp nhận hồ sơ"
    assert "Tiếp nhận hồ sơ" in desk_client.get(_detail(online_dossier)).content.decode()

    # when the officer receives it
    response = desk_client.post(reverse("dossiers:receive", args=[online_dossier.pk]), follow=True)

    # then the dossier is received, with a receipt number and a return date
    online_dossier.refresh_from_db()
    assert online_dossier.status == DossierStatus.RECEIVED
    assert online_dossier.due_at is not None
    assert any("Đã tiếp nhận hồ sơ" in m for m in _messages(response))
    # and Mẫu 01 is offered and prints the dossier's code, number and the officer
    form_url = reverse("dossiers:form-pdf", args=[online_dossier.pk, "mau-01"])
    assert form_url in response.content.decode()
    text = _pdf_text(desk_client.get(form_url))
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert f"Mã hồ sơ: {online_dossier.code}" in text
    assert f"Số: {online_dossier.receipt_number}" in text
    assert "Trần Văn Minh" in text
    # and the control sheet (Mẫu 05) has the first hand-over
    sheet = _pdf_text(
        desk_client.get(reverse("dossiers:form-pdf", args=[online_dossier.pk, "mau-05"]))
    )
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in sheet
    assert "1. Giao:" in sheet


def test_receiving_twice_gives_a_vietnamese_message_not_an_error_page(desk_client, online_dossier):
    # given a dossier already received
    desk_client.post(reverse("dossiers:receive", args=[online_dossier.pk]))

    # when the officer presses receive again (a stale page)
    response = desk_client.post(reverse("dossiers:receive", args=[online_dossier.pk]), follow=True)

    # then the page says why, and nothing changed
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == _detail(online_dossier)
    assert _messages(response)
    assert all(m for m in _messages(response))
    assert Dossier.objects.get(pk=online_dossier.pk).status == DossierStatus.RECEIVED


def test_a_form_not_issued_yet_is_not_printed(desk_client, online_dossier):
    # given a dossier never refused
    # when the officer asks for Mẫu 03
    response = desk_client.get(
        reverse("dossiers:form-pdf", args=[online_dossier.pk, "mau-03"]), follow=True
    )

    # then they are sent back with a message
    assert "Hồ sơ chưa có biểu mẫu này." in _messages(response)


def test_requesting_a_supplement_prints_mau_02(desk_client, online_dossier):
    # given the first component of the procedure is missing
    code = online_dossier.procedure.components.order_by("order").first().code

    # when the officer asks for it
    response = desk_client.post(
        reverse("dossiers:supplement-request", args=[online_dossier.pk]),
        {
            "components": [code],
            "other_items": "Bản sao giấy chứng nhận kết hôn",
            "reason": "Tờ khai chưa ký",
        },
        follow=True,
    )

    # then the dossier waits for the supplement and Mẫu 02 lists what is missing and why
    online_dossier.refresh_from_db()
    assert online_dossier.status == DossierStatus.SUPPLEMENT_REQUESTED
    assert any("yêu cầu bổ sung" in m for m in _messages(response))
    text = _pdf_text(
        desk_client.get(reverse("dossiers:form-pdf", args=[online_dossier.pk, "mau-02"]))
    )
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "Bản sao giấy chứng nhận kết hôn" in text
    assert "Lý do: Tờ khai chưa ký" in text


def test_a_supplement_request_without_reason_is_refused_with_a_message(desk_client, online_dossier):
    # when the reason is left empty
    response = desk_client.post(
        reverse("dossiers:supplement-request", args=[online_dossier.pk]),
        {"other_items": "Tờ khai", "reason": ""},
        follow=True,
    )

    # then a Vietnamese message names the field and nothing changed
    assert any(m.startswith("Lý do") for m in _messages(response))
    online_dossier.refresh_from_db()
    assert online_dossier.status == DossierStatus.SUBMITTED
    # and the page comes back (400) with that panel open, what was typed kept, the problem
    # next to its field
    html = response.content.decode()
    assert response.status_code == 400
    panel = html[html.index('<details class="action-block" open>') :]
    assert panel.index("Yêu cầu bổ sung") < panel.index("</details>")
    assert "Tờ khai</textarea>" in panel
    assert 'aria-describedby="bs-reason_error"' in panel
    assert 'id="bs-reason_error"' in panel


def test_a_refusal_by_the_service_keeps_the_form_and_answers_its_status(
    desk_client, online_dossier
):
    # given an extension asked for before the dossier is received (a business rule refuses it)
    response = desk_client.post(
        reverse("dossiers:extend", args=[online_dossier.pk]),
        {"new_due": "2020-12-31", "reason": "Chờ xác minh"},
    )
    # then the page says why, and the panel would show what was typed if it is offered
    assert response.status_code >= 400
    assert _messages(response)
    online_dossier.refresh_from_db()
    assert online_dossier.status == DossierStatus.SUBMITTED


def test_refusing_prints_mau_03(desk_client, online_dossier):
    # when the officer refuses the dossier
    desk_client.post(
        reverse("dossiers:refuse", args=[online_dossier.pk]),
        {"reason": "Không thuộc thẩm quyền của UBND xã"},
    )

    # then it is refused and Mẫu 03 carries the reason
    online_dossier.refresh_from_db()
    assert online_dossier.status == DossierStatus.REFUSED
    text = _pdf_text(
        desk_client.get(reverse("dossiers:form-pdf", args=[online_dossier.pk, "mau-03"]))
    )
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert "Không thuộc thẩm quyền của UBND xã" in text


def test_the_counter_intake_creates_receives_and_prints_the_secret(desk_client, procedure):
    # given the officer chooses the procedure
    choose = desk_client.get(reverse("dossiers:intake"))
    assert procedure.name in choose.content.decode()
    first = procedure.components.order_by("order").first()

    # when the applicant's data and a scan are sent
    response = desk_client.post(
        reverse("dossiers:intake"),
        {
            "thu_tuc": procedure.code,
            "applicant_name": "Phạm Văn Đức",
            "applicant_phone": "0912345678",
            "applicant_address": "Thôn 1, xã Đăk Năng",
            "channel": "1",
            "result_channel": "counter",
            "tiep_nhan_ngay": "1",
            f"tp_{first.code}": SimpleUploadedFile("to-khai.pdf", MINIMAL_PDF, "application/pdf"),
        },
        follow=True,
    )

    # then a counter dossier exists, received, with its file
    dossier = Dossier.objects.get(applicant_name="Phạm Văn Đức")
    assert dossier.status == DossierStatus.RECEIVED
    assert dossier.channel == 1
    assert list(dossier.files.values_list("component_code", flat=True)) == [first.code]
    page = response.content.decode()
    assert "Mã tra cứu của người nộp" in page
    # and liên 2 of Mẫu 01 carries the secret shown on the page
    secret = page.split("Mã tra cứu của người nộp: <strong>")[1].split("<")[0]
    text = _pdf_text(desk_client.get(reverse("dossiers:form-pdf", args=[dossier.pk, "mau-01"])))
    assert f"Mã tra cứu: {secret}" in text
    assert first.name in text


def test_the_counter_intake_form_keeps_the_input_on_errors(desk_client, procedure):
    # when the name is missing
    response = desk_client.post(
        reverse("dossiers:intake"),
        {
            "thu_tuc": procedure.code,
            "applicant_name": "",
            "channel": "1",
            "result_channel": "counter",
        },
    )

    # then the form comes back with the error, nothing created
    assert response.status_code == 200
    assert "Vui lòng kiểm tra lại" in response.content.decode()
    assert not Dossier.objects.exists()


def test_citizens_are_sent_away_and_other_agencies_see_a_404(client, online_dossier):
    # given a citizen and an officer of another agency
    client.force_login(CitizenUserFactory())
    assert client.get(reverse("dossiers:queue")).status_code == 302
    stranger = StaffUserFactory(agency=AgencyFactory(), roles=[Role.ONE_STOP_OFFICER])
    client.force_login(stranger)

    # when the stranger opens or acts on the dossier
    page = client.get(_detail(online_dossier))
    act = client.post(reverse("dossiers:receive", args=[online_dossier.pk]))
    pdf = client.get(reverse("dossiers:form-pdf", args=[online_dossier.pk, "mau-01"]))

    # then all look like a missing dossier and nothing changed
    assert (page.status_code, act.status_code, pdf.status_code) == (404, 404, 404)
    assert "Không tìm thấy hồ sơ" in page.content.decode()
    online_dossier.refresh_from_db()
    assert online_dossier.status == DossierStatus.SUBMITTED
