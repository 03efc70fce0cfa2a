"""End to end: `congso hub serve` as a real process with its own SQLite database."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from congso.hub.keys import KeyFiles, member_keypair_write, member_token
from congso.hub.tests import packages

SENDER = "000.00.00.H34"
RECIPIENT = "000.00.05.H34"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _hub_env(var: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    env.update(
        CONGSO_VAR_DIR=str(var),
        HUB_DATABASE_URL=f"sqlite:///{var / 'hub.sqlite3'}",
        HUB_STORE_DIR=str(var / "store"),
        HUB_MAX_PACKAGE_MB="1",
    )
    return env


def _congso(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "congso.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@contextmanager
def running_hub(
    var: Path, *extra: str
) -> Iterator[tuple[str, dict[str, str], subprocess.Popen[bytes]]]:
    """`congso hub serve` on a free port with its own SQLite database, until the block ends."""
    env = _hub_env(var)
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "congso.cli",
            "hub",
            "serve",
            "--migrate",
            "--port",
            str(port),
            "--threads",
            "2",
            *extra,
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}/api/v1/hub/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "health/", timeout=2) as answer:  # noqa: S310
                    assert json.load(answer) == {"ok": True}
                    break
            except (urllib.error.URLError, ConnectionError):
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read().decode() if process.stdout else ""
                    pytest.fail(f"hub did not start: {output}")
                time.sleep(0.2)
        yield base, env, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()


@pytest.fixture
def hub_process(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    with running_hub(tmp_path) as (base, env, _):
        yield base, env


def _call(
    url: str, *, token: str, data: bytes | None = None, content_type: str = "application/xml"
) -> tuple[int, bytes]:
    request = urllib.request.Request(  # noqa: S310
        url,
        data=data,
        method="POST" if data is not None or url.endswith("/ack/") else "GET",
        headers={"Authorization": f"Bearer {token}", "Content-Type": content_type},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _members(env: dict[str, str], key_dir: Path) -> dict[str, KeyFiles]:
    """Register the two members through the command line; returns their keys."""
    keys = {code: member_keypair_write(code=code, out_dir=key_dir) for code in (SENDER, RECIPIENT)}
    for code, name in ((SENDER, "UBND tỉnh Kon Tum"), (RECIPIENT, "Sở Nội vụ")):
        _congso(
            "hub",
            "member-add",
            code,
            "--name",
            name,
            "--public-key",
            str(keys[code].public_key),
            env=env,
        )
    return keys


def test_a_package_crosses_a_running_hub(hub_process, tmp_path: Path) -> None:
    # given a running hub with two members registered through the command line
    base, env = hub_process
    keys = _members(env, tmp_path / "keys")
    assert RECIPIENT in _congso("hub", "member-list", env=env)

    def token(code: str) -> str:
        return member_token(code=code, private_key_pem=keys[code].private_key.read_bytes())

    # when the sender posts a signed package over HTTP
    body = packages.edoc(sender=SENDER, recipients=[RECIPIENT], keys=keys[SENDER])
    status, answer = _call(base + "messages/", token=token(SENDER), data=body)
    # then it is accepted, listed for the recipient, fetched back byte for byte and acknowledged
    assert status == 201, answer
    message_id = json.loads(answer)["id"]
    status, listing = _call(base + "messages/received/", token=token(RECIPIENT))
    assert [m["id"] for m in json.loads(listing)["results"]] == [message_id]
    status, raw = _call(f"{base}messages/{message_id}/", token=token(RECIPIENT))
    assert (status, raw) == (200, body)
    assert _call(f"{base}messages/{message_id}/ack/", token=token(RECIPIENT))[0] == 204
    # and a body over the limit (1 MB here) is refused with 413 and nothing reaches the store
    status, refused = _call(base + "messages/", token=token(SENDER), data=b"<" * (1024 * 1024 + 1))
    assert (status, json.loads(refused)["code"]) == (413, "hub_too_large")
    assert not list((tmp_path / "store" / "tmp").glob("in-*"))
    # and a replayed token is refused by the running process too
    used = token(RECIPIENT)
    assert _call(base + "messages/received/", token=used)[0] == 200
    assert _call(base + "messages/received/", token=used)[0] == 401


def _multipart(boundary: str, field: str, bodies: list[bytes]) -> bytes:
    parts = []
    for index, body in enumerate(bodies):
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
            f'filename="{index}.edxml"\r\nContent-Type: application/xml\r\n\r\n'.encode()
        )
        parts += [body, b"\r\n"]
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts)


def test_a_batch_crosses_a_running_hub(hub_process, tmp_path: Path) -> None:
    # given a running hub with two members
    base, env = hub_process
    keys = _members(env, tmp_path / "keys")

    def token(code: str) -> str:
        return member_token(code=code, private_key_pem=keys[code].private_key.read_bytes())

    bodies = [
        packages.edoc(sender=SENDER, recipients=[RECIPIENT], number=n, keys=keys[SENDER])
        for n in (1, 2)
    ]
    # when the sender posts both packages in one multipart call over HTTP
    multipart = "multipart/form-data; boundary=b0undary"
    status, answer = _call(
        base + "messages/batch/",
        token=token(SENDER),
        data=_multipart("b0undary", "package", bodies),
        content_type=multipart,
    )
    # then both are accepted, listed inline byte for byte and acknowledged in one call
    assert status == 200, answer
    results = json.loads(answer)["results"]
    assert [r["status"] for r in results] == [201, 201]
    status, listing = _call(base + "messages/received/?inline=1", token=token(RECIPIENT))
    listed = json.loads(listing)["results"]
    assert [base64.b64decode(m["content"]) for m in listed] == bodies
    ids = [r["id"] for r in results]
    status, acked = _call(
        base + "messages/ack/",
        token=token(RECIPIENT),
        data=json.dumps({"ids": ids}).encode(),
        content_type="application/json",
    )
    assert (status, json.loads(acked)) == (200, {"acknowledged": ids, "unknown": []})
    # and a batch over the limit (1 MB here) is refused before it is read
    status, refused = _call(
        base + "messages/batch/",
        token=token(SENDER),
        data=_multipart("b0undary", "package", [b"<" * (1024 * 1024)]),
        content_type=multipart,
    )
    assert (status, json.loads(refused)["code"]) == (413, "hub_too_large")
    assert not list((tmp_path / "store" / "tmp").glob("in-*"))
