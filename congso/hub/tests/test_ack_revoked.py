"""A delivery revoked before its recipient fetched it is gone for that recipient: acknowledging
it answers as for a package the recipient never had."""

from __future__ import annotations

import pytest

from congso.audit.models import AuditEntry
from congso.hub.constants import DeliveryState, HubAuditAction
from congso.hub.models import Delivery
from congso.hub.tests import packages
from congso.hub.tests.conftest import API, HubMember
from congso.hub.tests.test_ack_many import ack
from congso.hub.tests.test_messages import send, signed

pytestmark = pytest.mark.django_db


@pytest.fixture
def revoked(client, sender: HubMember, recipient: HubMember) -> str:
    """A document revoked before the recipient fetched it; returns its id."""
    original_id = send(client, sender, signed(sender, [recipient])).json()["id"]
    doc_id = packages.document_id(sender.code, 1)
    revoke = signed(sender, [recipient], business="revoke", business_document_id=doc_id)
    assert send(client, sender, revoke).status_code == 201
    assert Delivery.objects.get(message_id=original_id).state == DeliveryState.REVOKED
    return original_id


def test_acknowledging_a_revoked_delivery_is_not_found(client, recipient, revoked) -> None:
    # when
    response = client.post(f"{API}messages/{revoked}/ack/", **recipient.auth())
    # then it answers as GET does, and the delivery stays revoked
    assert response.status_code == 404, response.content
    assert response.json()["code"] == "hub_not_found"
    assert client.get(f"{API}messages/{revoked}/", **recipient.auth()).status_code == 404
    assert Delivery.objects.get(message_id=revoked).state == DeliveryState.REVOKED
    assert not AuditEntry.objects.filter(action=HubAuditAction.DELIVERY_ACKNOWLEDGED).exists()


def test_a_revoked_delivery_in_an_acknowledgement_list_is_unknown(
    client, recipient, revoked
) -> None:
    # when
    response = ack(client, recipient, [revoked])
    # then
    assert response.status_code == 200, response.content
    assert response.json() == {"acknowledged": [], "unknown": [revoked]}
    assert Delivery.objects.get(message_id=revoked).state == DeliveryState.REVOKED
    assert not AuditEntry.objects.filter(action=HubAuditAction.DELIVERY_ACKNOWLEDGED).exists()
