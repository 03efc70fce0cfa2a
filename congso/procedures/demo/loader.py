"""Load the demo procedure catalogue; safe to run again (unchanged procedures are not rewritten).

procedures.json holds, besides the interchange document, the few agencies outside the Kon Tum
demo tree that the liên thông procedures hand work to (Công an tỉnh, Bảo hiểm xã hội tỉnh,
Cục Thuế tỉnh). These are centrally managed bodies, not under UBND tỉnh; the directory's QCVN 102
structure still files them as level-2 entries with demo numbers 21–23 (`is_demo_code`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction

from congso.core.errors import ValidationFailed
from congso.core.identity import Actor
from congso.organizations.models import Agency
from congso.organizations.services import agency_create
from congso.procedures.services import procedure_import

DEMO_FILE = Path(__file__).with_name("procedures.json")
PROVINCE_CODE = "000.00.00.H34"


def demo_document() -> dict[str, Any]:
    return json.loads(DEMO_FILE.read_text(encoding="utf-8"))


@transaction.atomic
def procedure_demo_load(*, actor: Actor | None = None) -> dict[str, int]:
    """Create the missing helper agencies, then import the demo catalogue (all or nothing).

    Needs the Kon Tum organisation (`kontum_demo_load`) first: receiving agencies are every
    UBND xã / UBND huyện and the Trung tâm Phục vụ hành chính công tỉnh.
    """
    document = demo_document()
    province = Agency.objects.filter(code_qcvn102=PROVINCE_CODE).first()
    if province is None:
        raise ValidationFailed(
            "Chưa có dữ liệu mẫu tổ chức tỉnh Kon Tum; hãy nạp cơ quan trước (kontum_demo_load).",
            code="demo_organisation_missing",
        )
    existing = set(
        Agency.objects.filter(
            code_qcvn102__in=[a["code_qcvn102"] for a in document["agencies"]]
        ).values_list("code_qcvn102", flat=True)
    )
    agencies = 0
    for spec in document["agencies"]:
        if spec["code_qcvn102"] in existing:
            continue
        agency_create(
            actor=actor,
            name=spec["name"],
            abbreviation=spec["abbreviation"],
            kind=spec["kind"],
            parent=province,
            code_qcvn102=spec["code_qcvn102"],
            is_demo_code=True,
            place_name="Kon Tum",
        )
        agencies += 1
    result = procedure_import(
        actor=actor,
        data={"format": document["format"], "procedures": document["procedures"]},
        source="demo",
    )
    return {"procedure agencies": agencies, "procedures": len(result.created) + len(result.updated)}
