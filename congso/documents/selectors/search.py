"""Document search: full text over every metadata field and the files' text layer, with facets.

Contract of `document_search`:
- Only documents the user may read take part, in hits and in facet counts alike (the rows come
  from `access.search_entries_visible_to`, and the agency and secrecy of every hit are checked
  again on the document itself before it is returned).
- Vietnamese diacritics and case do not matter ("cong van ve viec" finds "Công văn về việc").
- Order: an exact số/ký hiệu match first ("12/UBND-VX"), then documents whose trích yếu, số/ký
  hiệu, loại, cơ quan ban hành or người ký contain every word, then those that contain them
  anywhere else (other fields, file text); newest first inside each group.
- Pages are cut by a cursor (keyset on group, date, id), never by OFFSET; no exact COUNT is
  taken: totals and facet counts stop at FACET_CAP and say so ("1000+"); on PostgreSQL a
  common query's facets may come from the newest documents only, and say so the same way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import DateTimeField, ExpressionWrapper, F, Q, QuerySet, Value
from django.utils import timezone

from congso.catalogues.models import DocumentType
from congso.documents.access import search_entries_visible_to, search_visibility_is_narrow
from congso.documents.constants import Direction, IncomingStatus, OutgoingStatus
from congso.documents.models import (
    IncomingDocument,
    OutgoingDocument,
    SearchEntry,
    SecretAccessGrant,
)
from congso.documents.search.cursor import cursor_decode, cursor_encode, cursor_fingerprint
from congso.documents.search.engines import engine
from congso.documents.search.highlight import Segment, highlight
from congso.documents.search.query import ParsedQuery, parse_query

FACET_CAP = 1000
FACET_VALUES_SHOWN = 20
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
FACET_FIELDS = {
    "direction": "direction",
    "document_type": "document_type_id",
    "issuer": "issuer_name",
    "year": "year",
    "status": "status",
}
MATCH_KINDS = ("notation", "head", "text")
# How many of the newest visible documents a search on PostgreSQL tests word by word before it
# asks the full-text index for every match (see `_matching_rows`).
WALK_BUDGET = 10_000
# Facets with an (agency, value, date) index (models.SearchEntry.Meta): a single selected
# value of one of these narrows the newest-first walk itself.
WALK_INDEXED = ("document_type_id", "status")
# Facets of a common query may come from the newest WALK_BUDGET documents alone when they hold
# at least this many matches (the counts then read "n+"); rarer queries are counted exactly. A
# walk only samples when more candidates follow (`PostgresEngine.newest_matching`), and 25 of
# the newest 5,000 (0.5 %) means thousands of matches in such a corpus, far beyond FACET_CAP.
FACET_SAMPLE_MIN = 25
# Facet counts need a sample, not a page: their walks read a half of WALK_BUDGET rows.
FACET_WALK_SHARE = 2
# A query whose rarest word (or selected facet value) the word statistics put in at most this
# many rows goes to the full-text index at once: fetching and sorting that few rows is cheaper
# than walking WALK_BUDGET of them (a số/ký hiệu, a phrase in a rare or empty type).
RARE_MATCHES = 2_000


@dataclass(frozen=True)
class SearchFilters:
    """Facet selections: within a facet any value may match, across facets all must."""

    direction: tuple[str, ...] = ()
    document_type: tuple[int, ...] = ()
    issuer: tuple[str, ...] = ()
    year: tuple[int, ...] = ()
    status: tuple[str, ...] = ()

    def values_of(self, facet: str) -> tuple[Any, ...]:
        return tuple(getattr(self, facet))

    def period(self, *, without: str | None = None) -> Q:
        """The dates the selected years span (local time): `year` is the local year of
        `sort_at`, so this never drops a row of those years, and it lets a newest-first walk
        start inside them instead of reading through every later document."""
        years = self.values_of("year") if without != "year" else ()
        if not years:
            return Q()
        zone = timezone.get_current_timezone()
        start = datetime(min(years), 1, 1, tzinfo=zone)
        end = datetime(max(years) + 1, 1, 1, tzinfo=zone)
        return Q(sort_at__gte=start, sort_at__lt=end)

    def q(self, *, without: str | None = None) -> Q:
        condition = self.period(without=without)
        for facet, column in FACET_FIELDS.items():
            values = self.values_of(facet)
            if values and facet != without:
                condition &= Q(**{f"{column}__in": values})
        return condition


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class SearchHit:
    direction: str
    document_id: int
    number_notation: str
    subject: str
    subject_segments: list[Segment]
    issuer_name: str
    document_type_id: int
    document_type_name: str
    status: str
    status_label: str
    year: int
    issued_on: date | None
    sort_at: datetime
    match: str  # "notation", "head", "text" or "all" (no query: a plain list)


@dataclass(frozen=True)
class SearchResult:
    hits: list[SearchHit]
    facets: dict[str, list[FacetValue]]
    total: int  # exact below FACET_CAP, else FACET_CAP with total_capped
    total_capped: bool
    next_cursor: str | None
    query: ParsedQuery = field(default_factory=ParsedQuery)

    @property
    def total_label(self) -> str:
        return f"{self.total}+" if self.total_capped else str(self.total)


STATUS_LABELS: dict[str, str] = {
    **{value: str(label) for value, label in OutgoingStatus.choices},
    **{value: str(label) for value, label in IncomingStatus.choices},
}


def _fingerprint(query: ParsedQuery, filters: SearchFilters) -> str:
    return cursor_fingerprint(query.raw, [list(filters.values_of(f)) for f in FACET_FIELDS])


# --- matching -------------------------------------------------------------------------------


def _tiers(
    query: ParsedQuery, facets: Mapping[str, Sequence[Any]] | None = None
) -> list[tuple[str, Q]]:
    """The result groups in rank order, each excluding the ones before it. `facets` (column →
    selected values) lets the full-text index intersect the facet selections as well (PostgreSQL;
    the caller still filters the columns, which is what counts on the other databases)."""
    if query.is_empty:
        return [("all", Q())]
    index = engine()
    tiers: list[tuple[str, Q]] = []
    not_notation = Q()
    if query.notation:
        exact = Q(notation_key=query.notation)
        tiers.append(("notation", exact))
        not_notation = ~exact
    if query.terms or query.phrases:
        head = index.match(query, head_only=True)
        anywhere = index.match(query, head_only=False, facets=facets)
        if facets:
            tiers.append(("head", index.match(query, head_only=True, facets=facets) & not_notation))
        else:
            tiers.append(("head", head & not_notation))
        tiers.append(("text", anywhere & ~head & not_notation))
    return tiers


def _any_tier(query: ParsedQuery, facets: Mapping[str, Sequence[Any]] | None = None) -> Q:
    """Every hit of any group (for totals and facets): exact số/ký hiệu or all words anywhere."""
    if query.is_empty:
        return Q()
    parts: list[Q] = []
    if query.notation:
        parts.append(Q(notation_key=query.notation))
    if query.terms or query.phrases:
        parts.append(engine().match(query, head_only=False, facets=facets))
    combined = parts[0]
    for part in parts[1:]:
        combined |= part
    return combined


# --- facets ---------------------------------------------------------------------------------


def _count(rows: Sequence[tuple[Any, ...]], position: int) -> Counter[Any]:
    return Counter(row[position] for row in rows)


@dataclass(frozen=True)
class _Pool:
    """Every match of a query among the few documents a narrow reader sees (PostgreSQL), read in
    one statement; the groups and facets of a page are cut from it here, exactly."""

    rows: list[tuple[Any, ...]]  # (id, sort_at, group, *FACET_FIELDS columns), newest first

    def select(
        self,
        kind: str,
        columns: list[str],
        limit: int,
        narrowing: SearchFilters,
        without: str | None,
        after: tuple[datetime, int] | None,
    ) -> list[tuple[Any, ...]]:
        positions = {column: 3 + index for index, column in enumerate(FACET_FIELDS.values())}
        wanted = {
            positions[FACET_FIELDS[facet]]: {str(value) for value in narrowing.values_of(facet)}
            for facet in FACET_FIELDS
            if facet != without and narrowing.values_of(facet)
        }
        found: list[tuple[Any, ...]] = []
        for row in self.rows:
            if kind != "any" and row[2] != kind:
                continue
            if after is not None and (row[1], row[0]) >= after:
                continue
            if any(str(row[position]) not in values for position, values in wanted.items()):
                continue
            found.append((row[0], *(row[positions[column]] for column in columns)))
            if len(found) >= limit:
                break
        return found


def _pool(visible: QuerySet[SearchEntry], query: ParsedQuery) -> _Pool | None:
    """The pool of a narrow reader's query, when the engine can read one and the reader sees
    fewer than WALK_BUDGET documents; rare words are left to the full-text index."""
    index = engine()
    reader = getattr(index, "matches_among", None)
    estimate = getattr(index, "match_bound", None)
    if reader is None or estimate is None or query.is_empty:
        return None
    bound = estimate(query, {})
    if bound is not None and bound <= RARE_MATCHES:
        return None
    columns = list(FACET_FIELDS.values())
    found = reader(visible, query, columns=columns, budget=WALK_BUDGET)
    if found is None:
        return None
    rows = []
    for pk, sort_at, key, head, *values in found:
        if query.notation and key == query.notation:
            group = "notation"
        else:
            group = "head" if head else "text"
        rows.append((pk, sort_at, group, *values))
    return _Pool(rows)


def _matching_rows(
    candidates: QuerySet[SearchEntry],
    query: ParsedQuery,
    kind: str,
    columns: list[str],
    limit: int,
    narrowing: SearchFilters,
    without: str | None = None,
    sample_from: int | None = None,
    narrow: bool = False,
    pool: _Pool | None = None,
    after: tuple[datetime, int] | None = None,
    budget: int | None = None,
) -> tuple[list[tuple[Any, ...]], bool]:
    """(id, *columns) of up to `limit` matches of group `kind` among `candidates` narrowed by
    the facet filters (except `without`), newest first; and whether that is the exact answer.

    On PostgreSQL common words are answered by walking the newest candidates first (see
    `PostgresEngine.newest_matching`); rarer ones, and every other database, by the plain query.
    With `sample_from`, a walk that found at least that many matches among the newest
    WALK_BUDGET documents is accepted as a sample (counts then read "n+"). With a `pool` (a
    narrow reader's matches, read once) the answer is cut from it (`after`: the page's keyset).
    """
    if pool is not None:
        return pool.select(kind, columns, limit, narrowing, without, after), True
    walker = getattr(engine(), "newest_matching", None)
    selected = {
        column: narrowing.values_of(facet)
        for facet, column in FACET_FIELDS.items()
        if facet != without and narrowing.values_of(facet)
    }
    estimate = getattr(engine(), "match_bound", None)
    bound = estimate(query, selected) if estimate is not None and not query.is_empty else None
    rare = bound is not None and bound <= RARE_MATCHES
    if walker is not None and not query.is_empty and kind != "notation" and not rare:
        # One selected type or status goes inside the walk: it then follows that facet's own
        # (agency, value, date) index and its budget counts only rows of that value; a rare
        # type no longer leaves the walk short and sends a common phrase to the GIN index.
        inside = {
            column: selected[column][0]
            for column in WALK_INDEXED
            if len(selected.get(column, ())) == 1
        }
        outside = {column: values for column, values in selected.items() if column not in inside}
        walked = candidates.filter(**inside)
        rows, complete = walker(
            walked,
            query,
            kind=kind,
            columns=columns,
            limit=limit,
            budget=budget or WALK_BUDGET,
            narrowing=outside,
            count_candidates=narrow,
        )
        if complete or len(rows) >= limit:
            return list(rows), True
        if sample_from is not None and len(rows) >= sample_from:
            return list(rows), False
    condition = _any_tier(query, selected) if kind == "any" else dict(_tiers(query, selected))[kind]
    matching = candidates.filter(narrowing.q(without=without)).filter(condition)
    # After a walk came up short the words are rare among the newest documents: let the
    # full-text index find them all and sort those few (never walk the date index for them).
    ordered = matching.order_by(*_newest_first(narrow or walker is not None))
    exact = list(ordered.values_list("pk", *columns)[:limit])
    return exact, True


def _newest_first(few: bool) -> tuple[Any, ...]:
    """Newest first. When the rows wanted are few (a reader who sees few documents, or rare
    words) the date is wrapped in an expression the (agency, date) index cannot serve, so
    PostgreSQL fetches those rows through the id or full-text index and sorts them, instead of
    walking the whole agency's date index looking for them."""
    if not few:
        return ("-sort_at", "-pk")
    shifted = ExpressionWrapper(F("sort_at") + Value(timedelta(0)), output_field=DateTimeField())
    return (shifted.desc(), F("pk").desc())


