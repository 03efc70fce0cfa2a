"""A citizen fills the form, saves a draft, uploads, pays, submits and gets the receipt."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail

from congso.audit.models import AuditEntry
from congso.dossiers.constants import DossierStatus
from congso.dossiers.lookup import lookup_secret_matches
from congso.dossiers.models import Dossier
from congso.notifications.models import Notification
from congso.payments.models import Payment
from congso.portal.constants import PortalAuditAction
from congso.portal.tests.conftest import VALID_FORM, pdf_upload

pytestmark = pytest.mark.django_db


def _start(client, procedure, data=None):
    return client.post(f"/dich-vu-cong/nop/{procedure.code}/", data or VALID_FORM)


def _pay(client, dossier) -> None:
    to_bank = client.post(f"/dich-vu-cong/ho-so/{dossier.pk}/thanh-toan/")
    fields = {k: v[0] for k, v in parse_qs(urlsplit(to_bank["Location"]).query).items()}
    to_callback = client.post("/thanh-toan-thu/", {**fields, "action": "pay"})
    back = client.get(to_callback["Location"])
    assert back["Location"] == f"/dich-vu-cong/ho-so/{dossier.pk}/"


def test_anonymous_visitors_are_sent_to_the_citizen_login(client, procedure):
    response = client.get(f"/dich-vu-cong/nop/{procedure.code}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/cong-dan/dang-nhap/?next=/dich-vu-cong/nop/")


def test_the_form_is_rendered_from_the_procedure_schema(citizen_client, procedure):
    # when
    page = citizen_client.get(f"/dich-vu-cong/nop/{procedure.code}/")
    # then
    text = page.content.decode()
    assert page.status_code == 200
    assert "Họ tên chủ hộ *" in text
    assert 'type="date"' in text
    assert "Nhà ở riêng lẻ" in text
    assert "75.000 đ" in text
    assert 'value="Y Blốc"' in text  # the account's name is filled in


def test_invalid_form_data_is_refused_with_field_messages(citizen_client, procedure):
    # when: the number of floors is not a number
    response = _start(citizen_client, procedure, {**VALID_FORM, "so_tang": "ba"})
    # then
    assert response.status_code == 400
    text = response.content.decode()
    field = text.split('<label for="id_so_tang">')[0].rsplit('<div class="field', 1)[1]
    assert "field-has-error" in field
    assert 'id="id_so_tang_error"' in text
    assert not Dossier.objects.exists()


def test_full_flow_draft_upload_pay_submit_receipt_and_email(
    citizen_client, citizen, procedure, django_capture_on_commit_callbacks
):
    # given: a saved draft ("save and continue later")
    started = _start(citizen_client, procedure)
    dossier = Dossier.objects.get()
    assert started["Location"] == f"/dich-vu-cong/ho-so/{dossier.pk}/"
    assert dossier.status == DossierStatus.DRAFT
    assert dossier.form_data["so_tang"] == 3
    listing = citizen_client.get("/dich-vu-cong/ho-so/")
    assert procedure.name in listing.content.decode()
    # when: the required component is uploaded and the fee paid at the test bank
    upload = citizen_client.post(
        f"/dich-vu-cong/ho-so/{dossier.pk}/tai-len/",
        {"component_code": "TP1", "file": pdf_upload()},
    )
    assert upload.status_code == 302
    _pay(citizen_client, dossier)
    page = citizen_client.get(f"/dich-vu-cong/ho-so/{dossier.pk}/")
    assert "Đã thanh toán" in page.content.decode()
    # when: the citizen submits
    with django_capture_on_commit_callbacks(execute=True):
        submitted = citizen_client.post(f"/dich-vu-cong/ho-so/{dossier.pk}/nop/")
    # then: the receipt shows the code and the secret, once
    assert submitted["Location"] == f"/dich-vu-cong/ho-so/{dossier.pk}/bien-nhan/"
    receipt = citizen_client.get(submitted["Location"])
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
    text = receipt.content.decode()
    assert dossier.code in text
    secret = text.split('id="lookup-secret">')[1].split("<")[0]
    assert lookup_secret_matches(secret, dossier.lookup_secret_hash)
    again = citizen_client.get(submitted["Location"]).content.decode()
    assert secret not in again
    assert "chỉ hiển thị một lần" in again
    # then: the applicant was e-mailed after commit, without the secret
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ybloc@example.vn"]
    assert str(dossier.code) in str(mail.outbox[0].subject)
    assert secret not in mail.outbox[0].body
    assert Notification.objects.get().status == "sent"
    assert Payment.objects.get().status == "paid"


def test_submitting_before_paying_the_fee_is_refused_and_audited(citizen_client, procedure):
    # given: a complete draft, fee unpaid
    _start(citizen_client, procedure)
    dossier = Dossier.objects.get()
    citizen_client.post(
        f"/dich-vu-cong/ho-so/{dossier.pk}/tai-len/",
        {"component_code": "TP1", "file": pdf_upload()},
    )
    # when
    response = citizen_client.post(f"/dich-vu-cong/ho-so/{dossier.pk}/nop/", follow=True)
    # then
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DRAFT
    assert "Vui lòng nộp phí, lệ phí trước khi nộp hồ sơ." in response.content.decode()
    assert AuditEntry.objects.filter(action=PortalAuditAction.SUBMIT_REFUSED_UNPAID).exists()


def test_missing_required_components_block_the_submission(citizen_client, free_procedure):
    # given: a draft of a free procedure, nothing uploaded
    citizen_client.post(
        f"/dich-vu-cong/nop/{free_procedure.code}/",
        {"applicant_name": "Y Blốc", "result_channel": "online", "ho_ten": "Y Blốc"},
    )
    dossier = Dossier.objects.get()
    # when
    response = citizen_client.post(f"/dich-vu-cong/ho-so/{dossier.pk}/nop/", follow=True)
    # then
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DRAFT
    assert "Hồ sơ còn thiếu thành phần bắt buộc: TP1." in response.content.decode()


def test_a_draft_with_missing_required_form_fields_cannot_be_submitted(citizen_client, procedure):
    # given: a draft saved without the date of birth
    _start(citizen_client, procedure, {**VALID_FORM, "ngay_sinh": ""})
    dossier = Dossier.objects.get()
    # when
    response = citizen_client.post(f"/dich-vu-cong/ho-so/{dossier.pk}/nop/")
    # then
    assert response.status_code == 400
    assert "Vui lòng nhập trường này." in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DRAFT


def test_a_disguised_file_is_refused(citizen_client, procedure):
    # given
    _start(citizen_client, procedure)
    dossier = Dossier.objects.get()
    # when: a ".pdf" that is really a Windows executable
    response = citizen_client.post(
        f"/dich-vu-cong/ho-so/{dossier.pk}/tai-len/",
        {"component_code": "TP1", "file": pdf_upload("ban-ve.pdf", b"MZ\x90\x00" + b"\x00" * 200)},
    )
    # then
    assert response.status_code == 400
    assert dossier.files.count() == 0
    assert "field-has-error" in response.content.decode()


def test_editing_a_draft_saves_it(citizen_client, procedure):
    # given
    _start(citizen_client, procedure)
    dossier = Dossier.objects.get()
    # when
    response = citizen_client.post(
        f"/dich-vu-cong/ho-so/{dossier.pk}/", {**VALID_FORM, "so_tang": "5"}
    )
    # then
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.form_data["so_tang"] == 5
