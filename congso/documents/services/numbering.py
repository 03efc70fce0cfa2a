"""Gap-free number books: số đến / số đi per agency, year, direction and secrecy."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F

from congso.documents.models import DocumentRegister


def _locked_register(
    *, agency_id: int, year: int, direction: str, is_secret: bool
) -> DocumentRegister:
    lookup = {"agency_id": agency_id, "year": year, "direction": direction, "is_secret": is_secret}
    register = DocumentRegister.objects.select_for_update().filter(**lookup).first()
    if register is not None:
        return register
    try:
        with transaction.atomic():  # a savepoint: losing the creation race is not an error
            DocumentRegister.objects.create(**lookup)
    except IntegrityError:
        pass
    return DocumentRegister.objects.select_for_update().get(**lookup)


def register_take_numbers(
    *, agency_id: int, year: int, direction: str, is_secret: bool, count: int = 1
) -> tuple[DocumentRegister, int]:
    """Reserve `count` consecutive numbers in the book and return (register, first number).

    Must run inside the transaction that saves the numbered documents: the register row stays
    locked until commit (PostgreSQL row lock; SQLite IMMEDIATE transactions serialise writers),
    and a rollback returns the numbers, so the sequence has no gaps. Numbers start at 1 on
    1 January (Nghị định 30/2020/NĐ-CP, Điều 15 khoản 1; Điều 22 khoản 2); secret documents use
    their own book.
    """
    if count < 1:
        raise ValueError("count must be positive")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("register_take_numbers must run inside a transaction")
    register = _locked_register(
        agency_id=agency_id, year=year, direction=direction, is_secret=is_secret
    )
    first = register.last_number + 1
    DocumentRegister.objects.filter(pk=register.pk).update(last_number=F("last_number") + count)
    register.last_number = first + count - 1
    return register, first
