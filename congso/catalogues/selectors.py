"""Reads of the reference catalogues (small lists, in their ordinal order)."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import QuerySet

from congso.catalogues.models import (
    CatalogueEntry,
    CopyKind,
    DocumentType,
    ProcedureField,
    SecrecyLevel,
    UrgencyLevel,
)

EntryT = TypeVar("EntryT", bound=CatalogueEntry)


def _entries(model: type[EntryT], *, include_inactive: bool) -> QuerySet[EntryT]:
    queryset = model._default_manager.order_by("ordinal", "code")
    return queryset if include_inactive else queryset.filter(is_active=True)


def document_type_list(*, include_inactive: bool = False) -> QuerySet[DocumentType]:
    return _entries(DocumentType, include_inactive=include_inactive)


def document_type_get_by_code(code: str) -> DocumentType | None:
    return DocumentType.objects.filter(code=code).first()


def copy_kind_list(*, include_inactive: bool = False) -> QuerySet[CopyKind]:
    return _entries(CopyKind, include_inactive=include_inactive)


def urgency_level_list(*, include_inactive: bool = False) -> QuerySet[UrgencyLevel]:
    return _entries(UrgencyLevel, include_inactive=include_inactive)


def secrecy_level_list(*, include_inactive: bool = False) -> QuerySet[SecrecyLevel]:
    return _entries(SecrecyLevel, include_inactive=include_inactive)


def procedure_field_list(*, include_inactive: bool = False) -> QuerySet[ProcedureField]:
    return _entries(ProcedureField, include_inactive=include_inactive)
