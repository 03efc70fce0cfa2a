"""Reads of the procedure catalogue: public search and one procedure."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from congso.core.errors import NotFound
from congso.procedures.models import Procedure, ProcedureComponent, ProcessStep
from congso.procedures.text import fold


def procedure_search(
    query: str = "",
    level: str | None = None,
    field: str | int | None = None,
    agency: int | None = None,
    *,
    published_only: bool = True,
) -> QuerySet[Procedure]:
    """Published procedures whose name or code holds every word of `query`.

    Case and Vietnamese diacritics do not matter ("dang ky ket hon" finds "Đăng ký kết hôn");
    `field` is a field code or id, `agency` the id of a receiving agency.
    """
    queryset = Procedure.objects.select_related("field")
    if published_only:
        queryset = queryset.filter(is_published=True)
    for word in fold(query).split():
        queryset = queryset.filter(search_text__contains=word)
    if level:
        queryset = queryset.filter(level=level)
    if field:
        queryset = queryset.filter(
            Q(field_id=field)
            if isinstance(field, int) or str(field).isdigit()
            else Q(field__code=field)
        )
    if agency:
        queryset = queryset.filter(receiving_agencies=agency)
    return queryset.order_by("name", "code")


def procedure_get(code: str, *, published_only: bool = True) -> Procedure:
    """One procedure with its field, components, steps (and their agencies); NotFound otherwise."""
    queryset = Procedure.objects.select_related("field").prefetch_related(
        Prefetch("components", queryset=ProcedureComponent.objects.order_by("order", "code")),
        Prefetch("steps", queryset=ProcessStep.objects.select_related("agency").order_by("order")),
    )
    if published_only:
        queryset = queryset.filter(is_published=True)
    procedure = queryset.filter(code=code).first()
    if procedure is None:
        raise NotFound(
            f"Không tìm thấy thủ tục hành chính có mã “{code}”.", code="procedure_not_found"
        )
    return procedure


def procedure_receiving_agency_summary(
    procedure: Procedure, limit: int = 5
) -> tuple[list[str], int]:
    """Up to `limit` receiving agency names and the total count (a commune procedure has ~100)."""
    agencies = procedure.receiving_agencies.order_by("code_qcvn102")
    return [a.name for a in agencies[:limit]], agencies.count()
