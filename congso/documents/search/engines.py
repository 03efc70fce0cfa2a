"""The database-specific half of search: how a query becomes SQL, how the index is kept in step.

- PostgreSQL: `search_vector` (generated, GIN-indexed, head weighted A) `@@ to_tsquery('simple',
  ...)`; the head-only test uses the `:A` weight label, prefixes `:*`, phrases `<->`.
- SQLite: the FTS5 table `documents_searchentry_fts` (rowid = SearchEntry.id), written by
  `sync`/`forget` below from `services.search_index` (no triggers); head-only is the column filter
  `{folded_head} : (...)`.
- Anything else: LIKE on the folded columns (correct, not fast).

Words reach the SQL as bound parameters and contain only letters and digits (`query._WORD`), so
neither tsquery nor FTS5 syntax can be injected.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import BooleanField, Q, QuerySet, TextField
from django.db.models.expressions import RawSQL

from congso.documents.search.query import ParsedQuery

VECTOR_COLUMN = "documents_searchentry.search_vector"
NARROWING_COLUMNS = ("direction", "document_type_id", "issuer_name", "year", "status")
PG_MATCH = "documents_searchentry.search_vector @@ to_tsquery('simple', %s)"
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

    def match(self, query: ParsedQuery, *, head_only: bool) -> Q: ...

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

    def match(self, query: ParsedQuery, *, head_only: bool) -> Q:
        return _raw(PG_MATCH, [self.tsquery(query, head_only=head_only)])

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
        inner = (
            candidates.annotate(sv=RawSQL(VECTOR_COLUMN, (), output_field=TextField()))  # noqa: S611
            .order_by("-sort_at", "-pk")
            .values(*fields)[:budget]
        )
        try:
            inner_sql, inner_params = inner.query.sql_with_params()
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
        sql = (
            f"SELECT {picked} FROM ({inner_sql}) r WHERE {condition} "  # noqa: S608 - constants
            "ORDER BY r.sort_at DESC, r.id DESC LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*inner_params, *params, limit])
            rows = [tuple(row) for row in cursor.fetchall()]
        return rows, False

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

    def match(self, query: ParsedQuery, *, head_only: bool) -> Q:
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

    def match(self, query: ParsedQuery, *, head_only: bool) -> Q:
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
