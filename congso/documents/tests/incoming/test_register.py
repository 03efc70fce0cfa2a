"""incoming_document_register: numbering, auto-filled fields, files, duplicates, bad input."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from congso.accounts.tests.factories import StaffUserFactory
from congso.audit.models import AuditEntry
from congso.core.errors import PermissionDenied
from congso.core.identity import Role
from congso.documents.constants import FileRole, IncomingSource, IncomingStatus
from congso.documents.errors import FileRejected
from congso.documents.models import IncomingDocument, IncomingFile, SecretAccessGrant, StoredFile
from congso.documents.services.incoming import (
    PossibleDuplicate,
    Upload,
    incoming_document_register,
)
from congso.documents.services.incoming_common import IncomingAction
from congso.documents.tests.factories import secrecy, urgency
from congso.documents.tests.incoming.conftest import incoming_data, make_pdf, upload
from congso.organizations.tests.factories import AgencyFactory, InternalUnitFactory

pytestmark = pytest.mark.django_db


def test_takes_consecutive_arrival_numbers_in_the_agency_book_of_the_year(register):
    # given / when
    first = register()
    second = register()
    # then
    assert (first.arrival_number, second.arrival_number) == (1, 2)
    assert first.register == second.register
    assert first.register.year == timezone.localdate().year
    assert first.status == IncomingStatus.ACCEPTED


def test_fills_arrival_date_page_amount_and_files_from_the_upload(clerk):
    # given
    pdf = make_pdf("Công văn ba trang", pages=3)
    # when
    result = incoming_document_register(
        clerk=clerk,
        data=incoming_data(page_amount=9),
        main_file=Upload(name="C:\\Users\\vt\\cong-van.pdf", stream=io.BytesIO(pdf)),
        attachments=[upload(make_pdf("Phụ lục"), name="phu-luc.pdf")],
    )
    # then
    document = result.document
    assert document.page_amount == 3  # the system's count wins over the typed one
    assert abs((timezone.now() - document.arrived_at).total_seconds()) < 60
    assert document.registered_by == clerk
    files = list(document.files.order_by("ordinal"))
    assert [(f.name, f.role) for f in files] == [
        ("cong-van.pdf", FileRole.MAIN),
        ("phu-luc.pdf", FileRole.ATTACHMENT),
    ]
    assert files[0].stored_file.page_count == 3
    assert result.duplicates == []


def test_fills_organ_id_and_name_from_an_issuer_inside_the_installation(clerk):
    # given
    issuer = AgencyFactory.create(name="UBND tỉnh Kon Tum", code_qcvn102="000.00.00.H34")
    # when
    document = incoming_document_register(
        clerk=clerk, data=incoming_data(organ_name="", issuer=issuer), main_file=upload()
    ).document
    # then
    assert (document.organ_id, document.organ_name, document.issuer) == (
        "000.00.00.H34",
        "UBND tỉnh Kon Tum",
        issuer,
    )


def test_writes_one_audit_entry_and_schedules_the_search_refresh(
    clerk, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        document = incoming_document_register(
            clerk=clerk, data=incoming_data(), main_file=upload()
        ).document
    # then
    entries = AuditEntry.objects.filter(
        target_id=str(document.pk), action=IncomingAction.REGISTERED
    )
    assert entries.count() == 1
    assert entries.get().data["arrival_number"] == 1
    # the main file's text (a PDF), then the document's search entry
    assert [callback.__name__ for callback in callbacks] == ["_text_fill_dispatch", "<lambda>"]
    from congso.documents.models import SearchEntry

    assert SearchEntry.objects.filter(document_id=document.pk).exists()


def test_a_paper_document_may_be_registered_before_its_scan(clerk):
    # when
    document = incoming_document_register(
        clerk=clerk, data=incoming_data(page_amount=2), source=IncomingSource.PAPER
    ).document
    # then
    assert document.source == IncomingSource.PAPER
    assert document.page_amount == 2
    assert document.files.count() == 0


def test_a_scanned_image_counts_as_one_page(clerk):
    # given: the smallest valid PNG header is enough for type sniffing
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    # when
    document = incoming_document_register(
        clerk=clerk,
        data=incoming_data(),
        main_file=Upload(name="scan.png", stream=io.BytesIO(png)),
        source=IncomingSource.PAPER,
    ).document
    # then
    assert document.page_amount == 1
    assert document.files.get().stored_file.media_type == "image/png"


def test_secret_documents_take_numbers_from_their_own_book_and_grant_only_the_clerk(
    register, clerk
):
    # given
    register()
    register()
    # when
    secret = register(secrecy=secrecy("mat"))
    # then
    assert secret.is_secret
    assert secret.arrival_number == 1
    assert secret.register.is_secret
    assert list(
        SecretAccessGrant.objects.filter(incoming=secret).values_list("user", flat=True)
    ) == [clerk.pk]


def test_the_same_triple_is_refused_with_the_earlier_number_unless_confirmed(register, clerk):
    # given
    first = register(code_number="12", code_notation="UBND-VX")
    # when
    with pytest.raises(PossibleDuplicate) as caught:
        register(code_number="12", code_notation="ubnd-vx")
    # then
    match = caught.value.details["matches"][0]
    assert match["document_id"] == first.pk
    assert match["arrival_number"] == 1
    assert match["reasons"] == ["same_number"]
    assert IncomingDocument.objects.count() == 1
    # when confirmed
    second = incoming_document_register(
        clerk=clerk,
        data=incoming_data(code_number="12", code_notation="UBND-VX"),
        main_file=upload(make_pdf("khác")),
        allow_duplicate=True,
    )
    # then
    assert second.document.arrival_number == 2
    assert [m.document_id for m in second.duplicates] == [first.pk]


def test_the_same_number_from_another_issuer_is_not_a_duplicate(register):
    # given
    register(code_number="12", code_notation="UBND-VX", organ_name="UBND tỉnh Kon Tum")
    # when
    other = register(code_number="12", code_notation="UBND-VX", organ_name="UBND tỉnh Gia Lai")
    # then
    assert other.arrival_number == 2


def test_the_same_file_is_a_duplicate_even_with_other_metadata(register, clerk):
    # given
    pdf = make_pdf("Cùng một tệp")
    first = register(main_file=upload(pdf))
    # when
    with pytest.raises(PossibleDuplicate) as caught:
        register(main_file=upload(pdf), code_number="77", subject="Khác hẳn")
    # then
    assert caught.value.details["matches"][0]["reasons"] == ["same_file"]
    assert caught.value.details["matches"][0]["document_id"] == first.pk
    assert caught.value.http_status == 409


def test_duplicates_are_looked_up_in_the_own_agency_only(register):
    # given
    other_clerk = StaffUserFactory.create(agency=AgencyFactory.create(), roles=[Role.CLERK])
    pdf = make_pdf("Gửi hai nơi")
    register(main_file=upload(pdf))
    # when
    other = register(clerk=other_clerk, main_file=upload(pdf))
    # then
    assert other.arrival_number == 1


def test_a_secret_duplicate_is_not_revealed_to_a_clerk_without_grant(register, agency):
    # given
    pdf = make_pdf("Mật")
    register(main_file=upload(pdf), secrecy=secrecy("mat"))
    second_clerk = StaffUserFactory.create(agency=agency, roles=[Role.CLERK])
    # when
    document = register(clerk=second_clerk, main_file=upload(pdf))
    # then
    assert document.arrival_number == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"subject": ""}, "subject"),
        ({"subject": "x" * 501}, "subject"),
        ({"organ_name": ""}, "organ_name"),
        ({"organ_name": "x" * 201}, "organ_name"),
        ({"code_number": "1" * 12}, "code_number"),
        ({"code_notation": "A" * 31}, "code_notation"),
        ({"signer_full_name": "x" * 51}, "signer_full_name"),
        ({"signer_position": "x" * 101}, "signer_position"),
        ({"description": "x" * 501}, "description"),
        ({"to_places": "x" * 1001}, "to_places"),
        ({"language": "x" * 31}, "language"),
        ({"issued_on": None}, "issued_on"),
        ({"issued_on": date(1944, 12, 31)}, "issued_on"),
        ({"issued_on": timezone.localdate() + timedelta(days=1)}, "issued_on"),
        ({"due_on": date(2019, 12, 31)}, "due_on"),
        ({"page_amount": 0}, "page_amount"),
        ({"page_amount": 1000}, "page_amount"),
        ({"document_type": None}, "document_type"),
    ],
)
def test_bad_metadata_is_refused_field_by_field_and_nothing_is_written(clerk, overrides, field):
    # when
    with pytest.raises(ValidationError) as caught:
        incoming_document_register(clerk=clerk, data=incoming_data(**overrides), main_file=upload())
    # then
    assert field in caught.value.message_dict
    assert IncomingDocument.objects.count() == 0
    assert AuditEntry.objects.filter(action=IncomingAction.REGISTERED).count() == 0


def test_every_metadata_error_is_reported_at_once(clerk):
    # when
    with pytest.raises(ValidationError) as caught:
        incoming_document_register(
            clerk=clerk, data=incoming_data(subject="", organ_name="", issued_on=None)
        )
    # then
    assert {"subject", "organ_name", "issued_on"} <= set(caught.value.message_dict)


def test_an_internal_unit_or_inactive_agency_is_no_issuer(clerk, agency):
    # given
    unit = InternalUnitFactory.create(parent=agency)
    # when
    with pytest.raises(ValidationError) as caught:
        incoming_document_register(clerk=clerk, data=incoming_data(issuer=unit), main_file=upload())
    # then
    assert "issuer" in caught.value.message_dict


def test_an_upload_needs_its_file(clerk):
    with pytest.raises(ValidationError) as caught:
        incoming_document_register(clerk=clerk, data=incoming_data())
    assert "main_file" in caught.value.message_dict


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("virus.exe", b"MZ\x90\x00" + b"\x00" * 100, "unsupported_file_type"),
        ("hong.pdf", b"%PDF-1.4\n this is not a pdf at all", "unreadable_pdf"),
        ("rong.pdf", b"", "empty_file"),
        ("/", make_pdf(), "invalid_file_name"),
        ("..", make_pdf(), "invalid_file_name"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_registered(clerk, name, data, code):
    # when
    with pytest.raises(FileRejected) as caught:
        incoming_document_register(
            clerk=clerk,
            data=incoming_data(),
            main_file=Upload(name=name, stream=io.BytesIO(data)),
        )
    # then
    assert caught.value.code == code
    assert IncomingDocument.objects.count() == 0
    assert StoredFile.objects.count() == 0


def test_an_oversized_file_is_refused(clerk, settings):
    # given
    settings.CONGSO_UPLOAD_MAX_BYTES = 1024
    # when
    with pytest.raises(FileRejected) as caught:
        incoming_document_register(
            clerk=clerk, data=incoming_data(), main_file=upload(make_pdf("to", pages=5))
        )
    # then
    assert caught.value.code == "file_too_large"
    assert IncomingDocument.objects.count() == 0


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\x.pdf", "x.pdf"),
        ("..\\..\\Windows\\system32\\cong-van.pdf", "cong-van.pdf"),
        ("bao\x00cao.pdf", "baocao.pdf"),
    ],
)
def test_path_tricks_in_file_names_keep_only_the_last_component(clerk, given, kept):
    # when
    document = incoming_document_register(
        clerk=clerk,
        data=incoming_data(),
        main_file=Upload(name=given, stream=io.BytesIO(make_pdf(given))),
    ).document
    # then
    assert IncomingFile.objects.get(document=document).name == kept


def test_a_bad_attachment_rolls_back_the_whole_registration(clerk):
    # when
    with pytest.raises(FileRejected):
        incoming_document_register(
            clerk=clerk,
            data=incoming_data(),
            main_file=upload(),
            attachments=[Upload(name="x.pdf", stream=io.BytesIO(b"%PDF-broken"))],
        )
    # then
    assert IncomingDocument.objects.count() == 0
    assert IncomingFile.objects.count() == 0


@pytest.mark.parametrize("roles", [[Role.SPECIALIST], [Role.LEADER], []])
def test_only_a_clerk_registers(agency, roles):
    # given
    actor = StaffUserFactory.create(agency=agency, roles=roles)
    # when / then
    with pytest.raises(PermissionDenied):
        incoming_document_register(clerk=actor, data=incoming_data(), main_file=upload())


def test_the_default_urgency_and_secrecy_are_ordinary(register):
    document = register()
    assert (document.urgency, document.secrecy, document.is_secret) == (
        urgency("thuong"),
        secrecy("thuong"),
        False,
    )


def test_an_unknown_source_is_refused(clerk):
    with pytest.raises(ValidationError):
        incoming_document_register(
            clerk=clerk, data=incoming_data(), main_file=upload(), source=IncomingSource.INTERNAL
        )


def test_a_refused_registration_leaves_no_gap_in_the_numbers(register, clerk: Any):
    # given: a registration refused after numbering would have happened (duplicate)
    register(code_number="01", code_notation="X")
    with pytest.raises(PossibleDuplicate):
        register(code_number="01", code_notation="X")
    # when
    document = register(code_number="02")
    # then: no gap
    assert document.arrival_number == 2
