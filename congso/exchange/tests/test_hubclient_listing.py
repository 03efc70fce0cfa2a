"""Inline pages from the hub as multipart/mixed: read against the hub itself, refused when out of
shape, JSON still read from a hub that answers JSON; waiting at the hub (long polling)."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

from congso.exchange import hubclient
from congso.exchange.hubclient import HubClient, member_private_key
from congso.exchange.services.config import Member
from congso.exchange.transport import TransportError
from congso.hub.constants import MessageKind
from congso.hub.services.members import member_add
from congso.hub.storage import stored_file
from congso.hub.tests.factories import DeliveryFactory, MemberFactory, MessageFactory

CODE = "000.00.12.H34"
BOUNDARY = "b0undary"


def _public_pem(key_file: Path) -> str:
    key = member_private_key(key_file)
    return str(
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def _pending(recipient: Any, body: bytes, **fields: Any) -> str:
    """A package waiting for `recipient` in the hub, its bytes in the store."""
    digest = hashlib.sha256(body).hexdigest()
    path = f"{digest[:2]}/{digest[2:4]}/{digest}"
    target = stored_file(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(body)
    message = MessageFactory.create(sha256=digest, size=len(body), stored_path=path, **fields)
    DeliveryFactory.create(message=message, recipient=recipient)
    return str(message.id)


@pytest.fixture
def live_hub(live_server: Any, settings: Any, tmp_path: Path, exchange_keys: dict[str, Path]):
    """This test database served as the hub, with member CODE holding key `a`."""
    settings.ROOT_URLCONF = "config.hub_urls"
    settings.HUB_STORE_DIR = tmp_path / "hub-store"
    recipient = member_add(code=CODE, name="Sở thử", public_key_pem=_public_pem(exchange_keys["a"]))
    return live_server.url, recipient


@pytest.mark.django_db(transaction=True)
def test_an_inline_page_round_trips_through_the_hub_as_multipart(
    live_hub: tuple[str, Any], settings: Any, exchange_keys: dict[str, Path], monkeypatch: Any
) -> None:
    url, recipient = live_hub
    pages: list[bytes] = []
    parse = hubclient.multipart_listing_parse

    def spy(raw: bytes, boundary: bytes) -> list[tuple[dict[str, Any], bytes | None]]:
        pages.append(raw)
        return parse(raw, boundary)

    monkeypatch.setattr(hubclient, "multipart_listing_parse", spy)
    sender = MemberFactory.create()
    # given a small and a large package and a status waiting, the inline limit between them
    small, large = b"<edXML>" + bytes(range(256)) * 4 + b"</edXML>", b"<edXML>" + b"x" * 5000
    settings.HUB_INLINE_MAX_BYTES = len(small)
    small_id = _pending(recipient, small, sender=sender)
    large_id = _pending(recipient, large, sender=sender)
    status_id = _pending(
        recipient, b"<status/>", sender=sender, kind=MessageKind.STATUS, status_code="03"
    )
    client = HubClient(Member(CODE, exchange_keys["a"]), base_url=url, timeout=10, retries=0)
    # when the member lists packages and statuses inline
    received = client.list_received(limit=10, inline=True)
    statuses = client.list_statuses(limit=10, inline=True)
    # then each small one comes with its exact bytes, the large one without
    assert [(i.id, i.content) for i in received] == [(small_id, small), (large_id, None)]
    assert [(i.id, i.content, i.from_code) for i in statuses] == [
        (status_id, b"<status/>", sender.code)
    ]
    # and both pages came as multipart, the bytes not base64-encoded
    assert len(pages) == 2
    assert small in pages[0]


class ListingHub(BaseHTTPRequestHandler):
    answer: tuple[dict[str, str], bytes] = ({}, b"")
    accepts: list[str] = []

    def do_GET(self) -> None:
        self.accepts.append(self.headers["Accept"])
        headers, body = self.answer
        self.send_response(200)
        for name, value in {"Content-Length": str(len(body)), **headers}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def stub_client(exchange_keys: dict[str, Path]) -> Iterator[HubClient]:
    ListingHub.accepts = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), ListingHub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    yield HubClient(Member(CODE, exchange_keys["a"]), base_url=url, timeout=5, retries=0)
    server.shutdown()
    server.server_close()


def _multipart(results: list[dict[str, Any]], parts: list[tuple[str, bytes]]) -> bytes:
    chunks = [
        f"--{BOUNDARY}\r\nContent-Type: application/json\r\n\r\n".encode(),
        json.dumps({"results": results}).encode(),
    ]
    for cid, data in parts:
        chunks.append(
            f"\r\n--{BOUNDARY}\r\nContent-Type: application/octet-stream\r\n"
            f"Content-ID: <{cid}>\r\n\r\n".encode()
            + data
        )
    chunks.append(f"\r\n--{BOUNDARY}--\r\n".encode())
    return b"".join(chunks)


MULTIPART = {"Content-Type": f'multipart/mixed; boundary="{BOUNDARY}"'}
ITEMS = [
    {"id": "m1", "from": "X", "document_id": "D1", "size": 3, "content": "cid:m1"},
    {"id": "m2", "from": "X", "document_id": "D2", "size": 9, "content": None},
]


def test_a_multipart_page_without_content_length_is_split_on_its_boundary(
    stub_client: HubClient,
) -> None:
    # given a hub answering multipart, parts without Content-Length
    ListingHub.answer = (MULTIPART, _multipart(ITEMS, [("m1", b"abc")]))
    # when the client lists inline
    items = stub_client.list_received(limit=2, inline=True)
    # then it asked for multipart and read each item with its part
    assert ListingHub.accepts == ["multipart/mixed, application/json;q=0.5"]
    assert [(i.id, i.content) for i in items] == [("m1", b"abc"), ("m2", None)]


def test_a_hub_answering_json_is_still_read(stub_client: HubClient) -> None:
    # given an older hub that answers the inline page as JSON with base64
    items = [{**ITEMS[0], "content": base64.b64encode(b"abc").decode()}, ITEMS[1]]
    ListingHub.answer = (
        {"Content-Type": "application/json"},
        json.dumps({"results": items}).encode(),
    )
    # when / then
    listed = stub_client.list_statuses(limit=2, inline=True)
    assert [(i.id, i.content) for i in listed] == [("m1", b"abc"), ("m2", None)]


MALFORMED = {
    "missing part": _multipart(ITEMS, []),
    "part of another size": _multipart(ITEMS, [("m1", b"abcd")]),
    "part no item names": _multipart(ITEMS, [("m1", b"abc"), ("m9", b"zzz")]),
    "twice the same part": _multipart(ITEMS, [("m1", b"abc"), ("m1", b"abc")]),
    "cut body": _multipart(ITEMS, [("m1", b"abc")])[:-30],
    "no closing boundary": _multipart(ITEMS, [("m1", b"abc")]).replace(b"--\r\n", b""),
    "another boundary": _multipart(ITEMS, [("m1", b"abc")]).replace(BOUNDARY.encode(), b"zz"),
    "JSON part unreadable": _multipart(ITEMS, [("m1", b"abc")]).replace(b'"results"', b"results"),
    "content not a cid": _multipart([{**ITEMS[0], "content": "YWJj"}], [("m1", b"abc")]),
    "bad part header": _multipart(ITEMS, [("m1", b"abc")]).replace(b"Content-ID:", b"Content-ID"),
    "bad Content-Length": _multipart(ITEMS, [("m1", b"abc")]).replace(
        b"Content-ID: <m1>", b"Content-ID: <m1>\r\nContent-Length: -3"
    ),
}


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
def test_an_out_of_shape_multipart_page_is_refused_whole(
    stub_client: HubClient, body: bytes
) -> None:
    # given a hub answering a page that is not what the listing says
    ListingHub.answer = (MULTIPART, body)
    # when / then the page is refused with one stable code, no item returned
    with pytest.raises(TransportError) as refused:
        stub_client.list_received(limit=2, inline=True)
    assert refused.value.code == "hub_listing_malformed"


def test_a_page_over_the_bound_is_not_read(stub_client: HubClient, settings: Any) -> None:
    # given a client that reads pages of at most 100 bytes
    settings.EXCHANGE_HUB_PAGE_MAX_BYTES = 100
    ListingHub.answer = (MULTIPART, _multipart(ITEMS, [("m1", b"abc")]))
    # when / then
    with pytest.raises(TransportError) as refused:
        stub_client.list_received(limit=2, inline=True)
    assert refused.value.code == "hub_listing_too_large"


def test_the_private_key_is_loaded_once_per_file_version(tmp_path: Path, exchange_keys) -> None:
    # given a member key file read once
    key_file = tmp_path / "member.pem"
    key_file.write_bytes(exchange_keys["a"].read_bytes())
    first = member_private_key(key_file)
    # when it is asked for again / then it is the same loaded key
    assert member_private_key(key_file) is first
    # and a rewritten file is loaded anew
    key_file.write_bytes(exchange_keys["b"].read_bytes())
    assert member_private_key(key_file).private_numbers() != first.private_numbers()


@pytest.mark.django_db(transaction=True)
def test_the_hub_answers_a_wait_at_once_when_a_package_is_waiting(
    live_hub: tuple[str, Any], exchange_keys: dict[str, Path]
) -> None:
    url, recipient = live_hub
    client = HubClient(Member(CODE, exchange_keys["a"]), base_url=url, timeout=10, retries=0)
    # given nothing waiting, a wait of 1 s runs out: False
    assert client.wait(1) is False
    # given a package waiting, the wait says so at once
    _pending(recipient, b"<edXML/>", sender=MemberFactory.create())
    assert client.wait(20) is True


def test_an_older_hub_without_wait_is_polled_instead(stub_client: HubClient) -> None:
    # given a hub that answers 404 to wait/
    ListingHub.answer = ({}, b"")
    stub_client._call = _not_found  # type: ignore[method-assign]
    # then the client says it cannot wait, and does not ask again
    assert stub_client.wait(5) is None
    assert stub_client._no_wait


def _not_found(*args: Any, **kwargs: Any) -> Any:
    from congso.exchange.transport import TransportError

    raise TransportError("hub_http_404: Not Found", code="hub_http_404", permanent=True)
