"""The database-specific half of search: how a query becomes SQL, how the index is kept in step.

- PostgreSQL: `search_vector` (generated, GIN-indexed, head weighted A) `@@ to_tsquery('simple',
  ...)`; the head-only test uses the `:A` weight label, prefixes `:*`, phrases `<->`. Facet
  selections travel as facet words (`'t:12'::tsquery`, migration 0008) ANDed to the words, and
  the planner's word statistics (`match_bound`) tell a rare query from a common one.
- SQLite: the FTS5 table `documents_searchentry_fts` (rowid = SearchEntry.id), written by
  `sync`/`forget` below from `services.search_index` (no triggers); head-only is the column filter
  `{folded_head} : (...)`.
- Anything else: LIKE on the folded columns (correct, not fast).

Words reach the SQL as bound parameters and contain only letters and digits (`query._WORD`), so
neither tsquery nor FTS5 syntax can be injected.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import BooleanField, F, Q, QuerySet, TextField, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber

from congso.documents.search.query import ParsedQuery

VECTOR_COLUMN = "documents_searchentry.search_vector"
NARROWING_COLUMNS = ("direction", "document_type_id", "issuer_name", "year", "status")
PG_MATCH = "documents_searchentry.search_vector @@ to_tsquery('simple', %s)"
# The words and the facet words (migration 0008) in ONE tsquery, so that the GIN index
# intersects them: `::tsquery` takes the facet words verbatim ("t:12"), `to_tsquery` would split.
PG_MATCH_FACETS = "documents_searchentry.search_vector @@ (to_tsquery('simple', %s) && %s::tsquery)"
# column → prefix of its facet words in `search_vector` (migration 0008 writes them).
FACET_WORD_PREFIXES = {
    "direction": "d",
    "document_type_id": "t",
    "status": "s",
    "year": "y",
    "issuer_name": "i",
}
INTEGER_FACETS = ("document_type_id", "year")
# The most common words of `search_vector` as ANALYZE sampled them, and the row count: enough to
# bound how many rows a query can match (its rarest word's share). Read at most every 5 minutes.
LEXEME_STATS_SQL = (
    "SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs, c.reltuples "
    "FROM pg_stats s JOIN pg_class c ON c.relname = s.tablename "
    "WHERE s.schemaname = current_schema() AND s.tablename = 'documents_searchentry' "
    "AND s.attname = 'search_vector'"
)
LEXEME_STATS_TTL_S = 300.0
_lexeme_stats: dict[str, Any] = {}
FTS_MATCH = (
    "documents_searchentry.id IN (SELECT rowid FROM documents_searchentry_fts"
    " WHERE documents_searchentry_fts MATCH %s)"
)
FTS_INSERT = (
    "INSERT INTO documents_searchentry_fts (rowid, folded_head, folded_text) VALUES (%s, %s, %s)"
)
FTS_DELETE = "DELETE FROM documents_searchentry_fts WHERE rowid IN ({marks})"


class Engine(Protocol):
    name: str

    def match(
        self,
        query: ParsedQuery,
        *,
        head_only: bool,
        facets: Mapping[str, Sequence[Any]] | None = None,
    ) -> Q: ...

    def sync(self, rows: Sequence[tuple[int, str, str]]) -> None: ...

    def forget(self, ids: Sequence[int]) -> None: ...


# column → (PostgreSQL, SQLite) fragments: constant SQL, the id list is one bound parameter.
ID_IN_SQL = {
    "id": (
        "documents_searchentry.id = ANY(%s)",
        "documents_searchentry.id IN (SELECT value FROM json_each(%s))",
    ),
    "document_id": (
        "documents_searchentry.document_id = ANY(%s)",
        "documents_searchentry.document_id IN (SELECT value FROM json_each(%s))",
    ),
}


def id_in(column: str, ids: Sequence[int]) -> Q:
    """`column IN ids` for a SearchEntry queryset, with the list bound as ONE parameter (an array
    on PostgreSQL, a JSON array on SQLite) instead of one placeholder per id: a reader with
    thousands of assigned documents does not make every search compile thousands of parameters.
    """
    if column not in ID_IN_SQL:
        raise ValueError(column)
    values = [int(value) for value in ids]
    vendor = connection.vendor
    if vendor == "postgresql":
        return _raw(ID_IN_SQL[column][0], [values])
    if vendor == "sqlite":
        return _raw(ID_IN_SQL[column][1], [json.dumps(values)])
    return Q(**{f"{column}__in": values})


def _tsquery_literal(word: str) -> str:
    """One lexeme in tsquery input syntax, taken verbatim (quotes and backslashes escaped)."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def _raw(sql: str, params: Sequence[object]) -> Q:
    # `sql` is one of the constant fragments below; user words only ever travel in `params`.
    return Q(RawSQL(sql, tuple(params), output_field=BooleanField()))  # noqa: S611


