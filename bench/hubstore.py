"""Benchmark of the hub holding years of traffic (issue 5): `congso bench hubstore --docs N`.

The article's province exchanged 3.47 million documents in a year; a hub keeps every package and
delivery it relayed. In one run, on PostgreSQL (`DATABASE_URL` names the server; the benchmark
creates and drops `{prefix}_hub`):
1. a fresh hub database, two real members (A and B, keys and XML certificates as in
   `congso bench exchange`) and an operator account; `congso hub serve` started;
2. baseline: each verb measured against the nearly empty hub, through the real HTTP API with
   the connector's own client: A sends a signed document, B lists, fetches and acknowledges it,
   B answers 01, A lists and acknowledges the status; the operator's dashboard is rendered
   (traffic per pair, delivery times, stuck items) after logging in;
3. the hub stopped; N documents of history written straight into its tables with SQL (200 more
   members; per document a package, three status replies 01/03/06 and their deliveries, spread
   over a year; 0.5 % never answered beyond 01 and 0.1 % never fetched, so the stuck list has
   work to do; the indexes that back no constraint dropped first and built after the load), then
   VACUUM ANALYZE; the hub restarted;
4. the same verbs measured again. The ratio (filled / empty) of each verb's p50 and p95 is the
   figure: the hub must not slow down as its store grows.
The last line printed is one JSON object.
"""

from __future__ import annotations

import datetime as dt
import http.cookiejar
import json
import shutil
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from congso.core.latency import latency_summary
from congso.exchange import lib
from congso.exchange.reliability.cluster import CONGSO, Cluster

FILL_MEMBERS = 200
FILL_CHUNK = 250_000  # documents per INSERT statement (progress is printed per chunk)
OPERATOR = ("vanhanh", "bench-operator-pass-1")
STATUS_OFFSETS = (("01", 60), ("03", 600), ("06", 3 * 86400))

# One chunk of history: documents [lo, hi) of `total`, between the filler members
# (ids base .. base + FILL_MEMBERS - 1). Deterministic ids (md5 of the document number), so a
# chunk can be written again without duplicates; statuses are answered by the recipient.
_DOCS = """
CREATE TEMP TABLE IF NOT EXISTS fill_docs (
    i bigint, sender bigint, recipient bigint, at timestamptz, doc_id text, edoc uuid,
    answered boolean, fetched boolean);
TRUNCATE fill_docs;
INSERT INTO fill_docs
SELECT i, %(base)s + (i * 7919) %% %(k)s,
       %(base)s + (i * 7919 + 1 + (i %% (%(k)s - 1))) %% %(k)s,
       now() - interval '2 hours' - make_interval(secs => (%(total)s - i) * 31536000.0 / %(total)s),
       format('%%s,2020/03/02,%%s/UBND-VP', %(base)s + (i * 7919) %% %(k)s, i),
       md5('edoc' || i)::uuid, i %% 200 <> 0, i %% 1000 <> 7
FROM generate_series(%(lo)s::bigint, %(hi)s::bigint - 1) AS i;
"""
_MESSAGES = """
INSERT INTO hub_message (id, kind, document_id, business, status_code, sha256, size, stored_path,
                         idempotency_key, created_at, refers_to_id, sender_id)
SELECT edoc, 'edoc', doc_id, 'new', '', md5(doc_id) || md5(doc_id || 'x'), 270000,
       'fill/' || i, md5('k' || i) || md5('kk' || i), at, NULL, sender
FROM fill_docs;
INSERT INTO hub_message (id, kind, document_id, business, status_code, sha256, size, stored_path,
                         idempotency_key, created_at, refers_to_id, sender_id)
SELECT md5(s.code || i)::uuid, 'status', doc_id, 'new', s.code,
       md5(s.code || doc_id) || md5(doc_id), 3000, 'fill/' || s.code || '/' || i,
       md5('s' || s.code || i) || md5('ss' || i),
       least(at + make_interval(secs => s.after), now() - interval '1 hour'), edoc, recipient
FROM fill_docs, (VALUES %(statuses)s) AS s(code, after)
WHERE fetched AND (answered OR s.code = '01');
"""
_DELIVERIES = """
INSERT INTO hub_delivery (state, created_at, delivered_at, attempts, last_status_code,
                          last_status_at, final_status_at, recipient_id, message_id{copied})
SELECT CASE WHEN fetched THEN 'delivered' ELSE 'pending' END, at,
       CASE WHEN fetched THEN at + interval '30 seconds' END, CASE WHEN fetched THEN 1 ELSE 0 END,
       CASE WHEN NOT fetched THEN '' WHEN answered THEN '06' ELSE '01' END,
       CASE WHEN fetched THEN at + interval '1 minute' END,
       CASE WHEN fetched AND answered THEN at + interval '10 minutes' END,
       recipient, edoc{edoc_copied}
FROM fill_docs;
INSERT INTO hub_delivery (state, created_at, delivered_at, attempts, last_status_code,
                          last_status_at, final_status_at, recipient_id, message_id{copied})
SELECT 'delivered', made, made + interval '5 seconds', 1, '', NULL, NULL, sender,
       md5(s.code || i)::uuid{status_copied}
FROM fill_docs, (VALUES {statuses}) AS s(code, after),
     LATERAL (SELECT least(at + make_interval(secs => s.after), now() - interval '1 hour'))
         AS t(made)
WHERE fetched AND (answered OR s.code = '01');
"""
# Deliveries carry their message's kind and sender since hub migration 0003 (ADR 0025); an
# older schema (to measure the code before it) gets the same rows without those columns.
_COPIED = {
    "copied": ", kind, sender_id",
    "edoc_copied": ", 'edoc', sender",
    "status_copied": ", 'status', recipient",
}


