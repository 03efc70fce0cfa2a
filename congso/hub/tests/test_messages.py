"""Sending, fetching and acknowledging document packages through the hub API (real JWTs)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

from congso.audit.models import AuditEntry
from congso.hub import storage
from congso.hub.constants import BusinessKind, DeliveryState, HubAuditAction
from congso.hub.errors import HubTooLarge
from congso.hub.models import Delivery, Message
from congso.hub.storage import upload_receive
from congso.hub.tests import packages
from congso.hub.tests.conftest import API, HubMember

pytestmark = pytest.mark.django_db

MESSAGES = API + "messages/"


def send(client, member: HubMember, body: bytes, url: str = MESSAGES):
    return client.post(url, data=body, content_type="application/xml", **member.auth())


def signed(sender: HubMember, recipients: list[HubMember], number: int = 1, **kw) -> bytes:
    return packages.edoc(
        sender=sender.code,
        recipients=[r.code for r in recipients],
        number=number,
        keys=sender.keys,
        **kw,
    )


def status_sent_back(client, sender: HubMember, recipient: HubMember) -> tuple[str, bytes]:
    """A document of `sender` delivered to `recipient`, and the recipient's status on it taken
    by the hub: (the status id, the status package)."""
    send(client, sender, signed(sender, [recipient]))
    body = packages.status(
        reporter=recipient.code,
        keys=recipient.keys,
        original_sender=sender.code,
        doc_id=packages.document_id(sender.code, 1),
    )
    return send(client, recipient, body, url=API + "statuses/").json()["id"], body


def stored_files(store: Path) -> list[Path]:
    return [p for p in store.rglob("*") if p.is_file() and p.relative_to(store).parts[0] != "tmp"]


def test_a_package_travels_from_sender_to_recipient(
    client, sender, recipient, hub_urls_and_store
) -> None:
    # given a signed package from the sender to the recipient
    body = signed(sender, [recipient])
    # when the sender posts it
    response = send(client, sender, body)
    # then the hub accepts it for that recipient
    assert response.status_code == 201, response.content
    accepted = response.json()
    assert accepted["recipients"] == [recipient.code]
    assert accepted["document_id"] == packages.document_id(sender.code, 1)
    # and the recipient sees it, fetches the very bytes and acknowledges it
    listed = client.get(MESSAGES + "received/", **recipient.auth()).json()["results"]
    assert [(m["id"], m["from"], m["business"], m["size"]) for m in listed] == [
        (accepted["id"], sender.code, "new", len(body))
    ]
    raw = client.get(f"{MESSAGES}{accepted['id']}/", **recipient.auth())
    assert raw.status_code == 200
    assert b"".join(raw.streaming_content) == body
    assert client.post(f"{MESSAGES}{accepted['id']}/ack/", **recipient.auth()).status_code == 204
    assert client.get(MESSAGES + "received/", **recipient.auth()).json() == {"results": []}
    delivery = Delivery.objects.get(message_id=accepted["id"])
    assert (delivery.state, delivery.attempts) == (DeliveryState.DELIVERED, 1)
    # and the bytes are stored once, by their SHA-256, with one audit entry per state change
    message = Message.objects.get(pk=accepted["id"])
    assert [p.name for p in stored_files(hub_urls_and_store)] == [message.sha256]
    actions = list(
        AuditEntry.objects.filter(target_id=str(message.pk)).values_list("action", flat=True)
    )
    assert actions == [HubAuditAction.MESSAGE_ACCEPTED, HubAuditAction.DELIVERY_ACKNOWLEDGED]


def test_the_same_package_twice_is_one_message(client, sender, recipient) -> None:
    # given a package already accepted
    body = signed(sender, [recipient])
    first = send(client, sender, body)
    # when it is posted again (a retry after a lost answer)
    again = send(client, sender, body)
    # then the hub answers 200 with the first id and creates no delivery
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Delivery.objects.count() == 1


def test_a_package_from_someone_else_is_refused(client, sender, recipient, other) -> None:
    # given a package whose From is the sender, posted with another member's credentials
    body = signed(sender, [recipient])
    # when
    response = send(client, other, body)
    # then
    assert response.status_code == 403
    assert response.json()["code"] == "hub_sender_mismatch"
    assert not Message.objects.exists()


def test_an_unknown_recipient_is_refused_and_nothing_is_kept(
    client, sender, recipient, hub_urls_and_store
) -> None:
    # given a package to a registered and an unregistered organisation
    body = packages.edoc(
        sender=sender.code, recipients=[recipient.code, "000.00.99.H34"], keys=sender.keys
    )
    # when
    response = send(client, sender, body)
    # then
    assert response.status_code == 422
    assert response.json()["code"] == "hub_unknown_recipient"
    assert "000.00.99.H34" in response.json()["detail"]
    assert not Message.objects.exists()
    assert stored_files(hub_urls_and_store) == []


def test_a_secret_document_is_refused(client, sender, recipient) -> None:
    # given a package marked secret (the codec would not build one: the mark is added by hand)
    body = signed(sender, [recipient])
    body = body.replace(
        b"</edXML:OtherInfo>", b"<edXML:Secrecy>Mat</edXML:Secrecy></edXML:OtherInfo>", 1
    )
    assert b"Secrecy" in body
    # when
    response = send(client, sender, body)
    # then
    assert response.status_code == 422
    assert response.json()["code"] == "edxml_secret_refused"
    assert not Message.objects.exists()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">&lol3;</edXML>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE edXML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">&xxe;</edXML>"""


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"<edXML><unclosed>", "edxml_malformed"),
        (b"", "edxml_malformed"),
        (BILLION_LAUGHS, "edxml_forbidden_construct"),
        (EXTERNAL_ENTITY, "edxml_forbidden_construct"),
    ],
)
def test_hostile_or_broken_xml_is_refused_with_its_reason(client, sender, body, code) -> None:
    response = send(client, sender, body)
    assert response.status_code == 422
    assert response.json()["code"] == code
    assert not Message.objects.exists()


