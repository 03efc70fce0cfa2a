"""Signing and validation through services, the API and the report page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from congso.accounts.tests.factories import StaffUserFactory
from congso.audit.models import AuditEntry
from congso.core.errors import PermissionDenied
from congso.core.identity import Role
from congso.signatures import services
from congso.signatures.constants import SignaturesAuditAction
from congso.signatures.errors import SigningRefusedError
from congso.signatures.lib.engine import validate_pdf
from congso.signatures.lib.report import Verdict
from congso.signatures.lib.softhsm import TEST_USER_PIN
from congso.signatures.tests import pdfattacks
from congso.signatures.tests.factories import AgencyKeyFactory, PersonKeyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _signatures_settings(settings, test_pki, tmp_path, monkeypatch):
    settings.CONGSO_SIGNATURES_TEST_PKI_DIR = str(test_pki.directory)
    settings.MEDIA_ROOT = str(tmp_path / "media")
    monkeypatch.setenv("CONGSO_TEST_PIN", TEST_USER_PIN)


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_validating_a_file_stores_the_report_and_audits_it(signed_twice):
    # given a clerk and a document signed twice
    clerk = StaffUserFactory.create(roles=[Role.CLERK])
    # when the clerk validates it
    record = services.file_validate(actor=clerk, data=signed_twice, file_name="qd-15.pdf")
    # then the verdict, the Vietnamese summary and the per-signature report are stored
    assert record.verdict == Verdict.VALID
    assert "hợp lệ" in record.summary
    assert len(record.report["signatures"]) == 2
    assert AuditEntry.objects.filter(action=SignaturesAuditAction.FILE_VALIDATED).count() == 1


def test_person_and_clerk_sign_through_services(prepared_decision, softhsm, validation_config):
    # given a leader with a person key and a clerk of the same agency with the agency key
    leader = StaffUserFactory.create(roles=[Role.LEADER])
    clerk = StaffUserFactory.create(roles=[Role.CLERK], agency=leader.agency)
    PersonKeyFactory(owner=leader)
    AgencyKeyFactory(agency=leader.agency)
    # when the leader signs and then the clerk applies the agency signature
    once = services.document_sign_as_person(actor=leader, pdf=prepared_decision, document_ref="d:1")
    twice = services.document_sign_as_agency(actor=clerk, pdf=once, document_ref="d:1")
    # then the document validates with both signatures, and both acts are audited
    report = validate_pdf(twice, config=validation_config)
    assert report.verdict == Verdict.VALID
    assert len(report.signatures) == 2
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert SignaturesAuditAction.SIGNED_AS_PERSON in actions
    assert SignaturesAuditAction.SIGNED_AS_AGENCY in actions


def test_only_a_clerk_applies_the_agency_signature(prepared_decision):
    leader = StaffUserFactory.create(roles=[Role.LEADER])
    AgencyKeyFactory(agency=leader.agency)
    with pytest.raises(PermissionDenied):
        services.document_sign_as_agency(actor=leader, pdf=prepared_decision)


def test_clerk_cannot_sign_before_the_competent_person(prepared_decision, softhsm):
    clerk = StaffUserFactory.create(roles=[Role.CLERK])
    AgencyKeyFactory(agency=clerk.agency)
    with pytest.raises(SigningRefusedError) as refused:
        services.document_sign_as_agency(actor=clerk, pdf=prepared_decision)
    assert refused.value.code == "person_signature_missing"


def test_api_validates_an_upload_and_serves_report_pdf_and_page(signed_twice):
    from django.core.files.uploadedfile import SimpleUploadedFile

    clerk = StaffUserFactory.create(roles=[Role.CLERK])
    client = _client(clerk)
    upload = SimpleUploadedFile("qd.pdf", signed_twice, content_type="application/pdf")
    created = client.post(
        reverse("signatures-api:validations"), {"file": upload}, format="multipart"
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["verdict"] == "valid"
    record_id = body["id"]
    detail = client.get(reverse("signatures-api:validation", args=[record_id]))
    assert detail.json()["report"]["signatures"][0]["signer"]["common_name"] == "Nguyễn Văn An"
    recheck = client.post(reverse("signatures-api:validation-recheck", args=[record_id]))
    assert recheck.json()["check_count"] == 2
    pdf = client.get(reverse("signatures-api:validation-pdf", args=[record_id]))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    client.force_login(clerk)
    page = client.get(reverse("signatures:report", args=[record_id]))
    assert page.status_code == 200
    assert "Biên bản kiểm tra chữ ký số" in page.content.decode()
    assert "Hợp lệ" in page.content.decode()


def test_api_reports_a_tampered_upload_as_failed_not_as_an_error(signed_twice):
    from django.core.files.uploadedfile import SimpleUploadedFile

    clerk = StaffUserFactory.create(roles=[Role.CLERK])
    upload = SimpleUploadedFile("qd.pdf", pdfattacks.truncate(signed_twice))
    response = _client(clerk).post(
        reverse("signatures-api:validations"), {"file": upload}, format="multipart"
    )
    assert response.status_code == 201
    assert response.json()["verdict"] == "failed"


def test_report_of_another_agency_is_not_found(signed_twice):
    owner = StaffUserFactory.create(roles=[Role.CLERK])
    record = services.file_validate(actor=owner, data=signed_twice, file_name="a.pdf")
    stranger = StaffUserFactory.create(roles=[Role.CLERK])
    response = _client(stranger).get(reverse("signatures-api:validation", args=[record.pk]))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "validation_report_not_found"


def test_list_of_reports_is_bounded_in_queries(signed_twice, django_assert_max_num_queries):
    clerk = StaffUserFactory.create(roles=[Role.CLERK])
    for index in range(5):
        services.file_validate(actor=clerk, data=signed_twice, file_name=f"{index}.pdf")
    with django_assert_max_num_queries(6):
        response = _client(clerk).get(reverse("signatures-api:validations"))
    assert response.status_code == 200
    assert len(response.json()["results"]) == 5


def test_document_signer_seam_signs_person_then_agency(softhsm, validation_config):
    # given an outgoing document rendered by the documents app, as the seam hands it over
    from types import SimpleNamespace

    from congso.signatures.documents import PadesDocumentSigner
    from congso.signatures.lib import sampledoc

    pdf, _ = sampledoc.decision_pdf(signer_name="Nguyễn Văn An")
    leader = StaffUserFactory.create(roles=[Role.LEADER])
    clerk = StaffUserFactory.create(roles=[Role.CLERK], agency=leader.agency)
    PersonKeyFactory(owner=leader)
    AgencyKeyFactory(agency=leader.agency)
    document = SimpleNamespace(pk=7, signer_full_name="Nguyễn Văn An", number_notation="07/QĐ-UBND")
    signer = PadesDocumentSigner()
    # when the leader approves (person signature on the numbered PDF) and the clerk applies the
    # agency signature
    once = signer.sign_as_person(document, pdf, leader)
    twice = signer.sign_as_agency(document, once, clerk)
    # then both signatures validate
    report = validate_pdf(twice, config=validation_config)
    assert report.verdict == Verdict.VALID, report.summary
    assert [s.field_name for s in report.signatures] == ["ChuKyNguoiKy", "ChuKyCoQuan"]


@pytest.fixture
def superuser_client(client, django_user_model):
    user = django_user_model.objects.create_superuser(
        username="quantri", password="MatKhau@2020", email="qt@example.org"
    )
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", ["signingkey", "signingrecord", "validationrecord"])
def test_admin_lists_signature_tables(superuser_client, model):
    response = superuser_client.get(reverse(f"admin:signatures_{model}_changelist"))
    assert response.status_code == 200


def test_admin_registers_a_key_through_the_audited_service(superuser_client):
    from congso.organizations.tests.factories import AgencyFactory

    agency = AgencyFactory.create()
    response = superuser_client.post(
        reverse("admin:signatures_signingkey_add"),
        {
            "purpose": "organisation",
            "provider": "pkcs11",
            "agency": agency.pk,
            "module_path": "/usr/lib/softhsm/libsofthsm2.so",
            "token_label": "congso-organisation",
            "key_label": "con-dau",
            "pin_env": "ORG_PIN",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert AuditEntry.objects.filter(action=SignaturesAuditAction.KEY_REGISTERED).count() == 1