def _facets(
    visible: QuerySet[SearchEntry],
    query: ParsedQuery,
    filters: SearchFilters,
    type_names: dict[int, str],
    narrow: bool,
    pool: _Pool | None = None,
) -> tuple[dict[str, list[FacetValue]], int, bool]:
    columns = list(FACET_FIELDS.values())

    def rows_for(without: str | None, wanted: list[str]) -> tuple[list[tuple[Any, ...]], bool]:
        if query.is_empty:
            narrowed = visible.filter(filters.q(without=without))
            return list(narrowed.values_list("pk", *wanted)[: FACET_CAP + 1]), True
        return _matching_rows(
            visible.filter(filters.period(without=without)),
            query,
            "any",
            wanted,
            FACET_CAP + 1,
            filters,
            without,
            sample_from=FACET_SAMPLE_MIN,
            narrow=narrow,
            pool=pool,
            budget=max(1, WALK_BUDGET // FACET_WALK_SHARE),
        )

    found, exact = rows_for(None, columns)
    rows = [row[1:] for row in found]
    capped = len(rows) > FACET_CAP or not exact
    counters: dict[str, Counter[Any]] = {}
    for position, facet in enumerate(FACET_FIELDS):
        if filters.values_of(facet):
            # Other values of a facet in use stay offered with their own counts.
            own, _exact = rows_for(facet, [columns[position]])
            counters[facet] = Counter(row[1] for row in own[:FACET_CAP])
        else:
            counters[facet] = _count(rows[:FACET_CAP], position)
    facets = {
        facet: [
            FacetValue(
                value=str(value),
                label=_facet_label(facet, value, type_names),
                count=count,
            )
            for value, count in sorted(counter.items(), key=lambda item: (-item[1], str(item[0])))[
                :FACET_VALUES_SHOWN
            ]
        ]
        for facet, counter in counters.items()
    }
    return facets, min(len(rows), FACET_CAP), capped


def _facet_label(facet: str, value: Any, type_names: dict[int, str]) -> str:
    if facet == "direction":
        return str(Direction(value).label) if value in Direction.values else str(value)
    if facet == "document_type":
        return type_names.get(int(value), str(value))
    if facet == "status":
        return STATUS_LABELS.get(value, str(value))
    return str(value)


# --- hits -----------------------------------------------------------------------------------


def _readable(user: Any, entries: Sequence[SearchEntry]) -> set[tuple[str, int]]:
    """Which of these entries still pass the parts of the gate the index copies (agency,
    secrecy and grants), read from the documents themselves: a row whose document became secret
    or moved after the index was written is dropped. The other parts of the gate (assignments,
    drafts, review steps) were read live by `search_entries_visible_to` already."""
    readable: set[tuple[str, int]] = set()
    for direction, model, grant_field in (
        (Direction.INCOMING.value, IncomingDocument, "incoming"),
        (Direction.OUTGOING.value, OutgoingDocument, "outgoing"),
    ):
        ids = [e.document_id for e in entries if e.direction == direction]
        if not ids:
            continue
        granted = SecretAccessGrant.objects.filter(
            **{f"{grant_field}_id__in": ids}, user_id=user.pk
        ).values(f"{grant_field}_id")
        seen = model.objects.filter(pk__in=ids, agency_id=user.agency_id).filter(
            Q(is_secret=False) | Q(pk__in=granted)
        )
        readable |= {(direction, pk) for pk in seen.values_list("pk", flat=True)}
    return readable


def _hit(entry: SearchEntry, match: str, query: ParsedQuery, types: dict[int, str]) -> SearchHit:
    return SearchHit(
        direction=entry.direction,
        document_id=entry.document_id,
        number_notation=entry.number_notation,
        subject=entry.subject,
        subject_segments=highlight(entry.subject, query.highlight_words),
        issuer_name=entry.issuer_name,
        document_type_id=entry.document_type_id,
        document_type_name=types.get(entry.document_type_id, ""),
        status=entry.status,
        status_label=STATUS_LABELS.get(entry.status, entry.status),
        year=entry.year,
        issued_on=entry.issued_on,
        sort_at=entry.sort_at,
        match=match,
    )


def document_search(
    *,
    user: Any,
    query: str = "",
    filters: SearchFilters | None = None,
    cursor: str | None = None,
    page_size: int = DEFAULT_PAGE_SIZE,
    with_facets: bool = True,
) -> SearchResult:
    """One page of the documents `user` may read that match `query` and `filters`, with facets."""
    filters = filters or SearchFilters()
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    parsed = parse_query(query)
    tiers = _tiers(parsed)
    fingerprint = _fingerprint(parsed, filters)
    start_tier, after, after_key = 0, None, None
    if cursor:
        start_tier, after_at, after_pk = cursor_decode(cursor, fingerprint, len(tiers))
        after = Q(sort_at__lt=after_at) | Q(sort_at=after_at, pk__lt=after_pk)
        after_key = (after_at, after_pk)
    visible = search_entries_visible_to(user)
    narrow = search_visibility_is_narrow(user)
    pool = _pool(visible, parsed) if narrow else None
    base = visible.filter(filters.q()).defer("folded_head", "folded_text")
    unfiltered = visible.filter(filters.period()).defer("folded_head", "folded_text")
    found: list[tuple[int, SearchEntry]] = []
    for tier_index in range(start_tier, len(tiers)):
        wanted = page_size + 1 - len(found)
        keyset = after if tier_index == start_tier and after is not None else Q()
        if parsed.is_empty:
            entries = list(base.filter(keyset).order_by(*_newest_first(narrow))[:wanted])
        else:
            kind = tiers[tier_index][0]
            in_tier = after_key if tier_index == start_tier else None
            rows, _exact = _matching_rows(
                unfiltered.filter(keyset),
                parsed,
                kind,
                [],
                wanted,
                filters,
                narrow=narrow,
                pool=pool,
                after=in_tier,
            )
            ids = [row[0] for row in rows]
            by_id = base.in_bulk(ids)
            entries = [by_id[pk] for pk in ids if pk in by_id]
        found.extend((tier_index, entry) for entry in entries)
        if len(found) > page_size:
            break
    next_cursor = None
    if len(found) > page_size:
        found = found[:page_size]
        last_tier, last = found[-1]
        next_cursor = cursor_encode(fingerprint, last_tier, last.sort_at, last.pk)
    type_names = dict(DocumentType.objects.values_list("pk", "name"))
    readable = _readable(user, [entry for _, entry in found])
    hits = [
        _hit(entry, tiers[tier][0], parsed, type_names)
        for tier, entry in found
        if (entry.direction, entry.document_id) in readable
    ]
    facets: dict[str, list[FacetValue]] = {}
    total, capped = len(hits), next_cursor is not None
    if with_facets:
        facets, total, capped = _facets(visible, parsed, filters, type_names, narrow, pool)
    return SearchResult(
        hits=hits,
        facets=facets,
        total=total,
        total_capped=capped,
        next_cursor=next_cursor,
        query=parsed,
    )