def test_an_oversized_package_is_refused_while_streaming(
    client, sender, recipient, settings
) -> None:
    # given a limit smaller than the package
    settings.HUB_MAX_PACKAGE_BYTES = 1000
    body = signed(sender, [recipient])
    assert len(body) > 1000
    # when
    response = send(client, sender, body)
    # then
    assert response.status_code == 413
    assert response.json()["code"] == "hub_too_large"


def test_a_body_without_declared_length_is_cut_at_the_limit(settings, tmp_path) -> None:
    # given a chunked body (no Content-Length) bigger than the limit
    settings.HUB_MAX_PACKAGE_BYTES = 3 * 1024 * 1024
    chunks = iter([b"x" * (1024 * 1024)] * 5)
    # when / then: refused without reading everything, and no temporary file left behind
    with pytest.raises(HubTooLarge):
        upload_receive(lambda n: next(chunks, b""), declared_length=None)
    assert list((tmp_path / "store" / "tmp").iterdir()) == []


def test_an_unsigned_package_is_refused_when_signatures_are_required(
    client, sender, recipient
) -> None:
    body = packages.edoc(sender=sender.code, recipients=[recipient.code])
    response = send(client, sender, body)
    assert response.status_code == 422
    assert response.json()["code"] == "edxml_signature_missing"


def test_a_tampered_package_fails_its_signature(client, sender, recipient) -> None:
    # given a signed package whose subject was changed after signing
    body = signed(sender, [recipient], subject="V/v kết nối liên thông văn bản")
    tampered = body.replace("kết nối".encode(), "ngắt kết".encode(), 1)
    assert tampered != body
    # when
    response = send(client, sender, tampered)
    # then
    assert response.status_code == 422
    assert response.json()["code"] == "edxml_signature_invalid"


def test_unsigned_packages_pass_when_the_hub_does_not_require_signatures(
    client, sender, recipient, settings
) -> None:
    settings.HUB_REQUIRE_XML_SIGNATURE = False
    body = packages.edoc(sender=sender.code, recipients=[recipient.code])
    assert send(client, sender, body).status_code == 201


def test_only_the_sender_and_recipients_may_fetch_a_package(
    client, sender, recipient, other
) -> None:
    message_id = send(client, sender, signed(sender, [recipient])).json()["id"]
    assert client.get(f"{MESSAGES}{message_id}/", **sender.auth()).status_code == 200
    refused = client.get(f"{MESSAGES}{message_id}/", **other.auth())
    assert refused.status_code == 404
    assert refused.json()["code"] == "hub_not_found"
    assert client.post(f"{MESSAGES}{message_id}/ack/", **other.auth()).status_code == 404


