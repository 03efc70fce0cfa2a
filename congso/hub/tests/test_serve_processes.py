"""`congso hub serve --processes 2`: children share the port, die and come back, stop together
(ADR 0026)."""

from __future__ import annotations

import json
import os
import signal
import socket
import time
from pathlib import Path

from congso.hub.keys import member_token
from congso.hub.tests import packages
from congso.hub.tests.test_serve_process import (
    RECIPIENT,
    SENDER,
    _call,
    _members,
    running_hub,
)


def _children(pid: int) -> set[int]:
    return {int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}


def _two_children(parent: int, *, gone: int = 0, seconds: float = 20.0) -> set[int]:
    """The parent's children once there are two of them and `gone` is not among them."""
    deadline = time.monotonic() + seconds
    children = _children(parent)
    while (len(children) != 2 or gone in children) and time.monotonic() < deadline:
        time.sleep(0.1)
        children = _children(parent)
    return children


def test_two_processes_serve_one_port_and_a_killed_one_comes_back(tmp_path: Path) -> None:
    # given a hub serving with two processes and two members
    with running_hub(tmp_path, "--processes", "2") as (base, env, parent):
        first = _two_children(parent.pid)
        assert len(first) == 2
        keys = _members(env, tmp_path / "keys")

        def token(code: str) -> str:
            return member_token(code=code, private_key_pem=keys[code].private_key.read_bytes())

        # when one process is killed
        killed = min(first)
        os.kill(killed, signal.SIGKILL)
        # then the parent starts another one, and the hub keeps serving every verb
        again = _two_children(parent.pid, gone=killed)
        assert len(again) == 2
        assert killed not in again
        ids = []
        for number in range(1, 7):  # new connections each: both processes take some
            body = packages.edoc(
                sender=SENDER, recipients=[RECIPIENT], number=number, keys=keys[SENDER]
            )
            status, answer = _call(base + "messages/", token=token(SENDER), data=body)
            assert status == 201, answer
            ids.append(json.loads(answer)["id"])
        status, listing = _call(base + "messages/received/", token=token(RECIPIENT))
        assert sorted(m["id"] for m in json.loads(listing)["results"]) == sorted(ids)
        # and a token used in one process is refused in every other one
        used = token(RECIPIENT)
        assert _call(base + "messages/received/", token=used)[0] == 200
        assert {_call(base + "messages/received/", token=used)[0] for _ in range(4)} == {401}
        # when the parent is asked to stop
        children = _children(parent.pid)
        parent.send_signal(signal.SIGTERM)
        assert parent.wait(timeout=20) == 0
        # then no process of the hub is left
        assert not [pid for pid in children if Path(f"/proc/{pid}").exists()]


def test_children_that_keep_dying_at_start_stop_the_hub() -> None:
    # given a configuration on which every child fails at once
    from congso.hub import serving

    def broken(_sock: socket.socket) -> None:
        raise RuntimeError("cấu hình hỏng")

    sock = serving.listening_socket("127.0.0.1", 0)
    supervisor = serving.Supervisor(sock=sock, serve=broken, processes=2)
    try:
        # when the supervisor runs
        status = supervisor.run()
    finally:
        sock.close()
    # then it gives up after MAX_QUICK_DEATHS children died in a row, with no child left
    assert status == 1
    assert supervisor.quick_deaths == serving.MAX_QUICK_DEATHS
    assert supervisor.children == {}
