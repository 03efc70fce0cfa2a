"""Staff compare the day's payments, callbacks and the provider's records, and export them."""

from __future__ import annotations

import csv
import io
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from congso.accounts.tests.factories import CitizenUserFactory, StaffUserFactory
from congso.core.identity import Role
from congso.payments.constants import ReconciliationIssue
from congso.payments.selectors import payment_reconciliation
from congso.payments.tests.factories import open_payment

pytestmark = pytest.mark.django_db


def _pay_at_bank(client, url: str, *, deliver: bool) -> None:
    fields = {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
    answer = client.post("/thanh-toan-thu/", {**fields, "action": "pay"})
    if deliver:
        client.get(answer["Location"])


@pytest.fixture
def day_with_payments(client):
    """One payment paid end to end, one paid at the bank whose result never came back."""
    good, good_url = open_payment(amount=150_000, dossier_ref="dossier:1")
    lost, lost_url = open_payment(amount=50_000, dossier_ref="dossier:2")
    _pay_at_bank(client, good_url, deliver=True)
    _pay_at_bank(client, lost_url, deliver=False)
    client.logout()
    return good, lost


def test_reconciliation_flags_a_payment_the_provider_took_but_we_did_not_record(day_with_payments):
    # given
    good, lost = day_with_payments
    # when
    rows = {row.reference: row for row in payment_reconciliation(timezone.localdate())}
    # then
    assert rows[good.reference].issues == []
    assert rows[good.reference].accepted_callbacks == 1
    assert rows[lost.reference].issues == [ReconciliationIssue.PROVIDER_PAID_NOT_RECORDED]
    assert rows[lost.reference].provider_amount == 50_000


def test_an_officer_sees_the_list_and_exports_csv_and_excel(client, day_with_payments):
    # given
    good, lost = day_with_payments
    officer = StaffUserFactory.create(roles=[Role.ONE_STOP_OFFICER])
    client.force_login(officer)
    day = timezone.localdate().isoformat()
    # when
    page = client.get("/thanh-toan/doi-soat/", {"ngay": day})
    csv_response = client.get("/thanh-toan/doi-soat/xuat/", {"ngay": day, "dinh_dang": "csv"})
    xlsx_response = client.get("/thanh-toan/doi-soat/xuat/", {"ngay": day, "dinh_dang": "xlsx"})
    # then
    assert page.status_code == 200
    text = page.content.decode()
    assert good.reference in text
    assert lost.reference in text
    assert "Nhà cung cấp báo thành công nhưng hệ thống chưa ghi nhận" in text
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Mã thanh toán"
    by_ref = {row[0]: row for row in rows[1:]}
    assert by_ref[good.reference][10] == "Có"
    assert by_ref[lost.reference][10] == "Không"
    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    references = {sheet.cell(row=i, column=1).value for i in range(2, sheet.max_row + 1)}
    assert references == {good.reference, lost.reference}


@pytest.mark.parametrize("who", ["citizen", "staff_without_role"])
def test_reconciliation_is_refused_to_others(client, who):
    # given
    user = CitizenUserFactory.create() if who == "citizen" else StaffUserFactory.create()
    client.force_login(user)
    # when
    response = client.get("/thanh-toan/doi-soat/")
    # then
    assert response.status_code == 403


def test_anonymous_visitors_are_sent_to_the_staff_login(client):
    response = client.get("/thanh-toan/doi-soat/")
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/")