def test_acknowledging_twice_changes_nothing(client, sender, recipient) -> None:
    # given a package acknowledged once
    message_id = send(client, sender, signed(sender, [recipient])).json()["id"]
    client.post(f"{MESSAGES}{message_id}/ack/", **recipient.auth())
    delivered_at = Delivery.objects.get(message_id=message_id).delivered_at
    # when acknowledged again
    response = client.post(f"{MESSAGES}{message_id}/ack/", **recipient.auth())
    # then
    assert response.status_code == 204
    assert Delivery.objects.get(message_id=message_id).delivered_at == delivered_at
    assert AuditEntry.objects.filter(action=HubAuditAction.DELIVERY_ACKNOWLEDGED).count() == 1


def test_a_revoke_before_delivery_withdraws_the_original(client, sender, recipient) -> None:
    # given a document the recipient has not fetched yet
    original_id = send(client, sender, signed(sender, [recipient])).json()["id"]
    doc_id = packages.document_id(sender.code, 1)
    # when the sender revokes it
    revoke = signed(sender, [recipient], business="revoke", business_document_id=doc_id)
    response = send(client, sender, revoke)
    # then the revoke is delivered, linked to the original, and the original no longer is
    assert response.status_code == 201, response.content
    revoke_message = Message.objects.get(pk=response.json()["id"])
    assert revoke_message.business == BusinessKind.REVOKE
    assert str(revoke_message.refers_to_id) == original_id
    assert Delivery.objects.get(message_id=original_id).state == DeliveryState.REVOKED
    listed = client.get(MESSAGES + "received/", **recipient.auth()).json()["results"]
    assert [m["id"] for m in listed] == [str(revoke_message.pk)]
    assert client.get(f"{MESSAGES}{original_id}/", **recipient.auth()).status_code == 404


def test_a_revoke_after_delivery_travels_like_any_package(client, sender, recipient) -> None:
    # given a document already fetched and acknowledged
    original_id = send(client, sender, signed(sender, [recipient])).json()["id"]
    client.post(f"{MESSAGES}{original_id}/ack/", **recipient.auth())
    doc_id = packages.document_id(sender.code, 1)
    # when it is revoked
    revoke = signed(sender, [recipient], business="revoke", business_document_id=doc_id)
    revoke_id = send(client, sender, revoke).json()["id"]
    # then the original stays delivered and the revoke waits for the recipient
    assert Delivery.objects.get(message_id=original_id).state == DeliveryState.DELIVERED
    listed = client.get(MESSAGES + "received/", **recipient.auth()).json()["results"]
    assert [(m["id"], m["business"]) for m in listed] == [(revoke_id, "revoke")]


def test_received_list_is_oldest_first_and_limited(client, sender, recipient) -> None:
    ids = [
        send(client, sender, signed(sender, [recipient], number=n)).json()["id"] for n in (1, 2, 3)
    ]
    listed = client.get(MESSAGES + "received/?limit=2", **recipient.auth()).json()["results"]
    assert [m["id"] for m in listed] == ids[:2]


def test_received_list_costs_the_same_for_twenty_packages(
    client, sender, recipient, django_assert_max_num_queries
) -> None:
    # given twenty pending packages
    for n in range(20):
        send(client, sender, signed(sender, [recipient], number=n + 1))
    headers = recipient.auth()
    # when / then: authentication (member, token) and one query for the list
    with django_assert_max_num_queries(6):
        listed = client.get(MESSAGES + "received/", **headers).json()["results"]
    assert len(listed) == 20


def test_a_small_upload_is_also_kept_in_memory_and_a_large_one_only_on_disk(
    settings, tmp_path, monkeypatch
) -> None:
    # given a hub store and a memory bound of 1 KB per package
    settings.HUB_STORE_DIR = str(tmp_path)
    monkeypatch.setattr(storage, "MEMORY_PACKAGE_BYTES", 1024)
    small, large = b"<a>" + b"x" * 500 + b"</a>", b"<a>" + b"y" * 5000 + b"</a>"
    # when each arrives in chunks
    uploads = []
    for body in (small, large):
        chunks = iter([body[i : i + 300] for i in range(0, len(body), 300)])
        uploads.append(upload_receive(partial(_next_chunk, chunks), declared_length=None))
    # then the small one's bytes are in memory and on disk, the large one's only on disk
    assert uploads[0].data == small
    assert uploads[0].source == small
    assert uploads[0].path.read_bytes() == small
    assert uploads[1].data is None
    assert uploads[1].source == uploads[1].path
    assert uploads[1].path.read_bytes() == large


def _next_chunk(chunks: Iterator[bytes], _size: int) -> bytes:
    return next(chunks, b"")