class PostgresEngine:
    name = "postgresql"

    @staticmethod
    def tsquery(query: ParsedQuery, *, head_only: bool) -> str:
        weight = "A" if head_only else ""
        parts: list[str] = []
        for index, term in enumerate(query.terms):
            is_last = index == len(query.terms) - 1
            star = "*" if is_last and query.prefix_last else ""
            label = f":{star}{weight}" if (star or weight) else ""
            parts.append(f"'{term}'{label}")
        for phrase in query.phrases:
            label = f":{weight}" if weight else ""
            parts.append("(" + " <-> ".join(f"'{word}'{label}" for word in phrase) + ")")
        return " & ".join(parts)

    @staticmethod
    def facet_words(facets: Mapping[str, Sequence[Any]]) -> str:
        """The facet selections as a tsquery of facet words: `'t:12' & ('y:2019' | 'y:2020')`."""
        groups: list[str] = []
        for column, values in facets.items():
            prefix = FACET_WORD_PREFIXES[column]
            if column in INTEGER_FACETS:  # spelled as the database casts the column to text
                values = [int(value) for value in values]
            words = [_tsquery_literal(f"{prefix}:{value}") for value in values]
            if words:
                groups.append(words[0] if len(words) == 1 else "(" + " | ".join(words) + ")")
        return " & ".join(groups)

    def match_bound(
        self, query: ParsedQuery, facets: Mapping[str, Sequence[Any]] | None = None
    ) -> float | None:
        """At most how many rows (of the whole table) `query` narrowed by `facets` can match, from
        the planner's word statistics: every word must occur, so no more rows than hold the
        rarest one (a word ANALYZE did not list as common is at most as frequent as the least
        common it did list). None when unknown (no statistics yet, or only a prefix word)."""
        stats = _lexeme_frequencies()
        if stats is None:
            return None
        frequencies, floor, rows = stats
        words = list(query.terms[:-1] if query.prefix_last else query.terms)
        words += [word for phrase in query.phrases for word in phrase]
        shares = [frequencies.get(word, floor) for word in words]
        for column, values in (facets or {}).items():
            if column in INTEGER_FACETS:
                values = [int(value) for value in values]
            prefix = FACET_WORD_PREFIXES[column]
            shares.append(sum(frequencies.get(f"{prefix}:{value}", floor) for value in values))
        if not shares:
            return None
        return min(shares) * rows

    def match(
        self,
        query: ParsedQuery,
        *,
        head_only: bool,
        facets: Mapping[str, Sequence[Any]] | None = None,
    ) -> Q:
        """The words (and, with `facets`, the facet words: the GIN index then intersects the
        facet selections too, instead of rechecking every row that holds the words)."""
        words = self.tsquery(query, head_only=head_only)
        facet_words = self.facet_words(facets or {})
        if facet_words:
            return _raw(PG_MATCH_FACETS, [words, facet_words])
        return _raw(PG_MATCH, [words])

    def newest_matching(
        self,
        candidates: QuerySet[Any],
        query: ParsedQuery,
        *,
        kind: str,
        columns: Sequence[str],
        limit: int,
        budget: int,
        narrowing: dict[str, Sequence[Any]] | None = None,
        count_candidates: bool = True,
    ) -> tuple[list[tuple[Any, ...]], bool]:
        """(id, *columns) of the newest `limit` matches among the `budget` newest candidates,
        and whether those were all the candidates (then the answer is complete as it is).

        The candidates sit in a LIMIT subquery, which PostgreSQL cannot push the text condition
        into: it walks the (agency, date) index newest first and tests each stored vector until
        `limit` rows matched, instead of building a bitmap of every document holding a common
        word ("cong van") and sorting it. `narrowing` (column → allowed values: the facet
        filters) is tested outside the subquery too, so the walk stays bounded by `budget`
        rows read. The caller falls back to the plain query when the walk came up short; with
        `count_candidates` (a reader who sees few documents) the candidates are read once and
        counted in the same statement, and a walk over fewer than `budget` of them is complete.
        """
        fields = ["id", "sort_at", "notation_key", "sv", *columns]
        narrowing = narrowing or {}
        fields += [column for column in narrowing if column not in fields]
        try:
            inner_sql, inner_params = _newest(candidates, fields, budget)
        except EmptyResultSet:  # nothing visible at all
            return [], True
        condition, params = self._walk_condition(query, kind)
        for column, values in narrowing.items():
            if column not in NARROWING_COLUMNS:
                raise ValueError(column)
            condition += f" AND r.{column} = ANY(%s)"
            params.append(list(values))
        picked = ", ".join(["r.id", *(f"r.{column}" for column in columns)])
        if count_candidates:
            # Few candidates: read them once, and learn in the same statement how many there
            # were (no match at all still yields one row: the count).
            shown = ", ".join(["m.id", *(f"m.{column}" for column in columns)])
            sql = (
                f"WITH r AS MATERIALIZED ({inner_sql}), "  # noqa: S608 - constants, bound values
                f"m AS (SELECT {picked}, r.sort_at AS walk_at FROM r WHERE {condition} "
                "ORDER BY r.sort_at DESC, r.id DESC LIMIT %s) "
                f"SELECT (SELECT count(*) FROM r), {shown} FROM (SELECT 1) AS one "
                "LEFT JOIN m ON TRUE ORDER BY m.walk_at DESC, m.id DESC"
            )
            with connection.cursor() as cursor:
                cursor.execute(sql, [*inner_params, *params, limit])
                result = cursor.fetchall()
            examined = result[0][0] if result else 0
            found = [tuple(row[1:]) for row in result if row[1] is not None]
            return found, examined < budget
        # The budget-th candidate comes back too, flagged, whether it matches or not: when it
        # is missing the walk read every candidate and its answer is complete as it is (a small
        # agency never needs the full-text index), when present the candidates go on.
        numbered_sql, numbered_params = _newest(candidates, fields, budget, ranked=True)
        sql = (
            f"SELECT {picked}, r.walk_rank = %s AS last, CASE WHEN r.walk_rank = %s "  # noqa: S608
            f"THEN ({condition}) ELSE TRUE END AS hit FROM ({numbered_sql}) r "
            f"WHERE ({condition}) OR r.walk_rank = %s "
            "ORDER BY r.sort_at DESC, r.id DESC LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                sql, [budget, budget, *params, *numbered_params, *params, budget, limit + 1]
            )
            result = cursor.fetchall()
        more = any(row[-2] for row in result)
        rows = [tuple(row[:-2]) for row in result if row[-1]][:limit]
        return rows, not more and len(rows) < limit

    def matches_among(
        self, candidates: QuerySet[Any], query: ParsedQuery, *, columns: Sequence[str], budget: int
    ) -> list[tuple[Any, ...]] | None:
        """Every match of `query` among `candidates`, newest first, as (id, sort_at, notation_key,
        whether the head holds the words, *columns) — or None when there are `budget` candidates
        or more. For a reader who sees few documents: their candidates are read once, and every
        group and facet of the page is then cut from these rows, instead of one walk each."""
        fields = ["id", "sort_at", "notation_key", "sv", *columns]
        try:
            inner_sql, inner_params = _newest(candidates, fields, budget)
        except EmptyResultSet:
            return []
        condition, params = self._walk_condition(query, "any")
        head = "FALSE"
        if query.terms or query.phrases:
            head = "r.sv @@ to_tsquery('simple', %s)"
            params = [self.tsquery(query, head_only=True), *params]
        picked = "".join(f", r.{column}" for column in columns)
        shown = ", ".join(f"m.{column}" for column in ["id", "sort_at", "notation_key", "head"])
        shown += "".join(f", m.{column}" for column in columns)
        sql = (
            f"WITH r AS MATERIALIZED ({inner_sql}), "  # noqa: S608 - constants, bound values
            f"m AS (SELECT r.id, r.sort_at, r.notation_key, {head} AS head{picked} "
            f"FROM r WHERE {condition}) "
            f"SELECT (SELECT count(*) FROM r), {shown} FROM (SELECT 1) AS one "
            "LEFT JOIN m ON TRUE ORDER BY m.sort_at DESC, m.id DESC"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*inner_params, *params])
            result = cursor.fetchall()
        if not result or result[0][0] >= budget:
            return None
        return [tuple(row[1:]) for row in result if row[1] is not None]

    def _walk_condition(self, query: ParsedQuery, kind: str) -> tuple[str, list[Any]]:
        match = "r.sv @@ to_tsquery('simple', %s)"
        has_words = bool(query.terms or query.phrases)
        if kind == "any":
            parts, params = [], []
            if has_words:
                parts.append(match)
                params.append(self.tsquery(query, head_only=False))
            if query.notation:
                parts.append("r.notation_key = %s")
                params.append(query.notation)
            return "(" + " OR ".join(parts) + ")", params
        if kind == "head":
            condition, params = match, [self.tsquery(query, head_only=True)]
        else:
            condition = f"{match} AND NOT ({match})"
            params = [self.tsquery(query, head_only=False), self.tsquery(query, head_only=True)]
        if query.notation:
            condition += " AND r.notation_key <> %s"
            params.append(query.notation)
        return condition, params

    def sync(self, rows: Sequence[tuple[int, str, str]]) -> None:
        """Nothing to do: the database computes `search_vector` on every write."""

    def forget(self, ids: Sequence[int]) -> None:
        """Nothing to do: the vector goes with its row."""


