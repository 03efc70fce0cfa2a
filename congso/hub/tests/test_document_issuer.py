"""A member sends only its own documents: a DocumentId in the QCVN 102 form names its issuer
(`{OrganId},{yyyy/MM/dd},{số}/{ký hiệu}`, standards §4.3), and that must be the sender."""

from __future__ import annotations

import pytest

from congso.audit.models import AuditEntry
from congso.hub.constants import BusinessKind
from congso.hub.models import Delivery, Message
from congso.hub.tests import packages
from congso.hub.tests.conftest import HubMember
from congso.hub.tests.test_batch_send import send_batch
from congso.hub.tests.test_messages import send, signed, stored_files

pytestmark = pytest.mark.django_db


def _refused(response, element: str = "DocumentId") -> dict:
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "hub_document_id_mismatch"
    assert body["error"]["details"]["element"] == element
    return body


@pytest.mark.parametrize(
    "claimed",
    [
        "{code},2020/03/02,1/UBND-VP",
        " {code} ,2020/03/02,1/UBND-VP",  # read back by a platform with the spaces stripped
        "{code}, 2020/3/2 ,1/UBND-VP",
    ],
)
def test_a_document_carrying_another_issuers_document_id_is_refused(
    client, sender: HubMember, recipient: HubMember, other: HubMember, hub_urls_and_store, claimed
) -> None:
    # given a package from `other` whose DocumentId names the sender as its issuer
    document_id = claimed.format(code=sender.code)
    body = signed(other, [recipient], doc_id=document_id)
    audit_before = AuditEntry.objects.count()
    # when
    response = send(client, other, body)
    # then it is refused, naming the problem, and nothing is kept
    detail = _refused(response)["detail"]
    assert sender.code in detail
    assert other.code in detail
    assert Message.objects.count() == 0
    assert Delivery.objects.count() == 0
    assert AuditEntry.objects.count() == audit_before
    assert stored_files(hub_urls_and_store) == []


def test_a_document_id_in_another_form_is_taken_as_before(
    client, sender: HubMember, recipient: HubMember
) -> None:
    # given a DocumentId that is not in the QCVN form (it names no issuer)
    body = signed(sender, [recipient], doc_id="CV-2020-0001")
    # when
    response = send(client, sender, body)
    # then
    assert response.status_code == 201, response.content
    assert response.json()["document_id"] == "CV-2020-0001"


@pytest.mark.parametrize("business", ["revoke", "update", "replace"])
def test_a_revoke_update_or_replace_of_the_senders_own_document_is_taken(
    client, sender: HubMember, recipient: HubMember, business: str
) -> None:
    # given a document of the sender's
    original_id = send(client, sender, signed(sender, [recipient], number=1)).json()["id"]
    doc_id = packages.document_id(sender.code, 1)
    # when a later package of the sender names it
    body = signed(sender, [recipient], number=2, business=business, business_document_id=doc_id)
    response = send(client, sender, body)
    # then it is taken and linked to the original
    assert response.status_code == 201, response.content
    assert str(Message.objects.get(pk=response.json()["id"]).refers_to_id) == original_id


def test_a_revoke_carrying_the_originals_header_is_taken(
    client, sender: HubMember, recipient: HubMember
) -> None:
    # given a document, and its revoke built as the platform builds one: the original's header
    original_id = send(client, sender, signed(sender, [recipient], number=1)).json()["id"]
    doc_id = packages.document_id(sender.code, 1)
    revoke = signed(sender, [recipient], number=1, business="revoke", business_document_id=doc_id)
    # when
    response = send(client, sender, revoke)
    # then
    assert response.status_code == 201, response.content
    message = Message.objects.get(pk=response.json()["id"])
    assert (message.business, str(message.refers_to_id)) == (BusinessKind.REVOKE, original_id)


@pytest.mark.parametrize("business", ["revoke", "update", "replace"])
def test_a_revoke_update_or_replace_naming_another_issuers_document_is_refused(
    client, sender: HubMember, recipient: HubMember, other: HubMember, business: str
) -> None:
    # given a document of the sender's delivered to the recipient
    send(client, sender, signed(sender, [recipient], number=1))
    # when `other` sends a package of its own naming that document as the one it supersedes
    body = signed(
        other,
        [recipient],
        number=2,
        business=business,
        business_document_id=packages.document_id(sender.code, 1),
    )
    response = send(client, other, body)
    # then it is refused and the sender's document is untouched
    _refused(response, element="Bussiness/DocumentId")
    assert Message.objects.count() == 1
    assert Delivery.objects.get().state == "pending"


def test_a_batch_refuses_the_package_claiming_another_issuer_and_takes_the_others(
    client, sender: HubMember, recipient: HubMember, other: HubMember
) -> None:
    # given a batch of `other`: its own document, then one carrying the sender's DocumentId
    bodies = [
        signed(other, [recipient], number=1),
        signed(other, [recipient], number=2, doc_id=packages.document_id(sender.code, 2)),
    ]
    # when
    response = send_batch(client, other, bodies)
    # then
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert [r["status"] for r in results] == [201, 422]
    assert results[1]["error"]["code"] == "hub_document_id_mismatch"
    assert list(Message.objects.values_list("document_id", flat=True)) == [
        packages.document_id(other.code, 1)
    ]
