"""Incoming registration checks the signatures of signed PDFs: a tampered file is FAILED (and
still registered, visibly), a re-check runs the validation again, the page shows the verdict."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse

from congso.audit.models import AuditEntry
from congso.documents.constants import FileRole, VersionOrigin
from congso.documents.models import IncomingFile
from congso.documents.services import outgoing as services
from congso.documents.services.files import stored_file_read
from congso.documents.services.incoming import IncomingData, Upload, incoming_document_register
from congso.documents.services.incoming_common import local_today
from congso.documents.services.incoming_signatures import incoming_signatures_recheck
from congso.documents.services.outgoing_signing import outgoing_document_seal
from congso.documents.tests.factories import document_type
from congso.signatures.constants import ValidationVerdict
from congso.signatures.tests import pdfattacks

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_pdf(submitted: Any, signer: Any, clerk: Any) -> bytes:
    """The PDF of a document signed by its Giám đốc and sealed by its văn thư."""
    document = submitted()
    services.outgoing_step_approve(actor=signer, document=document)
    outgoing_document_seal(clerk=clerk, document=document)
    latest = document.versions.filter(origin=VersionOrigin.SIGNED).order_by("-number").first()
    assert latest is not None
    assert latest.rendered_file is not None
    return stored_file_read(latest.rendered_file)


def _register(clerk: Any, main: bytes, *attachments: bytes) -> Any:
    data = IncomingData(
        document_type=document_type("cong_van"),
        issued_on=local_today(),
        subject="Đề nghị báo cáo tình hình chuyển đổi số năm 2020",
        organ_name="Sở Thông tin và Truyền thông",
        code_number="01",
        code_notation="STTTT-CNTT",
    )
    return incoming_document_register(
        clerk=clerk,
        data=data,
        main_file=Upload("01-STTTT-CNTT.pdf", io.BytesIO(main)),
        attachments=[Upload(f"phu-luc-{i}.pdf", io.BytesIO(a)) for i, a in enumerate(attachments)],
    ).document


@pytest.mark.parametrize(
    "tamper", [pdfattacks.change_signed_byte, pdfattacks.add_overlay_annotation]
)
def test_a_signed_document_tampered_with_is_registered_as_failed(
    signed_pdf: bytes, recipient_clerk: Any, tamper: Any
) -> None:
    # given: the signed PDF, altered after signing
    tampered = tamper(signed_pdf)
    # when: the recipient's clerk registers it (uploaded from e-mail, say)
    document = _register(recipient_clerk, tampered)
    # then: it is registered — and its file says the signatures fail
    assert document.arrival_number == 1
    main = IncomingFile.objects.get(document=document)
    assert main.signature_verdict == ValidationVerdict.FAILED
    assert main.signature_report is not None
    assert main.signature_report.verdict == ValidationVerdict.FAILED
    assert "không hợp lệ" in main.signature_summary.lower()


def test_every_pdf_is_checked_and_the_page_shows_the_verdict(
    signed_pdf: bytes, recipient_clerk: Any, client: Any
) -> None:
    from congso.documents.tests.incoming.conftest import make_pdf

    # given: a signed main file with an unsigned appendix
    document = _register(recipient_clerk, signed_pdf, make_pdf("Phụ lục"))
    files = {f.role: f for f in IncomingFile.objects.filter(document=document)}
    assert files[FileRole.MAIN].signature_verdict == ValidationVerdict.VALID
    assert files[FileRole.ATTACHMENT].signature_verdict == ValidationVerdict.UNSIGNED
    assert files[FileRole.ATTACHMENT].signature_report is None
    # when: the clerk opens the document
    client.force_login(recipient_clerk)
    page = client.get(reverse("documents:incoming-detail", args=[document.pk])).content.decode()
    # then: the verdict in Vietnamese, per file, with the report links
    assert "Kết quả kiểm tra: Hợp lệ" in page
    assert "Không có chữ ký số" in page
    report_id = files[FileRole.MAIN].signature_report_id
    assert reverse("signatures:report", args=[report_id]) in page
    assert reverse("signatures:report-pdf", args=[report_id]) in page
    assert "Kiểm tra lại" in page
    # and the report page itself opens for the clerk
    report = client.get(reverse("signatures:report", args=[report_id]))
    assert report.status_code == 200
    assert "Hợp lệ" in report.content.decode()


def test_re_checking_validates_the_stored_report_again(
    signed_pdf: bytes, recipient_clerk: Any, client: Any
) -> None:
    # given: a registered signed document
    document = _register(recipient_clerk, signed_pdf)
    main = IncomingFile.objects.get(document=document)
    first_checked_at = main.signature_checked_at
    # when: the clerk presses "Kiểm tra lại"
    client.force_login(recipient_clerk)
    response = client.post(
        reverse("documents:incoming-detail", args=[document.pk]),
        {"action": "kiem-tra-chu-ky"},
        follow=True,
    )
    # then: the same report was validated a second time and the page says so
    main.refresh_from_db()
    assert main.signature_report is not None
    assert main.signature_report.check_count == 2
    assert main.signature_checked_at is not None
    assert first_checked_at is not None
    assert main.signature_checked_at >= first_checked_at
    assert "Đã kiểm tra lại chữ ký số: Hợp lệ." in response.content.decode()
    entry = AuditEntry.objects.get(action="documents.incoming_signatures_checked")
    assert entry.data["signatures"][0]["verdict"] == ValidationVerdict.VALID


def test_only_the_receiving_agency_re_checks(signed_pdf: bytes, recipient_clerk: Any) -> None:
    from congso.accounts.tests.factories import StaffUserFactory
    from congso.core.errors import PermissionDenied
    from congso.core.identity import Role

    document = _register(recipient_clerk, signed_pdf)
    with pytest.raises(PermissionDenied):
        incoming_signatures_recheck(
            actor=StaffUserFactory.create(roles=[Role.CLERK]), document=document
        )


def test_the_api_shows_each_files_verdict_and_re_checks(
    signed_pdf: bytes, recipient_clerk: Any
) -> None:
    from rest_framework.test import APIClient

    # given: a registered signed document
    document = _register(recipient_clerk, signed_pdf)
    api = APIClient()
    api.force_authenticate(recipient_clerk)
    # when
    detail = api.get(f"/api/v1/documents/incoming/{document.pk}/")
    recheck = api.post(f"/api/v1/documents/incoming/{document.pk}/signatures/recheck/")
    # then
    assert detail.status_code == 200, detail.content
    (main,) = detail.json()["files"]
    assert main["signature_verdict"] == ValidationVerdict.VALID
    assert main["signature_report_id"] is not None
    assert recheck.status_code == 200, recheck.content
    report = IncomingFile.objects.get(document=document).signature_report
    assert report is not None
    assert report.check_count == 2
