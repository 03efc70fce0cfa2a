"""Hash signing over HTTP: the device signs what congso prepared, congso checks and embeds it."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from congso.accounts.tests.factories import StaffUserFactory
from congso.audit.models import AuditEntry
from congso.core.identity import Role
from congso.signatures.constants import KeyProviderKind, SignaturesAuditAction
from congso.signatures.lib.engine import validate_pdf
from congso.signatures.lib.report import Verdict
from congso.signatures.models import ExternalSigningSession, SigningRecord
from congso.signatures.tests.factories import AgencyKeyFactory, PersonKeyFactory

pytestmark = pytest.mark.django_db
PREPARE = "/api/v1/signatures/external/prepare/"


@pytest.fixture(autouse=True)
def _signatures_settings(settings, test_pki, tmp_path):
    settings.CONGSO_SIGNATURES_TEST_PKI_DIR = str(test_pki.directory)
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _pem(cert) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _fingerprint(cert) -> str:
    return cert.fingerprint(hashes.SHA256()).hex()


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _prepare(client, pdf: bytes, cert, kind: str = "person"):
    return client.post(
        PREPARE,
        {
            "file": SimpleUploadedFile("qd.pdf", pdf, content_type="application/pdf"),
            "certificate": SimpleUploadedFile("cert.pem", _pem(cert)),
            "kind": kind,
            "document_ref": "outgoing:15",
        },
        format="multipart",
    )


def _device_signs(test_pki, label: str, data_b64: str) -> str:
    data = base64.b64decode(data_b64)
    value = test_pki.key(label).sign(data, padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(value).decode()


@pytest.fixture
def leader(test_pki):
    user = StaffUserFactory.create(roles=[Role.LEADER])
    PersonKeyFactory(
        owner=user,
        provider=KeyProviderKind.EXTERNAL,
        token_label="",
        key_label="",
        certificate_sha256=_fingerprint(test_pki.cert("person")),
    )
    return user


def test_a_remote_device_signs_and_the_document_validates(
    leader, test_pki, prepared_decision, validation_config
):
    # Given a leader whose registered certificate lives on a remote device
    client = _client(leader)
    # When congso prepares the document for that certificate
    prepared = _prepare(client, prepared_decision, test_pki.cert("person"))
    assert prepared.status_code == 201, prepared.content
    body = prepared.json()
    assert body["field_name"] == "ChuKyNguoiKy"
    assert len(base64.b64decode(body["digest_to_sign"])) == 32
    # And the device signs the data and sends the value back
    finished = client.post(
        f"/api/v1/signatures/external/{body['session']}/finish/",
        {"signature_value": _device_signs(test_pki, "person", body["data_to_sign"])},
        format="json",
    )
    # Then the PDF comes back with a valid, timestamped person signature, recorded and audited
    assert finished.status_code == 200, finished.content
    assert finished["Content-Type"] == "application/pdf"
    report = validate_pdf(finished.content, config=validation_config)
    assert report.verdict == Verdict.VALID, report.summary
    assert report.signatures[0].timestamp_time is not None
    assert SigningRecord.objects.filter(actor=leader, field_name="ChuKyNguoiKy").count() == 1
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert SignaturesAuditAction.EXTERNAL_PREPARED in actions
    assert SignaturesAuditAction.SIGNED_AS_PERSON in actions


def test_a_value_from_another_key_is_refused_and_nothing_is_recorded(
    leader, test_pki, prepared_decision
):
    # Given a prepared session
    client = _client(leader)
    body = _prepare(client, prepared_decision, test_pki.cert("person")).json()
    # When the value returned was made with another key
    finished = client.post(
        f"/api/v1/signatures/external/{body['session']}/finish/",
        {"signature_value": _device_signs(test_pki, "organisation", body["data_to_sign"])},
        format="json",
    )
    # Then it is refused with a stable code, and the session can still be finished correctly
    assert finished.status_code in (400, 409, 422), finished.content
    assert finished.json()["error"]["code"] == "external_signature_invalid"
    assert not SigningRecord.objects.exists()
    assert ExternalSigningSession.objects.get().finished_at is None


def test_a_certificate_not_registered_for_the_signer_is_refused(
    leader, test_pki, prepared_decision
):
    # When the device offers someone else's certificate
    response = _prepare(_client(leader), prepared_decision, test_pki.cert("organisation"))
    # Then nothing is prepared
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "external_certificate_mismatch"
    assert not ExternalSigningSession.objects.exists()


def test_garbage_instead_of_a_certificate_is_a_clear_error(leader, prepared_decision):
    response = _client(leader).post(
        PREPARE,
        {
            "file": SimpleUploadedFile("qd.pdf", prepared_decision),
            "certificate": SimpleUploadedFile("cert.pem", b"not a certificate"),
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "certificate_unreadable"


def test_a_session_is_used_once_expires_and_belongs_to_its_signer(
    leader, test_pki, prepared_decision
):
    # Given a finished session and a second, expired one
    client = _client(leader)
    first = _prepare(client, prepared_decision, test_pki.cert("person")).json()
    value = _device_signs(test_pki, "person", first["data_to_sign"])
    url = f"/api/v1/signatures/external/{first['session']}/finish/"
    assert client.post(url, {"signature_value": value}, format="json").status_code == 200
    second = _prepare(client, prepared_decision, test_pki.cert("person")).json()
    ExternalSigningSession.objects.filter(pk=second["session"]).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    # When the first is replayed, the second finished late, and another user tries the first
    replay = client.post(url, {"signature_value": value}, format="json")
    late = client.post(
        f"/api/v1/signatures/external/{second['session']}/finish/",
        {"signature_value": _device_signs(test_pki, "person", second["data_to_sign"])},
        format="json",
    )
    stranger = _client(StaffUserFactory.create()).post(
        url, {"signature_value": value}, format="json"
    )
    # Then each is refused with its own code, and only one signature was recorded
    assert replay.json()["error"]["code"] == "external_session_used"
    assert late.json()["error"]["code"] == "external_session_expired"
    assert stranger.status_code == 404
    assert SigningRecord.objects.count() == 1


def test_the_clerk_signs_for_the_agency_only_after_the_person(test_pki, prepared_decision):
    # Given a clerk whose agency key is a remote device
    clerk = StaffUserFactory.create(roles=[Role.CLERK])
    AgencyKeyFactory(
        agency=clerk.agency,
        provider=KeyProviderKind.EXTERNAL,
        token_label="",
        key_label="",
        certificate_sha256=_fingerprint(test_pki.cert("organisation")),
    )
    # When the clerk prepares a document the competent person has not signed
    response = _prepare(
        _client(clerk), prepared_decision, test_pki.cert("organisation"), kind="agency"
    )
    # Then it is refused under Nghị định 30, Điều 32
    assert response.json()["error"]["code"] == "person_signature_missing"
