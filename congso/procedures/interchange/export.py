"""Procedures written out in the interchange format: `procedure_to_dict`."""

from __future__ import annotations

from typing import Any

from congso.organizations.constants import AgencyKind
from congso.organizations.models import Agency
from congso.procedures.interchange.format import KIND_PREFIX
from congso.procedures.models import Procedure


def _receiving_codes(procedure: Procedure, kinds: dict[str, set[int]]) -> list[str]:
    """Agency codes, with every active agency of one kind written as `kind:<kind>`."""
    agencies = list(procedure.receiving_agencies.all())
    ids = {a.pk for a in agencies}
    out: list[str] = []
    for kind, members in sorted(kinds.items()):
        if members and members <= ids:
            out.append(f"{KIND_PREFIX}{kind}")
            ids -= members
    out.extend(sorted(a.code_qcvn102 for a in agencies if a.pk in ids and a.code_qcvn102))
    return out


def active_agencies_by_kind() -> dict[str, set[int]]:
    kinds: dict[str, set[int]] = {}
    for pk, kind in Agency.objects.filter(
        is_active=True,
        code_qcvn102__isnull=False,
        kind__in=[AgencyKind.COMMUNE_COMMITTEE, AgencyKind.DISTRICT_COMMITTEE],
    ).values_list("pk", "kind"):
        kinds.setdefault(kind, set()).add(pk)
    return kinds


def procedure_to_dict(procedure: Procedure, kinds: dict[str, set[int]]) -> dict[str, Any]:
    """One procedure in the interchange format (expects the export prefetches)."""
    return {
        "code": procedure.code,
        "national_code": procedure.national_code,
        "is_demo_code": procedure.is_demo_code,
        "name": procedure.name,
        "field": procedure.field.code,
        "level": procedure.level,
        "online_level": procedure.online_level,
        "processing_days": str(procedure.processing_days),
        "fee_text": procedure.fee_text,
        "fee_amount": procedure.fee_amount,
        "implementing_agency_name": procedure.implementing_agency_name,
        "requirements": procedure.requirements,
        "result_name": procedure.result_name,
        "legal_basis": procedure.legal_basis,
        "applicant_types": list(procedure.applicant_types),
        "is_inter_agency": procedure.is_inter_agency,
        "is_published": procedure.is_published,
        "form_schema": procedure.form_schema,
        "receiving_agencies": _receiving_codes(procedure, kinds),
        "components": [
            {
                "order": c.order,
                "code": c.code,
                "name": c.name,
                "originals": c.originals,
                "copies": c.copies,
                "is_required": c.is_required,
                "accepted_types": list(c.accepted_types),
                "template": c.template.name if c.template else "",
            }
            for c in procedure.components.all()
        ],
        "steps": [
            {
                "order": s.order,
                "name": s.name,
                "agency": s.agency.code_qcvn102 if s.agency else None,
                "days": str(s.days),
                "role": s.role,
            }
            for s in procedure.steps.all()
        ],
    }