# The hub tables' indexes that back no constraint (primary keys and unique ones stay).
_SECONDARY_INDEXES = """
SELECT i.indexname, i.indexdef FROM pg_indexes AS i
WHERE i.schemaname = 'public' AND i.tablename IN ('hub_message', 'hub_delivery')
  AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c WHERE c.conname = i.indexname)
ORDER BY i.indexname
"""


def _members_sql(k: int) -> str:
    return (
        "INSERT INTO hub_member (code, name, public_key_pem, xml_certificates_pem, is_active, "  # noqa: S608
        "created_at) SELECT format('000.%s.%s.H35', lpad((m / 100)::text, 2, '0'), "
        "lpad((m % 100)::text, 2, '0')), 'Đơn vị ' || m, '', '', true, now() - interval '400 days' "
        f"FROM generate_series(0, {k - 1}) AS m"
    )


def _statements(script: str) -> list[str]:
    return [part.strip() for part in script.split(";\n") if part.strip()]


def fill(db_url: str, docs: int, *, write: Callable[[str], None] = print) -> dict[str, Any]:
    """Write `docs` documents of history into the hub database at `db_url` (see the module)."""
    import psycopg

    statuses = ", ".join(f"('{code}', {after})" for code, after in STATUS_OFFSETS)
    start = time.perf_counter()
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("SET synchronous_commit = off")
        conn.execute(_members_sql(FILL_MEMBERS))
        copies = conn.execute(
            "SELECT 1 FROM information_schema.columns "
            "WHERE table_name = 'hub_delivery' AND column_name = 'sender_id'"
        ).fetchone()
        copied = _COPIED if copies else dict.fromkeys(_COPIED, "")
        deliveries = _DELIVERIES.format(statuses=statuses, **copied)
        row = conn.execute("SELECT min(id) FROM hub_member WHERE code LIKE '%%.H35'").fetchone()
        base = int(row[0]) if row else 0
        # Secondary indexes are built once after the load (as a restore would), not row by row.
        secondary = conn.execute(_SECONDARY_INDEXES).fetchall()
        for name, _definition in secondary:
            conn.execute(f'DROP INDEX "{name}"')
        for lo in range(1, docs + 1, FILL_CHUNK):
            hi = min(docs + 1, lo + FILL_CHUNK)
            params = {"base": base, "k": FILL_MEMBERS, "total": docs, "lo": lo, "hi": hi}
            with conn.transaction():
                for statement in _statements(_DOCS + _MESSAGES % {"statuses": statuses}):
                    conn.execute(statement, params if "%(" in statement else None)
                for statement in _statements(deliveries):
                    conn.execute(statement)
            write(f"hubstore: {hi - 1:,} / {docs:,} documents written")
        for _name, definition in secondary:
            conn.execute(definition)
        write(f"hubstore: {len(secondary)} secondary indexes built")
        fill_s = time.perf_counter() - start
        conn.execute("VACUUM ANALYZE")
        counts = {
            table: int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # type: ignore[index]  # noqa: S608
            for table in ("hub_message", "hub_delivery")
        }
        size = conn.execute("SELECT pg_database_size(current_database())").fetchone()
    return {
        "fill_s": round(fill_s, 1),
        "vacuum_analyze_s": round(time.perf_counter() - start - fill_s, 1),
        "rows": counts,
        "db_mb": round(int(size[0]) / 2**20) if size else None,
    }


