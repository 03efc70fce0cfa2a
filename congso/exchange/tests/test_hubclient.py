"""The HTTP transport against a stub hub: signed tokens, retries, refusals, streaming."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from congso.exchange.hubclient import HubClient
from congso.exchange.services.config import Member
from congso.exchange.transport import TransportError

CODE = "000.00.12.H34"


class StubHub(BaseHTTPRequestHandler):
    answers: list[tuple[int, bytes]] = []
    seen: list[dict[str, Any]] = []

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.seen.append({"path": self.path, "auth": self.headers["Authorization"], "body": body})
        status, payload = self.answers.pop(0) if self.answers else (200, b"{}")
        self.send_response(status)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = _handle

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def stub() -> Iterator[str]:
    StubHub.answers, StubHub.seen = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), StubHub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def client(stub: str, exchange_keys: dict[str, Path]) -> HubClient:
    return HubClient(Member(CODE, exchange_keys["a"]), base_url=stub, timeout=5, retries=2)


def test_each_request_carries_a_fresh_token_signed_by_the_member(
    client: HubClient, exchange_keys: dict[str, Path]
) -> None:
    # given a hub that lists one package
    StubHub.answers = [
        (200, json.dumps({"results": [{"id": "m1", "from": "X", "document_id": "D"}]}).encode())
    ] * 2
    # when the client lists twice
    first = client.list_received(limit=10)
    client.list_received(limit=10)
    # then the tokens verify with the member's public key, name it, and never repeat a jti
    key = load_pem_private_key(exchange_keys["a"].read_bytes(), password=None)
    claims = [
        jwt.decode(seen["auth"].removeprefix("Bearer "), key.public_key(), algorithms=["RS256"])  # type: ignore[arg-type]
        for seen in StubHub.seen
    ]
    assert [c["iss"] for c in claims] == [CODE, CODE]
    assert claims[0]["jti"] != claims[1]["jti"]
    assert all(0 < c["exp"] - c["iat"] <= 300 for c in claims)
    assert StubHub.seen[0]["path"] == "/api/v1/hub/messages/received/?limit=10"
    assert first[0].id == "m1"


def test_a_server_error_is_retried_then_succeeds(client: HubClient, tmp_path: Path) -> None:
    # given a hub that fails twice with 503, then accepts
    package = tmp_path / "p.edxml"
    package.write_bytes(b"<edXML/>")
    StubHub.answers = [(503, b"{}"), (503, b"{}"), (201, b'{"id": "m9", "document_id": "D"}')]
    # when a package is sent
    sent = client.send(package)
    # then the third try's answer is returned, the whole file sent each time
    assert sent.id == "m9"
    assert [s["body"] for s in StubHub.seen] == [b"<edXML/>"] * 3


def test_a_refusal_is_permanent_and_named(client: HubClient) -> None:
    # given a hub that refuses with its error code
    StubHub.answers = [(422, b'{"code": "hub_unknown_recipient", "detail": "not a member"}')]
    # when a package is sent
    with pytest.raises(TransportError) as refused:
        client.send(b"<edXML/>")
    # then no retry happens and the code is kept
    assert (refused.value.code, refused.value.permanent) == ("hub_unknown_recipient", True)
    assert len(StubHub.seen) == 1


def test_an_unreachable_hub_is_a_transient_error(exchange_keys: dict[str, Path]) -> None:
    # given nothing listening
    client = HubClient(Member(CODE, exchange_keys["a"]), base_url="http://127.0.0.1:9", retries=0)
    # when listing
    with pytest.raises(TransportError) as failed:
        client.list_statuses()
    # then the error is transient
    assert (failed.value.code, failed.value.permanent) == ("hub_unreachable", False)


def test_a_package_is_streamed_into_the_given_file(client: HubClient) -> None:
    # given a hub serving 1 MiB
    StubHub.answers = [(200, b"x" * (1 << 20))]
    out = io.BytesIO()
    # when it is fetched
    written = client.fetch("m1", out)
    # then every byte was written
    assert written == 1 << 20 == len(out.getvalue())
