"""`received/?inline=1`: small packages come with their bytes, so the recipient needs no GET."""

from __future__ import annotations

import base64

import pytest

from congso.hub.api.serializers import (
    ReceivedMessageSerializer,
    ReceivedStatusSerializer,
    received_item,
)
from congso.hub.models import Delivery, Message
from congso.hub.selectors import delivery_pending_list
from congso.hub.storage import stored_file
from congso.hub.tests.conftest import API
from congso.hub.tests.factories import DeliveryFactory
from congso.hub.tests.test_messages import send, signed, status_sent_back

pytestmark = pytest.mark.django_db

RECEIVED = API + "messages/received/"
STATUSES_RECEIVED = API + "statuses/received/"


@pytest.fixture
def small_and_large(client, sender, recipient, settings) -> tuple[str, str]:
    """Two pending packages; the inline limit lies between their sizes. Returns their ids."""
    small = signed(sender, [recipient], number=1)
    large = signed(sender, [recipient], number=2, subject="V/v " + "kết nối liên thông " * 40)
    assert len(small) < len(large)
    settings.HUB_INLINE_MAX_BYTES = len(small)
    return send(client, sender, small).json()["id"], send(client, sender, large).json()["id"]


def test_an_inline_listing_carries_small_packages(client, recipient, small_and_large) -> None:
    small_id, large_id = small_and_large
    # when the recipient lists with inline=1
    listed = client.get(RECEIVED + "?inline=1", **recipient.auth()).json()["results"]
    # then the small package comes with its stored bytes, the large one with null
    assert [m["id"] for m in listed] == [small_id, large_id]
    stored = stored_file(Message.objects.get(pk=small_id).stored_path).read_bytes()
    assert base64.b64decode(listed[0]["content"]) == stored
    assert listed[1]["content"] is None
    # and the inlined one counts as fetched, the other not
    attempts = dict(Delivery.objects.values_list("message_id", "attempts"))
    assert {str(k): v for k, v in attempts.items()} == {small_id: 1, large_id: 0}


def test_a_listing_without_inline_is_unchanged(client, recipient, small_and_large) -> None:
    listed = client.get(RECEIVED, **recipient.auth()).json()["results"]
    assert all("content" not in m for m in listed)
    assert set(listed[0]) == {
        "id", "from", "document_id", "business", "size", "sha256", "created_at"
    }  # fmt: skip
    assert not Delivery.objects.filter(attempts__gt=0).exists()


def test_an_inline_listing_costs_the_same_for_twenty_packages(
    client, sender, recipient, django_assert_max_num_queries
) -> None:
    # given twenty pending packages
    for n in range(20):
        send(client, sender, signed(sender, [recipient], number=n + 1))
    headers = recipient.auth()
    # when / then: authentication (member, token), one query for the list, one UPDATE
    with django_assert_max_num_queries(6):
        listed = client.get(RECEIVED + "?inline=1&limit=50", **headers).json()["results"]
    assert len(listed) == 20
    assert all(m["content"] for m in listed)
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}


def test_status_listings_carry_size_hash_and_inline_content(client, sender, recipient) -> None:
    # given a status the recipient sent back on a document
    status_id, body = status_sent_back(client, sender, recipient)
    # when the sender lists its statuses, plain and inline
    plain = client.get(STATUSES_RECEIVED, **sender.auth()).json()["results"]
    inline = client.get(STATUSES_RECEIVED + "?inline=1", **sender.auth()).json()["results"]
    # then both carry size and SHA-256, and the inline one the bytes
    message = Message.objects.get(pk=status_id)
    assert [(s["id"], s["size"], s["sha256"]) for s in plain] == [
        (status_id, len(body), message.sha256)
    ]
    assert "content" not in plain[0]
    assert base64.b64decode(inline[0]["content"]) == body


@pytest.mark.parametrize(
    ("kind", "serializer", "extra"),
    [
        ("edoc", ReceivedMessageSerializer, {"business": "revoke"}),
        ("status", ReceivedStatusSerializer, {"status_code": "03"}),
    ],
)
def test_a_listed_item_is_what_its_serializer_describes(kind, serializer, extra) -> None:
    # given a pending delivery of a package of each kind
    fields = {f"message__{name}": value for name, value in extra.items()}
    delivery: Delivery = DeliveryFactory.create(message__kind=kind, **fields)
    row = delivery_pending_list(member=delivery.recipient, kind=kind, limit=10)[0]
    # when the listing builds its item
    item = received_item(row, kind)
    # then it is the serializer's representation, key order included
    expected = serializer(row).data
    assert list(item.items()) == list(expected.items())
    assert item["from"] == delivery.message.sender.code
