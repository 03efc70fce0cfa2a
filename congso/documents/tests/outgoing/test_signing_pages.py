"""The signing steps on the outgoing pages, with the metadata-marking stand-in signer: the
signer's "Đồng ý và ký số", the văn thư's "Ký số của cơ quan" then "Ban hành"."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from congso.documents.constants import OutgoingStatus, SignatureState
from congso.documents.services import outgoing as services

pytestmark = pytest.mark.django_db
BASE = "/van-ban/di/"
FAKE_SIGNER = "congso.documents.tests.outgoing.fake_signer.FakeSigner"


def browser_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def signing(settings: Any) -> None:
    settings.CONGSO_DOCUMENT_SIGNER = FAKE_SIGNER


def test_the_signer_is_told_that_approving_numbers_and_signs(
    signing: None, make_draft: Any, drafter: Any, reviewer: Any, signer: Any
) -> None:
    document = make_draft()
    services.outgoing_document_submit(actor=drafter, document=document)
    services.outgoing_step_approve(actor=reviewer, document=document)
    page = browser_for(signer).get(f"{BASE}{document.pk}/").content.decode()
    assert "Đồng ý và ký số" in page
    assert "hệ thống cấp số trong sổ văn bản đi" in page


def test_a_reviewer_before_the_signer_just_approves(
    signing: None, make_draft: Any, drafter: Any, reviewer: Any
) -> None:
    document = make_draft()
    services.outgoing_document_submit(actor=drafter, document=document)
    page = browser_for(reviewer).get(f"{BASE}{document.pk}/").content.decode()
    assert "Đồng ý và ký số" not in page
    assert ">Đồng ý<" in page


def test_the_clerk_seals_then_issues_a_signed_document(
    signing: None, approved: Any, clerk: Any
) -> None:
    # given: approved and signed by the person (numbered)
    document = approved()
    client = browser_for(clerk)
    page = client.get(f"{BASE}{document.pk}/").content.decode()
    assert "Ký số của cơ quan" in page
    assert "Cấp số và ban hành" not in page
    # when: the văn thư presses "Ký số của cơ quan"
    response = client.post(f"{BASE}{document.pk}/ban-hanh/", {"step": "seal"}, follow=True)
    # then
    text = response.content.decode()
    assert "Đã ký số của cơ quan. Văn bản sẵn sàng ban hành." in text
    assert "Văn thư ký số của cơ quan (con dấu màu đỏ)" not in text
    assert "Ban hành văn bản số 01/STTTT-CNTT" in text
    document.refresh_from_db()
    assert document.signature_state == SignatureState.FULLY_SIGNED
    # when: then "Ban hành"
    response = client.post(f"{BASE}{document.pk}/ban-hanh/", follow=True)
    assert "Đã ban hành văn bản." in response.content.decode()
    document.refresh_from_db()
    assert (document.status, document.number_notation) == (OutgoingStatus.ISSUED, "01/STTTT-CNTT")


def test_sealing_an_unsigned_document_shows_the_refusal(
    approved: Any, clerk: Any, settings: Any
) -> None:
    # given: approved while no signer was configured, then signing is switched on
    document = approved()
    settings.CONGSO_DOCUMENT_SIGNER = FAKE_SIGNER
    client = browser_for(clerk)
    assert "Ký số của cơ quan" not in client.get(f"{BASE}{document.pk}/").content.decode()
    # when: a seal request arrives anyway
    response = client.post(f"{BASE}{document.pk}/ban-hanh/", {"step": "seal"}, follow=True)
    # then: refused with the rule, nothing signed
    assert "văn thư chỉ ký số của cơ quan sau khi người có thẩm quyền đã ký" in (
        response.content.decode()
    )
    document.refresh_from_db()
    assert document.signature_state == SignatureState.NOT_SIGNED
