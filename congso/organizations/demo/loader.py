"""Load the Kon Tum demo directory: administrative units, positions and the agency tree.

Both loaders are idempotent and run on every `make run`, so they work in bulk (a handful of
queries whatever the size) and create only what is missing. Rows are matched by their key
(GSO code; QCVN 102 code, or parent + name for agencies whose code an administrator replaced;
parent + abbreviation for internal units; name for positions) and never overwritten: edits made
through the admin survive a reload. One summary audit entry is written when something was created
and none otherwise. For speed the rows go in with `bulk_create`, not one `agency_create` each; a
test (`test_every_demo_agency_satisfies_the_service_rules`) holds every demo agency to the same
`agency_check` rules the service applies.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from congso.audit.services import audit_record
from congso.organizations.constants import (
    AdministrativeLevel,
    AdministrativeUnitKind,
    AgencyKind,
    OrganizationAuditAction,
)
from congso.organizations.demo.data import (
    DISTRICT_UNITS,
    FIRST_DISTRICT_NUMBER,
    ONE_STOP_CENTRE,
    ONE_STOP_CENTRE_PARENT_NUMBER,
    POSITIONS,
    PROVINCE_GSO_CODE,
    PROVINCE_LEVEL1_CODE,
    PROVINCE_NAME,
    PROVINCE_PLACE_NAME,
    PROVINCIAL_BODIES,
    UnitSpec,
)
from congso.organizations.models import AdministrativeUnit, Agency, Position
from congso.organizations.validators import qcvn102_level, qd20_from_qcvn102

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DISTRICTS_CSV = DATA_DIR / "kontum-districts.csv"
COMMUNES_CSV = DATA_DIR / "kontum-admin-units.csv"

_COMMUNE_PREFIX = {
    AdministrativeUnitKind.WARD: "Phường",
    AdministrativeUnitKind.COMMUNE: "Xã",
    AdministrativeUnitKind.TOWNSHIP: "Thị trấn",
}
_DISTRICT_PREFIXES = ("Thành phố ", "Thị xã ", "Huyện ")


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _strip_district_prefix(name: str) -> str:
    for prefix in _DISTRICT_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _district_committee_name(district_name: str) -> str:
    """`Thành phố Kon Tum` → `UBND Thành phố Kon Tum`; `Huyện Đắk Glei` → `UBND huyện Đắk Glei`."""
    if district_name.startswith("Huyện "):
        return "UBND huyện " + district_name[len("Huyện ") :]
    return "UBND " + district_name


# --- administrative units ---------------------------------------------------------------------


def _load_units() -> int:
    """Create the missing province, district and commune rows; return how many were created."""
    districts = sorted(_read_csv(DISTRICTS_CSV), key=lambda row: row["district_gso_code"])
    communes = sorted(_read_csv(COMMUNES_CSV), key=lambda row: row["commune_gso_code"])
    ids = dict(AdministrativeUnit.objects.values_list("gso_code", "id"))
    created = 0

    def create(rows: list[AdministrativeUnit]) -> None:
        nonlocal created
        missing = [row for row in rows if row.gso_code not in ids]
        if not missing:
            return
        AdministrativeUnit.objects.bulk_create(missing)
        created += len(missing)
        ids.update(
            AdministrativeUnit.objects.filter(
                gso_code__in=[row.gso_code for row in missing]
            ).values_list("gso_code", "id")
        )

    create(
        [
            AdministrativeUnit(
                gso_code=PROVINCE_GSO_CODE,
                name=PROVINCE_NAME,
                kind=AdministrativeUnitKind.PROVINCE,
                level=AdministrativeLevel.PROVINCE,
            )
        ]
    )
    create(
        [
            AdministrativeUnit(
                gso_code=row["district_gso_code"],
                name=row["district_name"],
                kind=AdministrativeUnitKind(row["kind"]),
                level=AdministrativeLevel.DISTRICT,
                parent_id=ids[PROVINCE_GSO_CODE],
            )
            for row in districts
        ]
    )
    create(
        [
            AdministrativeUnit(
                gso_code=row["commune_gso_code"],
                name=f"{_COMMUNE_PREFIX[AdministrativeUnitKind(row['commune_kind'])]} "
                f"{row['commune_name']}",
                kind=AdministrativeUnitKind(row["commune_kind"]),
                level=AdministrativeLevel.COMMUNE,
                parent_id=ids[row["district_gso_code"]],
            )
            for row in communes
        ]
    )
    return created


@transaction.atomic
def administrative_units_load(*, actor: Any = None) -> int:
    """Load Kon Tum's province, 10 district-level units and 102 communes (DVHC 01/06/2020).

    GSO codes follow QĐ 124/2004/QĐ-TTg; the list is docs standards.md §10.1 [A], shipped as
    `organizations/data/*.csv`. Idempotent; returns the number of units created.
    """
    created = _load_units()
    if created:
        audit_record(
            actor=actor,
            action=OrganizationAuditAction.DEMO_DATA_LOADED,
            data={"scope": "organizations.administrative_units", "administrative_units": created},
        )
    return created


# --- positions --------------------------------------------------------------------------------


def _load_positions() -> int:
    existing = set(Position.objects.values_list("name", flat=True))
    missing = [
        Position(name=spec.name, is_leadership=spec.is_leadership, rank=spec.rank)
        for spec in POSITIONS
        if spec.name not in existing
    ]
    Position.objects.bulk_create(missing)
    return len(missing)


# --- agencies ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _AgencySpec:
    code: str
    parent_code: str | None
    name: str
    abbreviation: str
    kind: str
    place_name: str = ""
    short_name: str = ""
    unit_gso_code: str | None = None
    is_demo_code: bool = True


def _code(level2: int = 0, level3: int = 0) -> str:
    return f"000.{level3:02d}.{level2:02d}.{PROVINCE_LEVEL1_CODE}"


def _agency_specs() -> tuple[list[_AgencySpec], dict[str, tuple[UnitSpec, ...]]]:
    """The coded agencies, parents before children, and the internal units per parent code."""
    province = _code()
    specs = [
        # The level-1 code is derived, not read in a source [C] (standards §2.3). It is still the
        # code congso uses as Kon Tum's, so it is not flagged as a generated demo number.
        _AgencySpec(
            code=province,
            parent_code=None,
            name="UBND tỉnh Kon Tum",
            abbreviation="UBND",
            kind=AgencyKind.PROVINCIAL_COMMITTEE,
            place_name=PROVINCE_PLACE_NAME,
            short_name="UBND tỉnh",
            unit_gso_code=PROVINCE_GSO_CODE,
            is_demo_code=False,
        )
    ]
    internal_units: dict[str, tuple[UnitSpec, ...]] = {}
    for body in PROVINCIAL_BODIES:
        code = _code(body.number)
        specs.append(
            _AgencySpec(
                code=code,
                parent_code=province,
                name=body.name,
                abbreviation=body.abbreviation,
                kind=AgencyKind.PROVINCIAL_BODY,
                place_name=PROVINCE_PLACE_NAME,
                unit_gso_code=PROVINCE_GSO_CODE,
            )
        )
        internal_units[code] = body.units
    specs.append(
        _AgencySpec(
            code=_code(ONE_STOP_CENTRE_PARENT_NUMBER, ONE_STOP_CENTRE.number),
            parent_code=_code(ONE_STOP_CENTRE_PARENT_NUMBER),
            name=ONE_STOP_CENTRE.name,
            abbreviation=ONE_STOP_CENTRE.abbreviation,
            kind=AgencyKind.PROVINCIAL_BODY,
            place_name=PROVINCE_PLACE_NAME,
            unit_gso_code=PROVINCE_GSO_CODE,
        )
    )
    districts = sorted(_read_csv(DISTRICTS_CSV), key=lambda row: row["district_gso_code"])
    communes_by_district: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in sorted(_read_csv(COMMUNES_CSV), key=lambda row: row["commune_gso_code"]):
        communes_by_district[row["district_gso_code"]].append(row)
    for offset, district in enumerate(districts):
        number = FIRST_DISTRICT_NUMBER + offset
        district_code = _code(number)
        specs.append(
            _AgencySpec(
                code=district_code,
                parent_code=province,
                name=_district_committee_name(district["district_name"]),
                abbreviation="UBND",
                kind=AgencyKind.DISTRICT_COMMITTEE,
                place_name=_strip_district_prefix(district["district_name"]),
                unit_gso_code=district["district_gso_code"],
            )
        )
        internal_units[district_code] = DISTRICT_UNITS
        for index, commune in enumerate(communes_by_district[district["district_gso_code"]], 1):
            prefix = _COMMUNE_PREFIX[AdministrativeUnitKind(commune["commune_kind"])].lower()
            specs.append(
                _AgencySpec(
                    code=_code(number, index),
                    parent_code=district_code,
                    name=f"UBND {prefix} {commune['commune_name']}",
                    abbreviation="UBND",
                    kind=AgencyKind.COMMUNE_COMMITTEE,
                    place_name=commune["commune_name"],
                    unit_gso_code=commune["commune_gso_code"],
                )
            )
    return specs, internal_units


def _load_agencies() -> int:
    """Create the missing agencies level by level (one bulk insert per level)."""
    specs, internal_units = _agency_specs()
    unit_ids = dict(AdministrativeUnit.objects.values_list("gso_code", "id"))
    rows = list(Agency.objects.values_list("id", "code_qcvn102", "parent_id", "name", "level"))
    by_code = {code: pk for pk, code, _parent, _name, _level in rows if code}
    by_parent_name: dict[tuple[int | None, str], int] = {
        (parent, name): pk for pk, _code, parent, name, _level in rows
    }
    levels = {pk: level for pk, _code, _parent, _name, level in rows}
    spec_ids: dict[str, int] = {}
    created = 0

    def resolve(spec: _AgencySpec) -> int | None:
        parent_id = spec_ids.get(spec.parent_code) if spec.parent_code else None
        return by_code.get(spec.code) or by_parent_name.get((parent_id, spec.name))

    specs_by_level: dict[int, list[_AgencySpec]] = defaultdict(list)
    for spec in specs:
        specs_by_level[qcvn102_level(spec.code)].append(spec)
    for level in sorted(specs_by_level):
        missing: list[Agency] = []
        for spec in specs_by_level[level]:
            pk = resolve(spec)
            if pk is not None:
                spec_ids[spec.code] = pk
                continue
            if spec.parent_code and spec.parent_code not in spec_ids:
                continue  # parent was removed by an administrator: leave the branch alone
            missing.append(
                Agency(
                    name=spec.name,
                    short_name=spec.short_name,
                    abbreviation=spec.abbreviation,
                    kind=spec.kind,
                    parent_id=spec_ids.get(spec.parent_code) if spec.parent_code else None,
                    administrative_unit_id=unit_ids.get(spec.unit_gso_code or ""),
                    code_qcvn102=spec.code,
                    code_qd20=qd20_from_qcvn102(spec.code),
                    is_demo_code=spec.is_demo_code,
                    place_name=spec.place_name,
                    level=level,
                )
            )
        if missing:
            Agency.objects.bulk_create(missing)
            created += len(missing)
            fresh = Agency.objects.filter(code_qcvn102__in=[a.code_qcvn102 for a in missing])
            for pk, code in fresh.values_list("id", "code_qcvn102"):
                spec_ids[str(code)] = pk
                levels[pk] = level
    created += _load_internal_units(internal_units, spec_ids, levels)
    return created


def _load_internal_units(
    internal_units: dict[str, tuple[UnitSpec, ...]],
    spec_ids: dict[str, int],
    levels: dict[int, int],
) -> int:
    existing = set(
        Agency.objects.filter(kind=AgencyKind.INTERNAL_UNIT).values_list(
            "parent_id", "abbreviation"
        )
    )
    missing = [
        Agency(
            name=unit.name,
            abbreviation=unit.abbreviation,
            kind=AgencyKind.INTERNAL_UNIT,
            parent_id=spec_ids[parent_code],
            level=levels[spec_ids[parent_code]] + 1,
        )
        for parent_code, units in internal_units.items()
        if parent_code in spec_ids
        for unit in units
        if (spec_ids[parent_code], unit.abbreviation) not in existing
    ]
    Agency.objects.bulk_create(missing)
    return len(missing)


@transaction.atomic
def kontum_demo_load(*, actor: Any = None) -> dict[str, int]:
    """Load the Kon Tum demo directory: units, positions, agencies and their internal units.

    Idempotent: a second run creates nothing and writes no audit entry. Returns how many rows of
    each kind were created. Codes below level 1 are demo numbering (`is_demo_code=True`, ADR 0009).
    """
    counts = {
        "administrative_units": _load_units(),
        "positions": _load_positions(),
        "agencies": _load_agencies(),
    }
    if any(counts.values()):
        audit_record(
            actor=actor,
            action=OrganizationAuditAction.DEMO_DATA_LOADED,
            data={"scope": "organizations.kontum", **counts},
        )
    return counts
