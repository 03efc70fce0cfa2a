"""Two installations of the platform and a hub, as real processes, for the exchange reliability
test and `congso bench exchange`.

Each installation is its own PostgreSQL database (migrated), its own var folder (files, spool),
its own member code and keys, and its own Celery worker (`celery -A config worker -B`) reading
its own queue on the shared RabbitMQ broker (CELERY_TASK_DEFAULT_QUEUE). The hub is
`congso hub serve` with its own PostgreSQL database. Every process is started here, in its own
process group, and stopped here by its id — nothing else is touched.

`signed=True`: A's documents carry PAdES signatures. A TEST PKI is made in `{root}/pki` with
SoftHSM2 tokens holding the keys of A's leader (person) and of A's agency (organisation), A
signs through `PadesDocumentSigner` when its leader approves and its văn thư issues, and the
TEST PKI's TSA/OCSP/CRL service runs (on a free port) for as long as the cluster, so B trusts the
TEST root and checks revocation as a receiver would.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

A_CODE = "000.00.12.H34"
B_CODE = "000.00.13.H34"
PADES_SIGNER = "congso.signatures.documents.PadesDocumentSigner"
CONGSO = str(Path(sys.executable).with_name("congso"))
CELERY = str(Path(sys.executable).with_name("celery"))
DEFAULT_BROKER = "amqp://guest:guest@127.0.0.1:5672//"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def reachable(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def database_url(base: str, name: str) -> str:
    """`base` (any postgres:// URL) with its database name replaced by `name`."""
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def rss_mb(pid: int) -> float:
    """Resident memory of one process and its children (Linux /proc), in MiB."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for one in pids:
        try:
            for line in Path(f"/proc/{one}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def _tree(pid: int) -> list[int]:
    pids, queue = [], [pid]
    while queue:
        one = queue.pop()
        pids.append(one)
        try:
            queue += [int(c) for c in Path(f"/proc/{one}/task/{one}/children").read_text().split()]
        except OSError:
            continue
    return pids


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its live descendants (Linux /proc), seconds."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for one in _tree(pid):
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # utime, stime, and the children's it has reaped (cutime, cstime): stat fields 14–17
        total += sum(int(value) for value in fields[11:15])
    return total / ticks


def postgres_cpu_seconds() -> float:
    """CPU time of every PostgreSQL server process on this machine, with the backends that have
    ended (reaped by the postmaster); the benchmark's databases are the only busy ones."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name, rest = stat.split("(", 1)[1].rsplit(")", 1)
        if name.startswith("postgres"):
            total += sum(int(value) for value in rest.split()[11:15])
    return total / ticks


@dataclass
class Installation:
    name: str  # "a" | "b"
    code: str
    agency_name: str
    abbreviation: str
    db_url: str
    var: Path
    queue: str
    worker: subprocess.Popen[bytes] | None = None
    workers_started: int = 0

    @property
    def key(self) -> Path:
        return self.var.parent / "keys" / f"{self.code}.key.pem"

    @property
    def cert(self) -> Path:
        return self.var.parent / "keys" / f"{self.code}.cert.pem"


@dataclass
class Cluster:
    """`root`: a scratch folder; `pg_url`: any URL of the PostgreSQL server (its database name is
    replaced); `prefix`: database and queue names (`{prefix}_a`, `{prefix}_b`, `{prefix}_hub`)."""

    root: Path
    pg_url: str
    prefix: str = "congso_w3"
    broker: str = DEFAULT_BROKER
    poll_seconds: int = 2
    hub_require_signature: bool = True
    worker_concurrency: int = 3
    hub_processes: int = 1
    extra_env: dict[str, str] = field(default_factory=dict)
    log: Callable[[str], None] = print
    hub_port: int = 0
    hub: subprocess.Popen[bytes] | None = None
    signed: bool = False
    signatures_port: int = 0
    signatures: subprocess.Popen[bytes] | None = None
    installations: dict[str, Installation] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.hub_port = self.hub_port or free_port()
        self.signatures_port = self.signatures_port or free_port()
        for name, code, agency, abbr in (
            ("a", A_CODE, "Sở Thông tin và Truyền thông", "STTTT"),
            ("b", B_CODE, "Sở Tài chính", "STC"),
        ):
            self.installations[name] = Installation(
                name=name,
                code=code,
                agency_name=agency,
                abbreviation=abbr,
                db_url=database_url(self.pg_url, f"{self.prefix}_{name}"),
                var=self.root / name,
                queue=f"{self.prefix}_{name}",
            )

    # --- environments ---------------------------------------------------------------------------

    @property
    def hub_url(self) -> str:
        return f"http://127.0.0.1:{self.hub_port}"

    @property
    def pki_dir(self) -> Path:
        return self.root / "pki"

    @property
    def hub_db_url(self) -> str:
        return database_url(self.pg_url, f"{self.prefix}_hub")

    def _base_env(self) -> dict[str, str]:
        return {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DATABASE_URL", "CELERY_", "EXCHANGE_", "HUB_", "DJANGO_SETT"))
        }

    def hub_env(self) -> dict[str, str]:
        env = self._base_env()
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings.hub",
            CONGSO_VAR_DIR=str(self.root / "hub"),
            HUB_DATABASE_URL=self.hub_db_url,
            HUB_SERVE_THREADS="8",
            HUB_SERVE_PROCESSES=str(self.hub_processes),
            DB_CONN_MAX_AGE="300",
            HUB_REQUIRE_XML_SIGNATURE="1" if self.hub_require_signature else "0",
        )
        return env

    def env(self, name: str) -> dict[str, str]:
        inst = self.installations[name]
        env = self._base_env()
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings.local",
            # As in production: no query log (DEBUG keeps and formats every statement).
            DJANGO_DEBUG="0",
            DATABASE_URL=inst.db_url,
            CONGSO_VAR_DIR=str(inst.var),
            CONGSO_DOCUMENT_SIGNER="",
            # Kept connections, as in production (docs/settings.md): a task does not pay for a
            # new PostgreSQL backend.
            DB_CONN_MAX_AGE="300",
            CELERY_BROKER_URL=self.broker,
            CELERY_TASK_DEFAULT_QUEUE=inst.queue,
            EXCHANGE_POLL_QUEUE=f"{inst.queue}-poll",
            EXCHANGE_HUB_URL=self.hub_url,
            EXCHANGE_MEMBER_CODE=inst.code,
            EXCHANGE_MEMBER_KEY_FILE=str(inst.key),
            EXCHANGE_XML_KEY_FILE=str(inst.key),
            EXCHANGE_XML_CERT_FILE=str(inst.cert),
            EXCHANGE_POLL_SECONDS=str(self.poll_seconds),
            EXCHANGE_RETRY_BASE_SECONDS="2",
            EXCHANGE_RETRY_MAX_SECONDS="8",
            EXCHANGE_SEND_MAX_ATTEMPTS="60",
            EXCHANGE_SEND_LEASE_SECONDS="30",
            EXCHANGE_HTTP_TIMEOUT="20",
        )
        if self.signed:
            env.update(self._signing_env(name))
        env.update(self.extra_env)
        return env

    def _signing_env(self, name: str) -> dict[str, str]:
        """Both installations trust the TEST PKI (its root, its OCSP/CRL, its TSA); only A signs,
        with the keys on its SoftHSM2 tokens (the PIN read from the variable the keys name)."""
        from congso.signatures.demo import DEMO_PIN_ENV
        from congso.signatures.lib.softhsm import TEST_USER_PIN

        env = {"CONGSO_SIGNATURES_TEST_PKI_DIR": str(self.pki_dir)}
        if name == "a":
            env.update(
                {
                    "CONGSO_DOCUMENT_SIGNER": PADES_SIGNER,
                    "SOFTHSM2_CONF": str(self.pki_dir / "softhsm" / "softhsm2.conf"),
                    DEMO_PIN_ENV: TEST_USER_PIN,
                }
            )
        return env

    # --- commands --------------------------------------------------------------------------------

    def _run(self, args: list[str], env: dict[str, str], timeout: float = 600) -> str:
        done = subprocess.run(  # noqa: S603
            args, env=env, capture_output=True, timeout=timeout, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"{' '.join(args[:4])} failed ({done.returncode}): "
                f"{done.stderr.decode(errors='replace')[-3000:]}"
            )
        return done.stdout.decode()

    def harness(self, name: str, *args: str, timeout: float = 900) -> dict[str, Any]:
        out = self._run([CONGSO, "exchange-harness", *args], self.env(name), timeout=timeout)
        result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
        return result

    def harness_popen(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(  # noqa: S603
            [CONGSO, "exchange-harness", *args],
            env=self.env(name),
            stdout=subprocess.PIPE,
            stderr=(self.root / f"harness-{name}.log").open("ab"),
            start_new_session=True,
        )

    def counts(self, name: str) -> dict[str, Any]:
        peer = "b" if name == "a" else "a"
        return self.harness(
            name, "counts", "--code", self.installations[name].code,
            "--peer", self.installations[peer].code,
        )  # fmt: skip

    def progress(self, name: str, what: str) -> int:
        """One figure of `counts` read with a single SQL statement, for the waits of a run:
        `counts` starts a Django process (seconds of CPU on the machine being measured);
        this is one query. `what`: "sent" (A's outbox rows sent), "receipts" (packages taken
        at this installation), "03" / "01" (outgoing recipients showing that status)."""
        import psycopg

        params: tuple[str, ...] = ()
        if what in ("sent", "receipts"):
            statement = _PROGRESS[what]
        elif len(what) == 2 and what.isdigit():
            statement, params = _PROGRESS["status"], (what,)
        else:
            raise ValueError(f"no progress figure {what!r}")
        with psycopg.connect(self.installations[name].db_url, autocommit=True) as conn:
            row = conn.execute(statement, params).fetchone()
        return int(row[0]) if row else 0

    # --- setting up ------------------------------------------------------------------------------

    def _admin_sql(self, *statements: str) -> None:
        import psycopg

        with psycopg.connect(database_url(self.pg_url, "postgres"), autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)  # noqa: S608 (fixed statements of this module)

    def hub_sql(self, statement: str, params: tuple[Any, ...] = ()) -> int:
        import psycopg

        with psycopg.connect(self.hub_db_url, autocommit=True) as conn:
            return conn.execute(statement, params).rowcount

    def prepare(self) -> None:
        """Fresh databases, migrated in parallel; member keys; members at the hub; agencies."""
        names = [f"{self.prefix}_{n}" for n in ("a", "b", "hub")]
        for name in names:
            self._admin_sql(
                f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
                f'CREATE DATABASE "{name}"',
                # scratch databases: do not wait for the disk on every commit
                f'ALTER DATABASE "{name}" SET synchronous_commit = off',
            )
        shutil.rmtree(self.root / "keys", ignore_errors=True)
        migrations = [
            subprocess.Popen(  # noqa: S603
                [CONGSO, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
            )
            for args, env in (
                (["hub", "migrate"], self.hub_env()),
                (["migrate", "-v0"], self.env("a")),
                (["migrate", "-v0"], self.env("b")),
            )
        ]
        for process in migrations:
            _out, err = process.communicate(timeout=600)
            if process.returncode != 0:
                raise RuntimeError(f"migrate failed: {err.decode(errors='replace')[-2000:]}")
        keys = self.root / "keys"
        for inst in self.installations.values():
            shutil.rmtree(inst.var, ignore_errors=True)
            inst.var.mkdir(parents=True)
            self._run([CONGSO, "hub", "keygen", inst.code, "--out", str(keys)], self.hub_env())
            self._run(
                [CONGSO, "hub", "member-add", inst.code, "--name", inst.agency_name,
                 "--public-key", str(keys / f"{inst.code}.pub.pem"),
                 "--xml-cert", str(keys / f"{inst.code}.cert.pem")],
                self.hub_env(),
            )  # fmt: skip
            self.harness(
                inst.name, "setup", "--code", inst.code, "--name", inst.agency_name,
                "--abbreviation", inst.abbreviation,
            )  # fmt: skip
        if self.signed:
            self.pki_prepare()
            self.signatures_start()
        self.purge()

    def pki_prepare(self) -> None:
        """The TEST PKI with its services at 127.0.0.1:`signatures_port`, SoftHSM2 tokens for
        A's leader and A's agency, and their `SigningKey` rows in A's database."""
        shutil.rmtree(self.pki_dir, ignore_errors=True)
        leader = f"{self.installations['a'].abbreviation.lower()}_giamdoc"  # harness's naming
        self._run(
            [CONGSO, "signatures_test_pki", "--dir", str(self.pki_dir),
             "--port", str(self.signatures_port), "--demo-signer", leader],
            self.env("a"),
        )  # fmt: skip

    def purge(self) -> None:
        """Empty both installations' queues (left-overs of an earlier run)."""
        for name, inst in self.installations.items():
            queues = f"{inst.queue},{inst.queue}-poll"
            self._run(
                [CELERY, "-A", "config", "purge", "-f", "-Q", queues], self.env(name), timeout=60
            )

    # --- processes -------------------------------------------------------------------------------

    def hub_start(self) -> None:
        log = (self.root / "hub.log").open("ab")
        self.hub = subprocess.Popen(  # noqa: S603
            [CONGSO, "hub", "serve", "--port", str(self.hub_port)],
            env=self.hub_env(),
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{self.hub_url}/api/v1/hub/health/", timeout=2):  # noqa: S310
                    return
            except OSError:
                if self.hub.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the hub did not start") from None
                time.sleep(0.3)

    def hub_stop(self) -> None:
        if self.hub is not None:
            _stop(self.hub)
            self.hub = None

    def hub_kill_child(self) -> int | None:
        """SIGKILL one serving child of a hub run with `hub_processes` > 1 (its parent starts
        another); the child's pid, or None when the hub has no child."""
        if self.hub is None:
            return None
        children = _tree(self.hub.pid)[1:]
        if not children:
            return None
        victim = children[0]
        try:
            os.kill(victim, signal.SIGKILL)
        except ProcessLookupError:
            return None
        return victim

    def signatures_start(self) -> None:
        """The TEST PKI's TSA/OCSP/CRL service (`congso signatures_services`), until stop_all."""
        log = (self.root / "signatures-services.log").open("ab")
        self.signatures = subprocess.Popen(  # noqa: S603
            [CONGSO, "signatures_services", "--dir", str(self.pki_dir)],
            env=self.env("a"),
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while not reachable("127.0.0.1", self.signatures_port):
            if self.signatures.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the TSA/OCSP/CRL service did not start")
            time.sleep(0.3)

    def signatures_stop(self) -> None:
        if self.signatures is not None:
            _stop(self.signatures)
            self.signatures = None

    def worker_start(self, name: str) -> subprocess.Popen[bytes]:
        inst = self.installations[name]
        inst.workers_started += 1
        log = (self.root / f"worker-{name}.log").open("ab")
        inst.worker = subprocess.Popen(  # noqa: S603
            [
                CELERY, "-A", "config", "worker", "-B",
                "-Q", f"{inst.queue},{inst.queue}-poll",
                "-n", f"{inst.queue}-{inst.workers_started}@%h",
                "-s", str(inst.var / "celerybeat-schedule"),
                "--concurrency", str(self.worker_concurrency),
                "--loglevel", "WARNING",
                "--without-gossip", "--without-mingle", "--without-heartbeat",
            ],
            env=self.env(name),
            stdout=log,
            stderr=log,
            start_new_session=True,
        )  # fmt: skip
        return inst.worker

    def worker_kill(self, name: str) -> None:
        """SIGKILL the worker's whole process group (main process, pool children, beat)."""
        inst = self.installations[name]
        if inst.worker is not None:
            try:
                os.killpg(inst.worker.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            inst.worker.wait(timeout=30)
            inst.worker = None

    def worker_stop(self, name: str) -> None:
        inst = self.installations[name]
        if inst.worker is not None:
            _stop(inst.worker)
            inst.worker = None

    def stop_all(self) -> None:
        for name in self.installations:
            self.worker_stop(name)
        self.hub_stop()
        self.signatures_stop()


# The tables of one installation hold only the run's documents: no filter on the agencies.
_PROGRESS = {
    "sent": "SELECT count(*) FROM documents_outboxmessage WHERE status = 'sent'",
    "receipts": "SELECT count(*) FROM exchange_exchangereceipt",
    "status": "SELECT count(*) FROM documents_outgoingrecipient WHERE exchange_status_code = %s",
}


def _stop(process: subprocess.Popen[bytes], grace: float = 15) -> None:
    """TERM the process group we started, then KILL it if it lingers."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
    else:
        try:  # the leader is gone; its children (pool, beat) may not be
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def broker_restart(command: str | None = None) -> str:
    """Restart RabbitMQ (`rabbitmqctl stop_app && start_app` by default, or the shell command in
    CONGSO_RELIABILITY_BROKER_RESTART); returns what was done ("" when it cannot be done here)."""
    command = command or os.environ.get("CONGSO_RELIABILITY_BROKER_RESTART", "")
    if not command:
        if shutil.which("rabbitmqctl") is None:
            return ""
        command = "rabbitmqctl stop_app && sleep 3 && rabbitmqctl start_app"
    subprocess.run(command, shell=True, check=True, capture_output=True, timeout=180)  # noqa: S602
    deadline = time.monotonic() + 60
    while not reachable("127.0.0.1", 5672) and time.monotonic() < deadline:
        time.sleep(0.5)
    return command
