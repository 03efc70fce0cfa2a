"""Run the simulator as a real separate process (tests, the demo, the end-to-end test)."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from congso.portalsim import codes


class SimulatorProcess:
    """`python -m congso.portalsim serve` in a child process; `port=0` picks a free port."""

    def __init__(self, db: Path, *, port: int = 0, extra_args: list[str] | None = None) -> None:
        self.db = db
        self.port = port
        self.extra_args = extra_args or []
        self.process: subprocess.Popen[str] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20) -> SimulatorProcess:
        command = [sys.executable, "-m", "congso.portalsim", "serve"]
        command += ["--port", str(self.port), "--db", str(self.db), *self.extra_args]
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()  # blocks until the server is bound
        if not line.startswith("portalsim listening on "):
            self.stop()
            raise RuntimeError(f"portalsim did not start: {line!r}")
        self.port = int(line.rsplit(":", 1)[1])
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.communicate()
            self.process = None

    def __enter__(self) -> SimulatorProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- small JSON client for tests ------------------------------------------------------------
    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        request = urllib.request.Request(  # noqa: S310 - local http URL
            self.url + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return dict(json.load(response))

    def get(self, path: str) -> tuple[int, Any]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=10) as response:  # noqa: S310
                raw = response.read().decode()
                status = response.status
        except urllib.error.HTTPError as error:
            raw, status = error.read().decode(), error.code
        try:
            return status, json.loads(raw)
        except json.JSONDecodeError:
            return status, raw

    def session(
        self,
        username: str = "congso",
        password: str = "congso-portal-test",  # noqa: S107 - the simulator's test credential
    ) -> str:
        answer = self.post(codes.AUTH_PATH, {"username": username, "password": password})
        return str(answer["session"])