class Verbs:
    """The hub's verbs as the connector calls them, A → B and back, one round at a time."""

    def __init__(self, cluster: Cluster, work: Path) -> None:
        from congso.exchange.hubclient import HubClient
        from congso.exchange.services.config import Member

        self.cluster = cluster
        self.work = work
        self.a, self.b = cluster.installations["a"], cluster.installations["b"]
        url = cluster.hub_url
        self.client_a = HubClient(Member(self.a.code, self.a.key), base_url=url, retries=0)
        self.client_b = HubClient(Member(self.b.code, self.b.key), base_url=url, retries=0)
        self.signer_a = lib.XmlSigner.from_pem(self.a.key.read_bytes(), self.a.cert.read_bytes())
        self.signer_b = lib.XmlSigner.from_pem(self.b.key.read_bytes(), self.b.cert.read_bytes())
        self.pdf = work / "small.pdf"
        if not self.pdf.exists():
            from congso.signatures.lib.sampledoc import decision_pdf

            self.pdf.write_bytes(decision_pdf()[0])
        self.number = 0
        self.times: dict[str, list[float]] = {}

    def _timed(self, name: str, call: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        result = call()
        self.times.setdefault(name, []).append(time.perf_counter() - start)
        return result

    def round(self, prefix: str) -> None:
        from congso.exchange.reliability.packages import write_package

        self.number += 1
        package = write_package(
            self.work / f"{prefix}-{self.number}.edxml",
            sender=(self.a.code, self.a.agency_name),
            recipient=(self.b.code, self.b.agency_name),
            number=self.number,
            pdf=self.pdf,
            signer=self.signer_a,
        )
        sent = self._timed("send", lambda: self.client_a.send(package))
        listed = self._timed("list_received", lambda: self.client_b.list_received(100))
        item = next(i for i in listed if i.id == sent.id)
        with (self.work / "fetched").open("wb") as out:
            self._timed("fetch", lambda: self.client_b.fetch(item.id, out))
        self._timed("ack", lambda: self.client_b.ack(item.id))
        status = lib.build_status(
            lib.StatusPackage(
                from_org=lib.Organization(code=self.b.code, name=self.b.agency_name),
                to_orgs=(lib.Organization(code=self.a.code, name=self.a.agency_name),),
                response_for_document_id=sent.document_id,
                response_for_code=f"{self.number:02d}/RAW-VP",
                status_code="01",
                timestamp=dt.datetime.now(dt.UTC),
            ),
            signer=self.signer_b,
        )
        self._timed("send_status", lambda: self.client_b.send_status(status))
        statuses = self._timed("list_statuses", lambda: self.client_a.list_statuses(100))
        for st in statuses:
            self._timed("ack_status", lambda st=st: self.client_a.ack_status(st.id))
        package.unlink()

    def summary(self) -> dict[str, dict[str, float]]:
        out = {name: latency_summary(values) for name, values in self.times.items()}
        self.times = {}
        return out


def _dashboard_times(hub_url: str, rounds: int) -> dict[str, float]:
    """Log in as the operator, then render the dashboard `rounds` times."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login = f"{hub_url}/hub/dang-nhap/"
    opener.open(login, timeout=30).read()
    token = next(c.value for c in jar if c.name == "csrftoken")
    form = urllib.parse.urlencode(
        {"username": OPERATOR[0], "password": OPERATOR[1], "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(login, data=form, headers={"Referer": login})  # noqa: S310
    opener.open(request, timeout=30).read()
    times: list[float] = []
    for _ in range(rounds):
        start = time.perf_counter()
        with opener.open(f"{hub_url}/hub/", timeout=300) as response:
            page = response.read().decode()
            if response.status != 200 or "Tình hình liên thông" not in page:
                raise RuntimeError(f"dashboard: {response.status} {page[:300]}")
        times.append(time.perf_counter() - start)
    return latency_summary(times)


def _measure(verbs: Verbs, rounds: int, label: str, write: Callable[[str], None]) -> dict[str, Any]:
    for _ in range(5):  # warm-up: connections, caches
        verbs.round(label)
    verbs.summary()
    for _ in range(rounds):
        verbs.round(label)
    result: dict[str, Any] = verbs.summary()
    result["dashboard"] = _dashboard_times(verbs.cluster.hub_url, max(3, rounds // 20))
    write(f"hubstore {label}: " + json.dumps(result))
    return result


def _ratios(empty: dict[str, Any], filled: dict[str, Any]) -> dict[str, float]:
    out = {}
    for name, figures in filled.items():
        base = empty.get(name, {})
        for key in ("p50_ms", "p95_ms"):
            if base.get(key):
                out[f"{name}_{key[:3]}"] = round(figures[key] / base[key], 2)
    return out


def run(
    *,
    docs: int,
    rounds: int = 100,
    pg_url: str,
    prefix: str = "congso_bench_hubstore",
    write: Callable[[str], None] = print,
) -> dict[str, Any]:
    root = Path(tempfile.mkdtemp(prefix="congso-bench-hubstore-"))
    cluster = Cluster(root=root, pg_url=pg_url, prefix=prefix, log=write)
    try:
        _prepare(cluster)
        cluster.hub_start()
        verbs = Verbs(cluster, root)
        empty = _measure(verbs, rounds, "empty", write)
        cluster.hub_stop()
        filled_info = fill(cluster.hub_db_url, docs, write=write)
        write("hubstore: " + json.dumps(filled_info))
        cluster.hub_start()
        filled = _measure(verbs, rounds, "filled", write)
        result = {
            "docs": docs,
            "rounds": rounds,
            **filled_info,
            "empty": empty,
            "filled": filled,
            "ratio": _ratios(empty, filled),
        }
    finally:
        cluster.hub_stop()
        cluster._admin_sql(f'DROP DATABASE IF EXISTS "{prefix}_hub" WITH (FORCE)')
        shutil.rmtree(root, ignore_errors=True)
    write(json.dumps(result))
    return result


def _prepare(cluster: Cluster) -> None:
    """The hub's database, migrated; keys and members for A and B; the operator account."""
    name = f"{cluster.prefix}_hub"
    cluster._admin_sql(
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
        f'CREATE DATABASE "{name}"',
        f'ALTER DATABASE "{name}" SET synchronous_commit = off',
    )
    env = cluster.hub_env()
    cluster._run([CONGSO, "hub", "migrate"], env)
    keys = cluster.root / "keys"
    for inst in cluster.installations.values():
        cluster._run([CONGSO, "hub", "keygen", inst.code, "--out", str(keys)], env)
        cluster._run(
            [CONGSO, "hub", "member-add", inst.code, "--name", inst.agency_name,
             "--public-key", str(keys / f"{inst.code}.pub.pem"),
             "--xml-cert", str(keys / f"{inst.code}.cert.pem")],
            env,
        )  # fmt: skip
    cluster._run([CONGSO, "hub", "operator-create", OPERATOR[0], "--password", OPERATOR[1]], env)
