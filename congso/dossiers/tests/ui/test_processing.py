"""Processing from the dossier page: steps, extension (once), result, return; deadline lists,
the tracking book and the queue numbers."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from congso.dossiers.constants import DossierStatus
from congso.dossiers.tests.factories import (
    MINIMAL_PDF,
    ReceivedDossierFactory,
    ServiceCounterFactory,
)
from congso.workdays.calendar import add_working_days

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _post(client, name, dossier, data=None):
    return client.post(reverse(f"dossiers:{name}", args=[dossier.pk]), data or {}, follow=True)


@pytest.fixture
def received(desk_client, online_dossier):
    _post(desk_client, "receive", online_dossier)
    online_dossier.refresh_from_db()
    return online_dossier


def test_a_dossier_goes_through_its_steps_to_the_returned_result(desk_client, received, leader):
    # given the desk officer holds the first step: they complete it
    response = _post(desk_client, "complete-step", received, {"note": "Hồ sơ hợp lệ"})
    assert "Đã hoàn thành bước xử lý." in _messages(response)

    # when the leader, who holds the next step, uploads the signed result
    client = Client()
    client.force_login(leader)
    page = client.get(reverse("dossiers:detail", args=[received.pk])).content.decode()
    assert "Tải lên kết quả đã ký số" in page
    response = _post(
        client,
        "finish",
        received,
        {"result_file": SimpleUploadedFile("giay-khai-sinh.pdf", MINIMAL_PDF, "application/pdf")},
    )

    # then the dossier is done (the unsigned PDF is flagged), and the desk returns it
    assert any("hồ sơ đã xử lý xong" in m for m in _messages(response))
    received.refresh_from_db()
    assert received.status == DossierStatus.DONE
    response = _post(desk_client, "return", received, {"channel": "counter"})
    received.refresh_from_db()
    assert received.status == DossierStatus.RETURNED
    assert any("Đã trả kết quả" in m for m in _messages(response))
    # and the page shows the steps with their outcome and the history
    page = desk_client.get(reverse("dossiers:detail", args=[received.pk])).content.decode()
    assert "Trước hạn" in page or "Đúng hạn" in page
    assert "Trả kết quả" in page
    assert reverse("dossiers:result", args=[received.pk]) in page


def test_the_extension_is_granted_once_with_mau_04(desk_client, received):
    # given a later working day
    later = add_working_days(timezone.localdate(received.due_at), 3, cutoff=None)

    # when the officer extends, then tries again
    first = _post(
        desk_client, "extend", received, {"new_due": later.isoformat(), "reason": "Chờ xác minh"}
    )
    second = _post(
        desk_client,
        "extend",
        received,
        {"new_due": (later + timedelta(days=7)).isoformat(), "reason": "Lần hai"},
    )

    # then the first is accepted and printed, the second refused in Vietnamese
    assert any("Đã gia hạn" in m for m in _messages(first))
    assert any("một lần" in m for m in _messages(second))
    received.refresh_from_db()
    assert timezone.localdate(received.extended_due_at) == later
    pdf = desk_client.get(reverse("dossiers:form-pdf", args=[received.pk, "mau-04"]))
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split()
    )
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text
    assert "Lý do: Chờ xác minh" in text


def test_a_bad_date_for_the_extension_is_a_message(desk_client, received):
    # when the date is not a date
    response = _post(desk_client, "extend", received, {"new_due": "hôm qua", "reason": "x"})

    # then
    assert any(m.startswith("Ngày hẹn trả mới") for m in _messages(response))


def test_overdue_and_nearing_due_lists(desk_client, desk, procedure):
    # given one dossier two days late and one due today
    now = timezone.now()
    late = ReceivedDossierFactory(
        procedure=procedure,
        received_at=now - timedelta(days=20),
        legal_due_at=now - timedelta(days=3),
    )
    soon = ReceivedDossierFactory(
        procedure=procedure, received_at=now, legal_due_at=now + timedelta(minutes=30)
    )

    # when the officer opens the deadline lists
    page = desk_client.get(reverse("dossiers:deadlines")).content.decode()

    # then both are listed, the late one with a "Quá hạn" badge in words
    overdue, nearing = page.split('id="nearing-title"')
    assert late.code in overdue
    assert "Quá hạn" in overdue
    assert soon.code in nearing
    assert "Sắp đến hạn" in nearing
    # and "mine" only shows the officer's own steps (none here)
    mine = desk_client.get(reverse("dossiers:deadlines") + "?cua_toi=1").content.decode()
    assert late.code not in mine


def test_the_tracking_book_page_and_downloads(desk_client, received):
    # given the period around today
    today = timezone.localdate()
    query = f"?tu={today.replace(day=1).isoformat()}&den={today.isoformat()}"

    # when the officer reads the book and downloads it
    page = desk_client.get(reverse("dossiers:book") + query).content.decode()
    pdf = desk_client.get(reverse("dossiers:book-file", args=["pdf"]) + query)
    xlsx = desk_client.get(reverse("dossiers:book-file", args=["xlsx"]) + query)

    # then the received dossier is in all three
    assert received.code in page
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split()
    )
    assert "SỔ THEO DÕI HỒ SƠ" in text
    assert received.code in text
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert received.code in [row[1] for row in sheet.iter_rows(values_only=True)]
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_reversed_period_is_a_message(desk_client):
    # when the end is before the start
    response = desk_client.get(
        reverse("dossiers:book-file", args=["pdf"]) + "?tu=2020-03-31&den=2020-03-01", follow=True
    )

    # then
    assert "Ngày bắt đầu phải trước ngày kết thúc." in _messages(response)


def test_queue_numbers_are_issued_and_called_in_order(desk_client, desk):
    # given a counter of the desk
    counter: Any = ServiceCounterFactory(agency=desk, name="Quầy số 1")

    # when two numbers are taken and one is called
    first = desk_client.post(reverse("dossiers:ticket-new", args=[counter.pk]), follow=True)
    desk_client.post(reverse("dossiers:ticket-new", args=[counter.pk]))
    called = desk_client.post(reverse("dossiers:ticket-call", args=[counter.pk]), follow=True)

    # then the ticket page shows number 1, the call invites number 1, one still waits
    assert 'class="ticket-number"' in first.content.decode()
    assert "Mời số 1 đến Quầy số 1." in _messages(called)
    assert "Đang chờ: 1" in called.content.decode()
