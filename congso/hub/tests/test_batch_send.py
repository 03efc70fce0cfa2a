"""Sending many packages (or statuses) in one multipart call: each is taken as if sent alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from congso.hub.models import Delivery, Message
from congso.hub.tests import packages
from congso.hub.tests.conftest import API, HubMember
from congso.hub.tests.test_messages import send, signed

pytestmark = pytest.mark.django_db

BATCH = API + "messages/batch/"
STATUS_BATCH = API + "statuses/batch/"


def parts(*bodies: bytes) -> list[SimpleUploadedFile]:
    return [
        SimpleUploadedFile(f"{i}.edxml", body, content_type="application/xml")
        for i, body in enumerate(bodies)
    ]


def send_batch(client, member: HubMember, bodies: list[bytes], url=BATCH, field="package"):
    return client.post(url, {field: parts(*bodies)}, **member.auth())


def secret(sender: HubMember, recipients: list[HubMember], number: int) -> bytes:
    body = signed(sender, recipients, number=number)
    return body.replace(
        b"</edXML:OtherInfo>", b"<edXML:Secrecy>Mat</edXML:Secrecy></edXML:OtherInfo>", 1
    )


def tmp_files(store: Path) -> list[Path]:
    tmp = store / "tmp"
    return list(tmp.iterdir()) if tmp.exists() else []


@pytest.fixture
def mixed(sender, recipient, other) -> list[bytes]:
    """Two good packages, one whose From is another member, one secret document."""
    return [
        signed(sender, [recipient], number=1),
        signed(sender, [recipient, other], number=2),
        signed(other, [recipient], number=3),
        secret(sender, [recipient], number=4),
    ]


def test_each_package_of_a_batch_gets_its_own_answer(
    client, sender, recipient, mixed, hub_urls_and_store
) -> None:
    # when the sender posts the four packages in one call
    response = send_batch(client, sender, mixed)
    # then each item says what the single endpoint would have said, in order
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert [(r["index"], r["status"]) for r in results] == [(0, 201), (1, 201), (2, 403), (3, 422)]
    assert results[0]["document_id"] == packages.document_id(sender.code, 1)
    assert results[1]["recipients"] == sorted([recipient.code, "000.00.07.H34"])
    assert results[2]["error"]["code"] == "hub_sender_mismatch"
    assert results[3]["error"]["code"] == "edxml_secret_refused"
    assert {"message", "details"} <= set(results[3]["error"])
    assert "id" not in results[2]
    # and only the two good packages are stored and delivered; no temporary file is left
    assert sorted(str(m.pk) for m in Message.objects.all()) == sorted(
        [results[0]["id"], results[1]["id"]]
    )
    assert Delivery.objects.count() == 3
    assert tmp_files(hub_urls_and_store) == []


def test_a_repeated_batch_answers_with_the_first_ids(client, sender, recipient, mixed) -> None:
    # given a batch already sent
    first = send_batch(client, sender, mixed).json()["results"]
    # when the same batch is sent again (a retry after a lost answer)
    again = send_batch(client, sender, mixed).json()["results"]
    # then the good packages answer 200 with their first ids, and nothing new is stored
    assert [r["status"] for r in again] == [200, 200, 403, 422]
    assert [r.get("id") for r in again] == [r.get("id") for r in first]
    assert Message.objects.count() == 2
    assert Delivery.objects.count() == 3


def test_a_batch_package_is_checked_like_a_single_one(client, sender, recipient) -> None:
    # given a package that the single endpoint accepts, and one it refuses for its signature
    good = signed(sender, [recipient], number=1)
    unsigned = packages.edoc(sender=sender.code, recipients=[recipient.code], number=2)
    # when both go in one batch
    results = send_batch(client, sender, [unsigned, good]).json()["results"]
    # then the refusal carries the same code as alone, and the single endpoint sees a repeat
    assert [(r["status"], r.get("error", {}).get("code")) for r in results] == [
        (422, "edxml_signature_missing"),
        (201, None),
    ]
    assert send(client, sender, good).json()["id"] == results[1]["id"]


def test_more_parts_than_allowed_is_refused_whole(
    client, sender, recipient, settings, hub_urls_and_store
) -> None:
    # given a limit of two packages per batch
    settings.HUB_BATCH_MAX_ITEMS = 2
    bodies = [signed(sender, [recipient], number=n) for n in (1, 2, 3)]
    # when three are sent
    response = send_batch(client, sender, bodies)
    # then nothing is taken and nothing is left on disk
    assert response.status_code == 400
    assert response.json()["code"] == "hub_batch_invalid"
    assert not Message.objects.exists()
    assert tmp_files(hub_urls_and_store) == []


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ({}, None),  # no part at all
        ({"other": parts(b"<edXML/>")}, None),  # a part under another name
        ({"package": "<edXML/>"}, None),  # a form field, not a file part
        (b"<edXML/>", "application/xml"),  # not multipart
    ],
)
def test_a_malformed_batch_is_refused(client, sender, data, content_type) -> None:
    extra = {"content_type": content_type} if content_type else {}
    response = client.post(BATCH, data, **extra, **sender.auth())
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "hub_batch_invalid"


def test_a_batch_over_the_package_limit_is_refused(client, sender, recipient, settings) -> None:
    # given a body larger than HUB_MAX_PACKAGE_BYTES as a whole, though each part is smaller
    body = signed(sender, [recipient])
    settings.HUB_MAX_PACKAGE_BYTES = len(body) + 100
    # when
    response = send_batch(client, sender, [body, body])
    # then
    assert response.status_code == 413
    assert response.json()["code"] == "hub_too_large"


def test_a_batch_needs_a_member_token(client, sender, recipient) -> None:
    response = client.post(BATCH, {"package": parts(signed(sender, [recipient]))})
    assert response.status_code == 401
    assert response.json()["code"] == "hub_unauthenticated"
    assert not Message.objects.exists()


def test_a_batch_of_statuses_answers_each(client, sender, recipient) -> None:
    # given a document the recipient received
    send(client, sender, signed(sender, [recipient]))
    doc_id = packages.document_id(sender.code, 1)
    known = packages.status(
        reporter=recipient.code, keys=recipient.keys, original_sender=sender.code, doc_id=doc_id
    )
    unknown = packages.status(
        reporter=recipient.code,
        keys=recipient.keys,
        original_sender=sender.code,
        doc_id=packages.document_id(sender.code, 999),
    )
    # when the recipient reports on it and on a document it never received, in one call
    response = send_batch(client, recipient, [known, unknown], url=STATUS_BATCH, field="status")
    # then
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert [(r["index"], r["status"]) for r in results] == [(0, 201), (1, 422)]
    assert results[1]["error"]["code"] == "hub_unknown_document"
    assert Message.objects.get(kind="status").pk.hex == results[0]["id"].replace("-", "")
    # and the same status again is a repeat with the same id
    again = send_batch(client, recipient, [known], url=STATUS_BATCH, field="status").json()
    assert again["results"] == [{"index": 0, "status": 200, "id": results[0]["id"]}]


def test_the_same_package_twice_in_one_batch_is_stored_once(client, sender, recipient) -> None:
    # given one package posted twice in the same call (a sender retrying inside its batch)
    body = signed(sender, [recipient], number=7)
    # when the batch is taken
    results = send_batch(client, sender, [body, body]).json()["results"]
    # then the first is created, the second answers with the same message, one delivery
    assert [r["status"] for r in results] == [201, 200]
    assert results[0]["id"] == results[1]["id"]
    assert Message.objects.count() == 1
    assert Delivery.objects.count() == 1
