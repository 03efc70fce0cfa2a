"""The clean records validation returns: a procedure ready to be written, its components and
steps."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from congso.organizations.models import Agency


@dataclass(slots=True)
class ComponentData:
    order: int
    code: str
    name: str
    originals: int
    copies: int
    is_required: bool
    accepted_types: list[str]


@dataclass(slots=True)
class StepData:
    order: int
    name: str
    agency: Agency | None
    days: Decimal
    role: str


@dataclass(slots=True)
class ProcedureData:
    """One validated procedure, ready to be written."""

    values: dict[str, Any]
    receiving_agencies: list[Agency]
    components: list[ComponentData] = field(default_factory=list)
    steps: list[StepData] = field(default_factory=list)

    @property
    def code(self) -> str:
        return str(self.values["code"])
