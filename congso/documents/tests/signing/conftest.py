"""Outgoing documents signed for real: the TEST PKI, SoftHSM2 tokens and the local TSA/OCSP/CRL
service of the signatures tests (one set per process, `congso.signatures.tests.session`), the
PAdES signer plugged into the documents seam, and a Sở that sends to another Sở."""

from __future__ import annotations

import os
from collections.abc import Callable
from io import BytesIO
from typing import Any

import pytest

from congso.accounts.tests.factories import StaffUserFactory
from congso.core.identity import Role
from congso.documents.services import outgoing as services
from congso.documents.tests.factories import document_type
from congso.organizations.tests.factories import AgencyFactory, PositionFactory
from congso.signatures.lib.softhsm import TEST_USER_PIN
from congso.signatures.lib.testpki import ISSUING_CA, ROOT, TestPki
from congso.signatures.tests.factories import AgencyKeyFactory, PersonKeyFactory
from congso.signatures.tests.session import shared_softhsm, shared_test_pki

PADES_SIGNER = "congso.signatures.documents.PadesDocumentSigner"
SUBJECT = "Đề nghị báo cáo tình hình chuyển đổi số năm 2020"


@pytest.fixture(scope="session")
def test_pki() -> TestPki:
    return shared_test_pki()


@pytest.fixture(scope="session")
def softhsm(test_pki: TestPki) -> str:
    module = shared_softhsm()
    if module is None:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("SoftHSM2 is required under CI=true (apt-get install softhsm2 opensc)")
        pytest.skip("SoftHSM2 not installed (apt-get install softhsm2 opensc)")
    return module


@pytest.fixture(autouse=True)
def _signing_settings(
    settings: Any, tmp_path: Any, test_pki: TestPki, softhsm: str, monkeypatch: Any
) -> None:
    """Blobs in a temporary folder; the PAdES signer, the TEST trust roots and the token PIN."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.CONGSO_DOCUMENT_SIGNER = PADES_SIGNER
    settings.CONGSO_SIGNATURES_TEST_PKI_DIR = str(test_pki.directory)
    monkeypatch.setenv("CONGSO_TEST_PIN", TEST_USER_PIN)


@pytest.fixture
def signer(agency: Any) -> Any:
    """The Giám đốc, whose key is the person token of the TEST PKI."""
    position = PositionFactory.create(name="Giám đốc", is_leadership=True, rank=30)
    user = StaffUserFactory.create(
        agency=agency, position=position, roles=[Role.LEADER], full_name="Phan Văn Hùng"
    )
    PersonKeyFactory.create(owner=user)
    return user


@pytest.fixture
def clerk(agency: Any) -> Any:
    """The văn thư, who keeps the agency's seal token."""
    AgencyKeyFactory.create(agency=agency)
    return StaffUserFactory.create(agency=agency, roles=[Role.CLERK], full_name="Nguyễn Thị Hoa")


@pytest.fixture
def recipient_agency(province: Any) -> Any:
    return AgencyFactory.create(name="Sở Tài chính", abbreviation="STC", parent=province)


@pytest.fixture
def recipient_clerk(recipient_agency: Any) -> Any:
    return StaffUserFactory.create(
        agency=recipient_agency, roles=[Role.CLERK], full_name="Trần Thị Mai"
    )


@pytest.fixture
def make_draft(
    drafter: Any, reviewer: Any, signer: Any, recipient_agency: Any
) -> Callable[..., Any]:
    def make(**overrides: Any) -> Any:
        values: dict[str, Any] = {
            "author": drafter,
            "document_type": document_type("cong_van"),
            "subject": SUBJECT,
            "body": "Thực hiện Kế hoạch chuyển đổi số của tỉnh, Sở Thông tin và Truyền thông đề "
            "nghị Sở Tài chính báo cáo tình hình triển khai.\nTrân trọng.",
            "addressed_to": "Sở Tài chính",
            "signer": signer,
            "authority_line": "",
            "reviewers": [reviewer],
            "recipients": [services.RecipientSpec(agency=recipient_agency)],
        }
        values.update(overrides)
        return services.outgoing_draft_create(**values)

    return make


@pytest.fixture
def submitted(make_draft: Callable[..., Any], drafter: Any, reviewer: Any) -> Callable[..., Any]:
    """A draft that went through review and now waits for its signer."""

    def make(**overrides: Any) -> Any:
        document = make_draft(**overrides)
        services.outgoing_document_submit(actor=drafter, document=document)
        services.outgoing_step_approve(actor=reviewer, document=document)
        document.refresh_from_db()
        return document

    return make


def pyhanko_statuses(data: bytes, pki: TestPki) -> list[tuple[str, Any]]:
    """Each signature as pyHanko's own validator sees it, with the TEST root as trust anchor."""
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    root = load_cert_from_pemder(str(pki.cert_path(ROOT)))
    issuing = load_cert_from_pemder(str(pki.cert_path(ISSUING_CA)))
    reader = PdfFileReader(BytesIO(data))
    statuses = []
    for embedded in reader.embedded_signatures:
        context = ValidationContext(trust_roots=[root], other_certs=[issuing], allow_fetching=True)
        statuses.append((embedded.field_name, validate_pdf_signature(embedded, context)))
    return statuses
