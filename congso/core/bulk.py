"""Writing many rows at once, for services on a hot path (no domain knowledge here)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections, models, router


def rows_update(model: type[models.Model], fields: Sequence[str], rows: Sequence[Any]) -> None:
    """UPDATE `fields` of several rows, each with its own values: `rows` are (pk, value, …)
    in the order of `fields`. One prepared statement run for every row (executemany), not one
    compiled query per row nor `bulk_update`'s CASE over the whole page, whose building costs
    more CPU than the rows it writes. Values go through each field's own preparation, as
    `QuerySet.update` would; no signal, no `save()` (the callers update with `.update` too)."""
    if not rows:
        return
    db = connections[router.db_for_write(model)]
    meta = model._meta
    columns: list[Any] = [meta.get_field(name) for name in fields]
    quote = db.ops.quote_name
    # only quoted names of the model's own table and columns are formatted in; values are bound
    assignments = ", ".join(f"{quote(column.column)} = %s" for column in columns)
    pk_column = quote(str(meta.pk.column if meta.pk else "id"))
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {pk_column} = %s"  # noqa: S608
    params = [
        [column.get_db_prep_save(value, db) for column, value in zip(columns, values, strict=True)]
        + [pk]
        for pk, *values in rows
    ]
    with db.cursor() as cursor:
        cursor.executemany(sql, params)
