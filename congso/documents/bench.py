"""`congso bench documents`: bulk registration, search and list latency, gap-free numbering.

Steps (progress on stderr, one JSON object on the last stdout line):
1. the demo organisation and accounts (loaded when missing); the corpus goes to the agency of the
   demo clerk `vanthu.vp` — one agency holding every document is the worst case for the
   per-agency indexes;
2. bulk registration of `docs` synthetic documents in batches (docs/s, service time only);
3. a baseline in the same run: the same rows INSERTed with plain SQL into a scratch table, and
   plain index queries without access rules, facets or ranking; ratios are ours / baseline;
4. search p95 (diacritic-free phrases, exact số/ký hiệu, filtered queries) and list p95 (first
   page and deep keyset pages) for an agency-wide reader and one with assignments only;
5. 50 concurrent registrations (threads, each its own connection) on PostgreSQL, then a check
   that the book has no gap and no duplicate; SQLite serialises writers, so there they run one
   after another and the result says so.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from congso.core.latency import latency_summary as _summary
from congso.documents.bench_corpus import CorpusGenerator, Issuer
from congso.documents.bench_system import (
    analyze,
    concurrent_registrations,
    data_size,
    machine,
)
from congso.documents.constants import AssignmentRole
from congso.documents.models import Assignment, IncomingDocument
from congso.documents.search.cursor import cursor_encode
from congso.documents.selectors.search import SearchFilters, document_search
from congso.documents.services.bulk import BulkIncomingRow, incoming_documents_bulk_register

CLERK = "vanthu.vp"
LEADER = "lanhdao.vp"
SPECIALIST = "chuyenvien.vp"
PHRASES = (
    "cong van ve viec",
    "chuyen doi so",
    "phong chong dich",
    "to chuc hoi nghi tong ket",
    "giam ngheo ben vung",
    "cai cach hanh chinh",
    "sam ngoc linh",
    "an toan thong tin mang",
    "thu hoi dat",
    "ke hoach quy iii",
    "bao cao tinh hinh kinh te",
    "giay moi du hop",
)


class Progress:
    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.started = time.perf_counter()

    def say(self, message: str) -> None:
        elapsed = time.perf_counter() - self.started
        self.stream.write(f"[{elapsed:7.1f}s] {message}\n")
        self.stream.flush()


def _timed(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def _people() -> dict[str, Any]:
    from congso.accounts.models import User

    users = {u.username: u for u in User.objects.filter(username__in=[CLERK, LEADER, SPECIALIST])}
    if len(users) < 3:
        from congso.accounts.demo import demo_accounts_load
        from congso.organizations.demo import kontum_demo_load

        with transaction.atomic():
            kontum_demo_load()
            demo_accounts_load()
        users = {
            u.username: u for u in User.objects.filter(username__in=[CLERK, LEADER, SPECIALIST])
        }
    return users


def _generator(seed: int) -> CorpusGenerator:
    from congso.organizations.constants import AgencyKind
    from congso.organizations.models import AdministrativeUnit, Agency

    issuers = [
        Issuer(a.name, a.abbreviation, a.code_qcvn102 or "")
        for a in Agency.objects.exclude(kind=AgencyKind.INTERNAL_UNIT).order_by("pk")
    ]
    places = list(AdministrativeUnit.objects.values_list("name", flat=True)[:200])
    return CorpusGenerator(issuers=issuers, places=places, seed=seed, years=(2019, 2020))


def _register(
    clerk: Any, gen: CorpusGenerator, docs: int, batch: int, progress: Progress
) -> dict[str, Any]:
    spent = 0.0
    done = 0
    first_rows: list[BulkIncomingRow] = []
    for rows in gen.batches(docs, batch):
        if not first_rows:
            first_rows = rows
        spent += _timed(partial(incoming_documents_bulk_register, clerk=clerk, rows=rows))
        done += len(rows)
        progress.say(f"registered {done}/{docs} ({done / spent:,.0f} docs/s)")
    return {
        "seconds": round(spent, 2),
        "docs_per_s": round(done / spent, 1) if spent else 0.0,
        "sample_rows": first_rows,
    }


def _baseline_insert(rows: list[BulkIncomingRow], clerk: Any) -> float:
    """Plain SQL INSERT of the same rows (no validation, numbering, index or audit): docs/s."""
    columns = (
        "subject",
        "organ_name",
        "organ_id",
        "issued_on",
        "code_number",
        "code_notation",
        "arrived_at",
        "signer_position",
        "signer_full_name",
        "description",
        "page_amount",
    )
    values = [tuple(getattr(row, c) for c in columns) for row in rows]
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_baseline")
        cursor.execute(
            "CREATE TABLE bench_baseline (id integer PRIMARY KEY, subject varchar(500), "
            "organ_name varchar(200), organ_id varchar(13), issued_on date, code_number "
            "varchar(11), code_notation varchar(30), arrived_at timestamp, signer_position "
            "varchar(100), signer_full_name varchar(50), description varchar(500), page_amount int)"
        )
        marks = ", ".join(["%s"] * len(columns))
        numbered = [(index, *value) for index, value in enumerate(values)]
        started = time.perf_counter()
        with transaction.atomic():
            cursor.executemany(
                f"INSERT INTO bench_baseline (id, {', '.join(columns)}) VALUES (%s, {marks})",  # noqa: S608
                numbered,
            )
        spent = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_baseline")
    return len(rows) / spent if spent else 0.0


def _baseline_queries(agency_id: int, phrases: list[str]) -> dict[str, float]:
    """The same searches and list as plain index queries (no access rules, facets or ranking)."""
    vendor = connection.vendor
    if vendor == "postgresql":
        search_sql = (
            "SELECT id FROM documents_searchentry WHERE agency_id = %s AND search_vector @@ "
            "plainto_tsquery('simple', %s) ORDER BY sort_at DESC, id DESC LIMIT 21"
        )
    else:
        search_sql = (
            "SELECT id FROM documents_searchentry WHERE agency_id = %s AND id IN (SELECT rowid "
            "FROM documents_searchentry_fts WHERE documents_searchentry_fts MATCH %s) "
            "ORDER BY sort_at DESC, id DESC LIMIT 21"
        )
    list_sql = (
        "SELECT id FROM documents_searchentry WHERE agency_id = %s "
        "ORDER BY sort_at DESC, id DESC LIMIT 21"
    )
    search: list[float] = []
    listing: list[float] = []
    with connection.cursor() as cursor:

        def plain(sql: str, params: list[Any]) -> None:
            cursor.execute(sql, params)
            cursor.fetchall()

        for phrase in phrases:
            search.append(_timed(partial(plain, search_sql, [agency_id, phrase])))
            listing.append(_timed(partial(plain, list_sql, [agency_id])))
    return {"search_p95_ms": _summary(search)["p95_ms"], "list_p95_ms": _summary(listing)["p95_ms"]}


def _assign_sample(documents: list[int], leader: Any, specialist: Any) -> None:
    Assignment.objects.bulk_create(
        [
            Assignment(
                document_id=pk, role=AssignmentRole.LEAD, assignee=specialist, assigned_by=leader
            )
            for pk in documents
        ],
        batch_size=1000,
    )


def _search_mix(
    gen: CorpusGenerator, count: int, seed_types: list[int]
) -> list[tuple[str, str, SearchFilters]]:
    rnd = gen.random
    mix: list[tuple[str, str, SearchFilters]] = []
    for index in range(count):
        kind = ("phrase", "notation", "filtered")[index % 3]
        if kind == "notation" and gen.notations:
            mix.append((kind, rnd.choice(gen.notations), SearchFilters()))
        elif kind == "filtered":
            filters = rnd.choice(
                [
                    SearchFilters(year=(2020,)),
                    SearchFilters(document_type=(rnd.choice(seed_types),)),
                    SearchFilters(direction=("incoming",), year=(2019,)),
                ]
            )
            mix.append((kind, rnd.choice(PHRASES), filters))
        else:
            mix.append(("phrase", rnd.choice(PHRASES), SearchFilters()))
    return mix


def _measure_search(user: Any, mix: list[tuple[str, str, SearchFilters]]) -> dict[str, Any]:
    for _kind, query, filters in mix[:3]:  # warm-up
        document_search(user=user, query=query, filters=filters)
    by_kind: dict[str, list[float]] = {}
    for kind, query, filters in mix:
        by_kind.setdefault(kind, []).append(
            _timed(partial(document_search, user=user, query=query, filters=filters))
        )
    everything = [s for samples in by_kind.values() for s in samples]
    return {"all": _summary(everything), **{k: _summary(v) for k, v in by_kind.items()}}


def _measure_list(user: Any, pages: int) -> dict[str, Any]:
    first: list[float] = []
    deep: list[float] = []
    incoming: list[float] = []
    cursor = None
    for _ in range(pages):
        started = time.perf_counter()
        result = document_search(user=user, cursor=cursor, with_facets=False)
        (deep if cursor else first).append(time.perf_counter() - started)
        cursor = result.next_cursor
        if cursor is None:
            break
    # far into the list: a keyset cursor near the oldest documents
    from congso.documents.access import incoming_visible_to, search_entries_visible_to

    visible = search_entries_visible_to(user).order_by("sort_at", "pk")
    old = visible.values_list("sort_at", "pk")[:20]
    from congso.documents.search.query import parse_query
    from congso.documents.selectors.search import _fingerprint

    fingerprint = _fingerprint(parse_query(""), SearchFilters())
    for sort_at, pk in old:
        far = cursor_encode(fingerprint, 0, sort_at, pk)
        deep.append(_timed(partial(document_search, user=user, cursor=far, with_facets=False)))
    for _ in range(pages):  # the incoming list (as its API pages it: newest id first)
        page = incoming_visible_to(user).order_by("-pk").values_list("pk", "subject")[:21]
        incoming.append(_timed(partial(list, page)))
    return {
        "first_page": _summary(first),
        "deep_pages": _summary(deep),
        "incoming_list": _summary(incoming),
        "all": _summary(first + deep),
    }


def run(
    *, docs: int, batch: int, queries: int, concurrent: int, seed: int, progress: Progress
) -> dict[str, Any]:
    started = time.perf_counter()
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    people = _people()
    clerk, leader, specialist = people[CLERK], people[LEADER], people[SPECIALIST]
    progress.say(f"database: {connection.vendor}; agency: {clerk.agency}; {docs} documents")
    gen = _generator(seed)
    before = (
        IncomingDocument.objects.filter(agency_id=clerk.agency_id)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
        or 0
    )
    registered = _register(clerk, gen, docs, batch, progress)
    new_ids = IncomingDocument.objects.filter(agency_id=clerk.agency_id, pk__gt=before)
    sample = list(
        new_ids.order_by("pk").values_list("pk", flat=True)[:: max(1, docs // min(docs, 2000))][
            :2000
        ]
    )
    _assign_sample(sample, leader, specialist)
    progress.say(f"assigned {len(sample)} documents to {SPECIALIST}; analysing tables")
    analyze()
    baseline_rows = registered["sample_rows"]
    baseline_insert = _baseline_insert(baseline_rows, clerk)
    baseline = _baseline_queries(clerk.agency_id, list(PHRASES))
    progress.say(f"baseline: plain INSERT {baseline_insert:,.0f} rows/s")
    from congso.catalogues.models import DocumentType

    type_ids = list(DocumentType.objects.values_list("pk", flat=True))
    mix = _search_mix(gen, queries, type_ids)
    search = {
        "agency_wide": _measure_search(leader, mix),
        "assignments_only": _measure_search(specialist, mix),
    }
    progress.say("search measured")
    listing = {
        "agency_wide": _measure_list(leader, 10),
        "assignments_only": _measure_list(specialist, 10),
    }
    progress.say("list measured")
    concurrency = concurrent_registrations(clerk, concurrent, progress)
    search_p95 = max(s["all"]["p95_ms"] for s in search.values())
    list_p95 = max(s["all"]["p95_ms"] for s in listing.values())
    result = {
        "bulk_docs_per_s": registered["docs_per_s"],
        "search_p95_ms": search_p95,
        "list_p95_ms": list_p95,
        "docs": docs,
        "db": connection.vendor,
        "concurrent_gap_free": concurrency["gap_free"],
        "baseline": {"plain_insert_docs_per_s": round(baseline_insert, 1), **baseline},
        "ratios": {
            "bulk_vs_plain_insert": round(registered["docs_per_s"] / baseline_insert, 3)
            if baseline_insert
            else None,
            "search_vs_plain_query": round(search_p95 / baseline["search_p95_ms"], 1)
            if baseline["search_p95_ms"]
            else None,
            "list_vs_plain_query": round(list_p95 / baseline["list_p95_ms"], 1)
            if baseline["list_p95_ms"]
            else None,
        },
        "bulk_seconds": registered["seconds"],
        "search": search,
        "list": listing,
        "concurrency": concurrency,
        "corpus_total_in_agency": IncomingDocument.objects.filter(
            agency_id=clerk.agency_id
        ).count(),
        "data_size": data_size(),
        "machine": {**machine(), "loadavg_at_start": load_at_start},
        "elapsed_s": round(time.perf_counter() - started, 1),
        "started_at": (timezone.now() - timedelta(seconds=time.perf_counter() - started)).isoformat(
            timespec="seconds"
        ),
    }
    return result