def _newest(
    candidates: QuerySet[Any], fields: Sequence[str], budget: int, *, ranked: bool = False
) -> tuple[str, tuple[Any, ...]]:
    """SQL of the `budget` newest candidates with their stored vector as `sv` (and, `ranked`,
    their position as `walk_rank`); EmptyResultSet when nothing can be visible."""
    rows = candidates.annotate(
        sv=RawSQL(VECTOR_COLUMN, (), output_field=TextField())  # noqa: S611
    ).order_by("-sort_at", "-pk")
    names = list(fields)
    if ranked:
        order = (F("sort_at").desc(), F("pk").desc())
        rows = rows.annotate(walk_rank=Window(RowNumber(), order_by=order))
        names.append("walk_rank")
    sql, params = rows.values(*names)[:budget].query.sql_with_params()
    return sql, tuple(params)


def _lexeme_frequencies() -> tuple[dict[str, float], float, float] | None:
    """(word → share of rows, share of any word not listed, rows) from pg_stats, cached."""
    now = time.monotonic()
    alias = connection.alias
    cached = _lexeme_stats.get(alias)
    if cached is not None and now - cached[0] < LEXEME_STATS_TTL_S:
        return cached[1]
    with connection.cursor() as cursor:
        cursor.execute(LEXEME_STATS_SQL)
        row = cursor.fetchone()
    stats = None
    if row is not None and row[0] and row[1] and row[2] and row[2] > 0:
        words, shares, rows = row
        # most_common_elem_freqs: one share per word, then the least and greatest share and
        # the share of nulls (pg_stats documentation).
        stats = (dict(zip(words, shares, strict=False)), float(shares[len(words)]), float(rows))
    _lexeme_stats[alias] = (now, stats)
    return stats


