"""Signature checks at registration without any signed file: unsigned PDFs, other file types,
a check that cannot run, and what the detail page shows (the signed cases are in
tests/signing/test_incoming_checks.py, which need the TEST PKI and SoftHSM2)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from congso.documents.constants import FileRole
from congso.documents.models import IncomingFile
from congso.documents.services.incoming import Upload, incoming_document_register
from congso.documents.services.incoming_signatures import document_signature_verdict
from congso.documents.tests.incoming.conftest import incoming_data, make_pdf, upload
from congso.signatures.constants import ValidationVerdict
from congso.signatures.models import ValidationRecord

pytestmark = pytest.mark.django_db


def _docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("Phụ lục kèm theo")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_an_unsigned_pdf_is_registered_as_having_no_signature(register: Any, client: Any) -> None:
    # when
    document = register()
    # then: the file says so, no report is stored for it
    main = IncomingFile.objects.get(document=document)
    assert main.signature_verdict == ValidationVerdict.UNSIGNED
    assert main.signature_summary == "Tệp không có chữ ký số nào."
    assert main.signature_report is None
    assert main.signature_checked_at is not None
    assert not ValidationRecord.objects.exists()
    # and the detail page shows "Không có chữ ký số" with the re-check button
    client.force_login(document.registered_by)
    page = client.get(reverse("documents:incoming-detail", args=[document.pk])).content.decode()
    assert "Kết quả kiểm tra: Không có chữ ký số" in page
    assert "Kiểm tra lại" in page


def test_files_that_are_not_pdf_are_not_checked(clerk: Any) -> None:
    document = incoming_document_register(
        clerk=clerk,
        data=incoming_data(),
        main_file=upload(),
        attachments=[Upload("phu-luc.docx", io.BytesIO(_docx()))],
    ).document
    files = {f.role: f for f in IncomingFile.objects.filter(document=document)}
    assert files[FileRole.MAIN].signature_verdict == ValidationVerdict.UNSIGNED
    assert files[FileRole.ATTACHMENT].signature_verdict == ""


def test_a_check_that_cannot_run_never_blocks_the_registration(
    register: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: the signatures app fails unexpectedly
    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("revocation server exploded")

    monkeypatch.setattr(
        "congso.documents.services.incoming_signatures.file_signatures_check", broken
    )
    # when
    document = register()
    # then: registered, and the file shows that the check did not run
    assert document.arrival_number == 1
    main = IncomingFile.objects.get(document=document)
    assert main.signature_verdict == ValidationVerdict.INDETERMINATE
    assert "Không kiểm tra được chữ ký số" in main.signature_summary


def test_a_pdf_naming_a_byte_range_without_any_signature_is_unsigned(clerk: Any) -> None:
    # given: a PDF carrying the signature marker but no real signature behind it
    damaged = make_pdf() + b"\n% /ByteRange [0 10 20 30]\n"
    # when
    document = incoming_document_register(
        clerk=clerk, data=incoming_data(), main_file=upload(damaged)
    ).document
    # then: the full validation ran (the marker is there) and found no signature
    main = IncomingFile.objects.get(document=document)
    assert main.signature_verdict == ValidationVerdict.UNSIGNED
    assert not ValidationRecord.objects.exists()


def test_a_large_stored_file_is_checked_from_disk(clerk: Any, monkeypatch: Any) -> None:
    # given a memory bound below the file's size (the check then reads the blob in pieces)
    from congso.signatures import services as signature_services

    monkeypatch.setattr(signature_services, "CHECK_IN_MEMORY_BYTES", 10)
    read: list[Any] = []
    real = signature_services.validate_pdf

    def spy(source: Any, **kwargs: Any) -> Any:
        read.append(source)
        return real(source, **kwargs)

    monkeypatch.setattr(signature_services, "validate_pdf", spy)
    damaged = make_pdf() + b"\n% /ByteRange [0 10 20 30]\n"
    # when it is registered
    document = incoming_document_register(
        clerk=clerk, data=incoming_data(), main_file=upload(damaged)
    ).document
    # then the validation ran from disk and found what it finds in memory
    assert len(read) == 1
    assert isinstance(read[0], Path)
    main = IncomingFile.objects.get(document=document)
    assert main.signature_verdict == ValidationVerdict.UNSIGNED
    assert not ValidationRecord.objects.exists()


@pytest.mark.parametrize(
    ("verdicts", "expected"),
    [
        ([], None),
        ([("main", "valid"), ("attachment", "unsigned")], "valid"),
        ([("main", "unsigned"), ("attachment", "valid")], "unsigned"),
        ([("main", "valid"), ("attachment", "failed")], "failed"),
        ([("main", "indeterminate"), ("attachment", "valid")], "indeterminate"),
        ([("main", ""), ("attachment", "valid")], "valid"),
    ],
)
def test_the_document_verdict_is_the_worst_problem_else_the_main_files(
    verdicts: list[tuple[str, str]], expected: str | None
) -> None:
    files = [IncomingFile(role=role, signature_verdict=verdict) for role, verdict in verdicts]
    result = document_signature_verdict(files)
    assert (result.verdict if result else None) == expected


def test_a_document_without_pdf_offers_no_check(clerk: Any, client: Any) -> None:
    from congso.documents.constants import IncomingSource

    document = incoming_document_register(
        clerk=clerk, data=incoming_data(), source=IncomingSource.PAPER
    ).document
    client.force_login(clerk)
    page = client.get(reverse("documents:incoming-detail", args=[document.pk])).content.decode()
    assert "Không có tệp PDF để kiểm tra chữ ký số." in page
    response = client.post(
        reverse("documents:incoming-detail", args=[document.pk]),
        {"action": "kiem-tra-chu-ky"},
        follow=True,
    )
    assert "Văn bản không có tệp PDF để kiểm tra chữ ký số." in response.content.decode()


def test_a_post_without_the_check_action_is_not_allowed(register: Any, client: Any) -> None:
    document = register()
    client.force_login(document.registered_by)
    response = client.post(reverse("documents:incoming-detail", args=[document.pk]), {})
    assert response.status_code == 405


def test_another_agency_cannot_re_check(register: Any, client: Any) -> None:
    from congso.accounts.tests.factories import StaffUserFactory
    from congso.core.identity import Role

    document = register()
    client.force_login(StaffUserFactory.create(roles=[Role.CLERK]))
    response = client.post(
        reverse("documents:incoming-detail", args=[document.pk]), {"action": "kiem-tra-chu-ky"}
    )
    assert response.status_code == 404


def test_an_unsigned_internal_arrival_is_checked_when_accepted(clerk: Any) -> None:
    from congso.documents.services.incoming_internal import incoming_document_accept
    from congso.documents.tests.incoming.test_internal import deliver, issued
    from congso.organizations.tests.factories import AgencyFactory

    # given: an internal arrival (issued without signatures, "Chưa ký số")
    arrival, _recipient = deliver(issued(AgencyFactory.create()), clerk.agency)
    assert IncomingFile.objects.get(document=arrival).signature_verdict == ""
    # when
    incoming_document_accept(clerk=clerk, document=arrival)
    # then
    assert IncomingFile.objects.get(document=arrival).signature_verdict == "unsigned"
