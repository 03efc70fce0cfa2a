"""`received/?inline=1` with `Accept: multipart/mixed`: the listing as JSON, the bytes as parts."""

from __future__ import annotations

import base64
import email.parser
import email.policy
import json
from email.message import EmailMessage
from typing import Any, cast

import pytest

from congso.hub.models import Delivery, Message
from congso.hub.storage import stored_file
from congso.hub.tests import test_received_inline
from congso.hub.tests.conftest import API, HubMember
from congso.hub.tests.test_messages import status_sent_back

pytestmark = pytest.mark.django_db

RECEIVED = API + "messages/received/"
STATUSES_RECEIVED = API + "statuses/received/"
MULTIPART = {"HTTP_ACCEPT": "multipart/mixed"}

small_and_large = test_received_inline.small_and_large  # the same two pending packages


def _mime(response: Any) -> EmailMessage:
    """The answer read by the standard library's MIME parser (an independent reader)."""
    assert response.status_code == 200, response.content
    body = b"".join(response.streaming_content)
    assert int(response["Content-Length"]) == len(body)
    head = f"Content-Type: {response['Content-Type']}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    assert isinstance(message, EmailMessage)
    assert message.get_content_type() == "multipart/mixed"
    return message


def _listing_and_parts(response: Any) -> tuple[list[dict[str, Any]], dict[str, bytes]]:
    listing, *parts = list(_mime(response).iter_parts())
    assert listing.get_content_type() == "application/json"
    results = json.loads(cast(bytes, listing.get_payload(decode=True)))["results"]
    contents = {}
    for part in parts:
        assert part.get_content_type() == "application/octet-stream"
        payload = cast(bytes, part.get_payload(decode=True))
        assert int(part["Content-Length"]) == len(payload)
        contents[part["Content-ID"].strip("<>")] = payload
    return results, contents


def test_a_multipart_listing_carries_small_packages_as_parts(
    client, recipient: HubMember, small_and_large: tuple[str, str]
) -> None:
    small_id, large_id = small_and_large
    # when the recipient lists inline and asks for multipart/mixed
    response = client.get(RECEIVED + "?inline=1", **MULTIPART, **recipient.auth())
    # then the JSON part lists both, naming the part of the small one
    results, contents = _listing_and_parts(response)
    assert [(m["id"], m["content"]) for m in results] == [
        (small_id, f"cid:{small_id}"),
        (large_id, None),
    ]
    # and exactly one part follows: the small package's stored bytes, not base64
    stored = stored_file(Message.objects.get(pk=small_id).stored_path).read_bytes()
    assert contents == {small_id: stored}
    # and the inlined one counts as fetched, the other not
    attempts = dict(Delivery.objects.values_list("message_id", "attempts"))
    assert {str(k): v for k, v in attempts.items()} == {small_id: 1, large_id: 0}


def test_the_multipart_and_json_listings_list_the_same_items(
    client, recipient: HubMember, small_and_large: tuple[str, str]
) -> None:
    # given the same page asked for both ways (fetch counts aside)
    as_json = client.get(RECEIVED + "?inline=1", **recipient.auth()).json()["results"]
    results, contents = _listing_and_parts(
        client.get(RECEIVED + "?inline=1", **MULTIPART, **recipient.auth())
    )
    # then the items are equal but for how `content` is carried
    assert [{k: v for k, v in m.items() if k != "content"} for m in results] == [
        {k: v for k, v in m.items() if k != "content"} for m in as_json
    ]
    decoded = {m["id"]: base64.b64decode(m["content"]) for m in as_json if m["content"]}
    assert decoded == contents


def test_json_stays_the_answer_unless_multipart_is_preferred(
    client, recipient: HubMember, small_and_large: tuple[str, str]
) -> None:
    for accept in ("*/*", "application/json", "application/json, multipart/mixed;q=0.5"):
        # when a client does not prefer multipart
        response = client.get(RECEIVED + "?inline=1", HTTP_ACCEPT=accept, **recipient.auth())
        # then it gets the JSON listing with base64 content
        assert response["Content-Type"] == "application/json", accept
        assert response.json()["results"][0]["content"]


def test_refusals_of_a_multipart_request_are_json(client, recipient: HubMember) -> None:
    # when a multipart listing is asked for without a token, or with a bad limit
    unauthenticated = client.get(RECEIVED + "?inline=1", **MULTIPART)
    bad_limit = client.get(RECEIVED + "?inline=1&limit=0", **MULTIPART, **recipient.auth())
    # then both answers are the hub's JSON errors
    assert unauthenticated.status_code == 401
    assert unauthenticated.json()["code"] == "hub_unauthenticated"
    assert bad_limit.status_code == 400
    assert bad_limit["Content-Type"] == "application/json"


def test_a_multipart_listing_without_inline_has_only_the_json_part(
    client, recipient: HubMember, small_and_large: tuple[str, str]
) -> None:
    response = client.get(RECEIVED, **MULTIPART, **recipient.auth())
    results, contents = _listing_and_parts(response)
    assert [m["content"] for m in results] == [None, None]
    assert contents == {}
    assert not Delivery.objects.filter(attempts__gt=0).exists()


def test_status_listings_come_as_multipart_too(
    client, sender: HubMember, recipient: HubMember
) -> None:
    # given a status the recipient sent back on a document
    status_id, body = status_sent_back(client, sender, recipient)
    # when the sender lists its statuses inline as multipart
    response = client.get(STATUSES_RECEIVED + "?inline=1", **MULTIPART, **sender.auth())
    # then the status package is its part
    results, contents = _listing_and_parts(response)
    assert [m["content"] for m in results] == [f"cid:{status_id}"]
    assert contents == {status_id: body}
