"""Gap-free numbers: dossier codes per receiving agency and day, Mẫu 06 book numbers per year.

Like congso/documents/services/numbering.py: the counter row is locked inside the transaction
that saves the dossier (PostgreSQL row lock; SQLite IMMEDIATE transactions serialise writers),
so a rollback gives the number back and the sequence has no gaps.
"""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from congso.core.errors import ValidationFailed
from congso.dossiers.models import DossierCodeCounter, DossierRegisterCounter

M = TypeVar("M", bound=models.Model)


def _increment(model: type[models.Model], lookup: dict[str, Any]) -> int | None:
    """`UPDATE … SET last = last + 1 … RETURNING last`: the row is locked and the number read in
    one statement (PostgreSQL, SQLite ≥ 3.35); None when the counter row does not exist yet."""
    connection = transaction.get_connection()
    quote = connection.ops.quote_name
    fields: list[Any] = [model._meta.get_field(name) for name in lookup]  # concrete columns
    where = " AND ".join(f"{quote(field.column)} = %s" for field in fields)
    values = [
        f.get_db_prep_value(v, connection) for f, v in zip(fields, lookup.values(), strict=True)
    ]
    table, last = quote(model._meta.db_table), quote("last")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {last} = {last} + 1 WHERE {where} RETURNING {last}",  # noqa: S608
            values,
        )
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def _take(model: type[M], lookup: dict[str, Any]) -> int:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("dossier numbers must be taken inside the saving transaction")
    number = _increment(model, lookup)
    if number is None:
        try:
            with transaction.atomic():  # a savepoint: losing the creation race is not an error
                model._default_manager.create(**lookup)
        except IntegrityError:
            pass
        number = _increment(model, lookup)
    if number is None:
        raise RuntimeError(f"no {model._meta.label} counter row for {lookup}")
    return number


def dossier_code_take(*, agency: Any, day: date) -> str:
    """`{QCVN 102 code of the receiving agency}-{yymmdd}-{4 digits}` (standards.md §6.1)."""
    if not agency.code_qcvn102:
        raise ValidationFailed(
            _("Cơ quan tiếp nhận chưa có mã định danh (QCVN 102:2016); không cấp được mã hồ sơ."),
            code="agency_without_code",
        )
    number = _take(DossierCodeCounter, {"agency_id": agency.pk, "day": day})
    return f"{agency.code_qcvn102}-{day:%y%m%d}-{number:04d}"


def register_number_take(*, agency_id: int, year: int) -> int:
    """The next number of the agency's Sổ theo dõi hồ sơ (Mẫu 06) of `year`."""
    return _take(DossierRegisterCounter, {"agency_id": agency_id, "year": year})
