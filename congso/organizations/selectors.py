"""Reads of the organisation directory: trees, filtered lists, lookups by identifier."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from congso.organizations.constants import AgencyKind
from congso.organizations.models import AdministrativeUnit, Agency

# How many levels up `agency_ancestors` fetches per query: cấp 1–4 plus a level of phòng.
_ANCESTOR_DEPTH = 5


@dataclass(slots=True)
class AgencyNode:
    id: int
    name: str
    abbreviation: str
    kind: str
    code_qcvn102: str | None
    code_qd20: str | None
    is_demo_code: bool
    level: int
    parent_id: int | None = None
    short_name: str = ""
    place_name: str = ""
    is_active: bool = True
    children: list[AgencyNode] = field(default_factory=list)

    @property
    def is_internal_unit(self) -> bool:
        return self.kind == AgencyKind.INTERNAL_UNIT


@dataclass(slots=True)
class AdministrativeUnitNode:
    id: int
    gso_code: str
    name: str
    kind: str
    level: int
    parent_id: int | None = None
    children: list[AdministrativeUnitNode] = field(default_factory=list)


def _sibling_order(node: AgencyNode) -> tuple[int, str, int]:
    """Coded agencies first in code order, then internal units in the order they were added."""
    code = node.code_qcvn102 or node.code_qd20
    if code:
        return (0, code, node.id)
    return (1, "", node.id)


def agency_tree(*, include_inactive: bool = False) -> list[AgencyNode]:
    """The whole directory as nested nodes, built from ONE query.

    Roots are agencies without a parent (UBND tỉnh in the demo). Inactive agencies and everything
    under them are left out unless `include_inactive`.
    """
    queryset = Agency.objects.all()
    if not include_inactive:
        queryset = queryset.filter(is_active=True)
    rows = queryset.values_list(
        "id",
        "name",
        "abbreviation",
        "kind",
        "code_qcvn102",
        "code_qd20",
        "is_demo_code",
        "level",
        "parent_id",
        "short_name",
        "place_name",
        "is_active",
    )
    nodes = {row[0]: AgencyNode(*row) for row in rows}
    roots: list[AgencyNode] = []
    for node in nodes.values():
        if node.parent_id is None:
            roots.append(node)
        elif node.parent_id in nodes:
            nodes[node.parent_id].children.append(node)
    for node in nodes.values():
        node.children.sort(key=_sibling_order)
    roots.sort(key=_sibling_order)
    return roots


def agency_list(
    *,
    kind: str | None = None,
    parent_id: int | None = None,
    q: str | None = None,
    is_active: bool | None = True,
) -> QuerySet[Agency]:
    """Agencies filtered by kind, direct parent and a search over names, abbreviation and codes."""
    queryset = Agency.objects.select_related("parent", "administrative_unit")
    if is_active is not None:
        queryset = queryset.filter(is_active=is_active)
    if kind:
        queryset = queryset.filter(kind=kind)
    if parent_id is not None:
        queryset = queryset.filter(parent_id=parent_id)
    if q:
        term = q.strip()
        queryset = queryset.filter(
            Q(name__icontains=term)
            | Q(short_name__icontains=term)
            | Q(abbreviation__iexact=term)
            | Q(code_qcvn102__iexact=term)
            | Q(code_qd20__iexact=term)
        )
    return queryset


def agency_get(*, agency_id: int) -> Agency | None:
    return (
        Agency.objects.select_related("parent", "administrative_unit").filter(pk=agency_id).first()
    )


def agency_get_by_code(code: str) -> Agency | None:
    """The agency holding `code` in either form (`000.00.11.H34` or `H34.11`), or None."""
    code = (code or "").strip().upper()
    if not code:
        return None
    return (
        Agency.objects.select_related("parent", "administrative_unit")
        .filter(Q(code_qcvn102=code) | Q(code_qd20=code))
        .first()
    )


def agency_internal_unit_get(*, agency: Agency, abbreviation: str) -> Agency | None:
    """The internal unit (phòng, ban) of `agency` with this notation abbreviation, or None."""
    return Agency.objects.filter(
        parent=agency, kind=AgencyKind.INTERNAL_UNIT, abbreviation=abbreviation
    ).first()


def agency_ancestors(agency: Agency) -> list[Agency]:
    """The agencies above `agency`, root first (UBND tỉnh … direct parent); usually one query."""
    parent_field = Agency._meta.get_field("parent")
    related = "__".join(["parent"] * _ANCESTOR_DEPTH)
    chain: list[Agency] = []
    seen = {agency.pk}
    parent_id = agency.parent_id
    while parent_id is not None:
        node = Agency.objects.select_related(related).filter(pk=parent_id).first()
        parent_id = None
        while node is not None and node.pk not in seen:  # `seen`: never loop on a bad tree
            seen.add(node.pk)
            chain.append(node)
            if node.parent_id is None:
                break
            if not parent_field.is_cached(node):  # deeper than one query reaches
                parent_id = node.parent_id
                break
            node = node.parent
    chain.reverse()
    return chain


def administrative_unit_list(
    *, level: int | None = None, parent_id: int | None = None
) -> QuerySet[AdministrativeUnit]:
    queryset = AdministrativeUnit.objects.all()
    if level is not None:
        queryset = queryset.filter(level=level)
    if parent_id is not None:
        queryset = queryset.filter(parent_id=parent_id)
    return queryset


def administrative_unit_tree() -> list[AdministrativeUnitNode]:
    """Province → districts → communes as nested nodes (GSO order), from one query."""
    rows = AdministrativeUnit.objects.order_by("level", "gso_code").values_list(
        "id", "gso_code", "name", "kind", "level", "parent_id"
    )
    nodes = {row[0]: AdministrativeUnitNode(*row) for row in rows}
    roots: list[AdministrativeUnitNode] = []
    for node in nodes.values():
        if node.parent_id is not None and node.parent_id in nodes:
            nodes[node.parent_id].children.append(node)
        else:
            roots.append(node)
    return roots