class SqliteEngine:
    name = "sqlite"

    @staticmethod
    def fts_query(query: ParsedQuery, *, head_only: bool) -> str:
        parts: list[str] = []
        for index, term in enumerate(query.terms):
            is_last = index == len(query.terms) - 1
            parts.append(f'"{term}"' + ("*" if is_last and query.prefix_last else ""))
        for phrase in query.phrases:
            parts.append('"' + " ".join(phrase) + '"')
        expression = " AND ".join(parts)
        return f"{{folded_head}} : ({expression})" if head_only else expression

    def match(
        self,
        query: ParsedQuery,
        *,
        head_only: bool,
        facets: Mapping[str, Sequence[Any]] | None = None,
    ) -> Q:
        """`facets` are left to the caller's column filters (FTS5 holds the text only)."""
        return _raw(FTS_MATCH, [self.fts_query(query, head_only=head_only)])

    def sync(self, rows: Sequence[tuple[int, str, str]]) -> None:
        """Replace the FTS rows of these entries (id, folded_head, folded_text)."""
        if not rows:
            return
        with connection.cursor() as cursor:
            self._delete(cursor, [row[0] for row in rows])
            cursor.executemany(FTS_INSERT, list(rows))

    def forget(self, ids: Sequence[int]) -> None:
        if not ids:
            return
        with connection.cursor() as cursor:
            self._delete(cursor, ids)

    @staticmethod
    def _delete(cursor: object, ids: Iterable[int]) -> None:
        id_list = list(ids)
        for start in range(0, len(id_list), 500):
            chunk = id_list[start : start + 500]
            marks = ", ".join(["%s"] * len(chunk))  # placeholders only; ids are bound
            cursor.execute(FTS_DELETE.format(marks=marks), chunk)  # type: ignore[attr-defined]


class LikeEngine:
    """Portable fallback: every word must occur somewhere in the folded text."""

    name = "like"

    def match(
        self,
        query: ParsedQuery,
        *,
        head_only: bool,
        facets: Mapping[str, Sequence[Any]] | None = None,
    ) -> Q:
        field = "folded_head" if head_only else "folded_text"
        condition = Q()
        words = list(query.terms) + [" ".join(phrase) for phrase in query.phrases]
        for word in words:
            if head_only:
                condition &= Q(folded_head__contains=word)
            else:
                condition &= Q(folded_head__contains=word) | Q(**{f"{field}__contains": word})
        return condition

    def sync(self, rows: Sequence[tuple[int, str, str]]) -> None:
        """Nothing to do."""

    def forget(self, ids: Sequence[int]) -> None:
        """Nothing to do."""


def engine() -> Engine:
    """The engine for the database the default connection points at."""
    vendor = connection.vendor
    if vendor == "postgresql":
        return PostgresEngine()
    if vendor == "sqlite":
        return SqliteEngine()
    return LikeEngine()
