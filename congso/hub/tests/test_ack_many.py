"""`POST messages/ack/` and `statuses/ack/`: many acknowledgements in one transaction."""

from __future__ import annotations

import uuid

import pytest

from congso.audit.models import AuditEntry
from congso.audit.verification import audit_chain_verify
from congso.hub.constants import DeliveryState, HubAuditAction
from congso.hub.models import Delivery
from congso.hub.tests.conftest import API, HubMember
from congso.hub.tests.test_messages import send, signed, status_sent_back

pytestmark = pytest.mark.django_db

ACK = API + "messages/ack/"
STATUS_ACK = API + "statuses/ack/"


def ack(client, member: HubMember, ids: list[str], url: str = ACK):
    return client.post(url, {"ids": ids}, content_type="application/json", **member.auth())


def acknowledged_count() -> int:
    return AuditEntry.objects.filter(action=HubAuditAction.DELIVERY_ACKNOWLEDGED).count()


@pytest.fixture
def three(client, sender, recipient) -> list[str]:
    """Three packages waiting for the recipient; returns their ids."""
    return [
        send(client, sender, signed(sender, [recipient], number=n)).json()["id"] for n in (1, 2, 3)
    ]


def test_acknowledges_the_callers_own_deliveries(client, sender, recipient, other, three) -> None:
    # given a package for another member and an id that names nothing
    others = send(client, sender, signed(sender, [other], number=9)).json()["id"]
    nothing = str(uuid.uuid4())
    # when the recipient acknowledges two of its packages and those two ids
    response = ack(client, recipient, [three[0], others, three[1], nothing])
    # then its own are acknowledged and the rest are unknown, whatever they are
    assert response.status_code == 200, response.content
    assert response.json() == {"acknowledged": [three[0], three[1]], "unknown": [others, nothing]}
    states = dict(Delivery.objects.values_list("message_id", "state"))
    assert {str(k): v for k, v in states.items()} == {
        three[0]: DeliveryState.DELIVERED,
        three[1]: DeliveryState.DELIVERED,
        three[2]: DeliveryState.PENDING,
        others: DeliveryState.PENDING,
    }
    # and one audit entry per acknowledged delivery, on an intact chain
    entries = AuditEntry.objects.filter(action=HubAuditAction.DELIVERY_ACKNOWLEDGED)
    assert sorted(entries.values_list("target_id", flat=True)) == sorted(three[:2])
    assert audit_chain_verify().is_ok


def test_acknowledging_again_changes_nothing(client, recipient, three) -> None:
    # given two packages acknowledged
    ack(client, recipient, three[:2])
    delivered_at = dict(Delivery.objects.values_list("pk", "delivered_at"))
    # when all three are acknowledged (a retry plus one new)
    response = ack(client, recipient, three)
    # then all are acknowledged, only the new one changes and is audited
    assert response.json() == {"acknowledged": three, "unknown": []}
    assert acknowledged_count() == 3
    after = dict(Delivery.objects.values_list("pk", "delivered_at"))
    assert [after[pk] == at for pk, at in delivered_at.items() if at] == [True, True]
    # and the listing is empty afterwards
    assert client.get(API + "messages/received/", **recipient.auth()).json() == {"results": []}


def test_message_ids_are_unknown_to_the_status_verb(client, recipient, three) -> None:
    response = ack(client, recipient, three[:1], url=STATUS_ACK)
    assert response.json() == {"acknowledged": [], "unknown": three[:1]}
    assert acknowledged_count() == 0


def test_statuses_are_acknowledged_in_bulk(client, sender, recipient) -> None:
    # given a status waiting for the sender of the document
    status_id, _body = status_sent_back(client, sender, recipient)
    # when the sender acknowledges it in bulk
    response = ack(client, sender, [status_id], url=STATUS_ACK)
    # then
    assert response.json() == {"acknowledged": [status_id], "unknown": []}
    assert client.get(API + "statuses/received/", **sender.auth()).json() == {"results": []}


@pytest.mark.parametrize(
    "body",
    [{"ids": []}, {"ids": ["not-a-uuid"]}, {"ids": "x"}, {}, [], {"ids": [str(uuid.uuid4())] * 0}],
)
def test_a_malformed_id_list_is_refused(client, recipient, body) -> None:
    response = client.post(ACK, body, content_type="application/json", **recipient.auth())
    assert response.status_code == 400
    assert response.json()["code"] == "hub_batch_invalid"


def test_more_ids_than_allowed_are_refused(client, recipient, settings) -> None:
    settings.HUB_BATCH_MAX_ITEMS = 2
    response = ack(client, recipient, [str(uuid.uuid4()) for _ in range(3)])
    assert response.status_code == 400
    assert response.json()["code"] == "hub_batch_invalid"


def test_bulk_acknowledgement_needs_a_member_token(client, three) -> None:
    response = client.post(ACK, {"ids": three}, content_type="application/json")
    assert response.status_code == 401


def test_bulk_acknowledgement_costs_the_same_for_twenty_packages(
    client, sender, recipient, django_assert_max_num_queries
) -> None:
    # given twenty pending packages
    ids = [
        send(client, sender, signed(sender, [recipient], number=n + 1)).json()["id"]
        for n in range(20)
    ]
    headers = recipient.auth()
    # when / then: authentication, the gate, the lock, one UPDATE, the audit chain (3)
    with django_assert_max_num_queries(12):
        response = client.post(ACK, {"ids": ids}, content_type="application/json", **headers)
    assert len(response.json()["acknowledged"]) == 20
    assert acknowledged_count() == 20
