"""Writes to the procedure catalogue. Every change is audited; an import is all or nothing."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from congso.audit.services import audit_record
from congso.core.errors import ValidationFailed
from congso.core.identity import Actor
from congso.organizations.models import Agency
from congso.procedures.constants import ProcedureAuditAction
from congso.procedures.interchange.excel import catalogue_from_xlsx, catalogue_to_xlsx
from congso.procedures.interchange.export import active_agencies_by_kind, procedure_to_dict
from congso.procedures.interchange.format import FORMAT
from congso.procedures.interchange.records import ComponentData, ProcedureData, StepData
from congso.procedures.interchange.validation import validate_catalogue
from congso.procedures.models import Procedure, ProcedureComponent, ProcessStep
from congso.procedures.text import search_text_for


@dataclass(slots=True)
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged)

    def as_dict(self) -> dict[str, Any]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


def _export_queryset(codes: list[str] | None = None) -> QuerySet[Procedure]:
    queryset = Procedure.objects.select_related("field").prefetch_related(
        "receiving_agencies", "components", "steps__agency"
    )
    if codes is not None:
        queryset = queryset.filter(code__in=codes)
    return queryset.order_by("code")


def _changed_keys(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    def canonical(value: Any) -> str:
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)

    keys = sorted(set(before) | set(after))
    return [k for k in keys if canonical(before.get(k)) != canonical(after.get(k))]


def _comparable(item: dict[str, Any]) -> dict[str, Any]:
    """Export form without the read-only template name (templates are uploaded in the admin)."""
    return {
        **item,
        "components": [
            {k: v for k, v in c.items() if k != "template"} for c in item.get("components", [])
        ],
    }


def _values(part: ComponentData | StepData) -> dict[str, Any]:
    """A validated component or step as model keyword arguments (shallow: agencies stay rows)."""
    return {f.name: getattr(part, f.name) for f in dataclass_fields(part)}


def _write(procedure: Procedure, data: ProcedureData) -> Procedure:
    for name, value in data.values.items():
        setattr(procedure, name, value)
    procedure.search_text = search_text_for(procedure.name, procedure.code, procedure.national_code)
    procedure.full_clean(exclude=["receiving_agencies"])
    procedure.save()
    procedure.receiving_agencies.set(data.receiving_agencies)
    templates = dict(procedure.components.values_list("code", "template"))
    procedure.components.all().delete()
    ProcedureComponent.objects.bulk_create(
        ProcedureComponent(procedure=procedure, template=templates.get(c.code) or "", **_values(c))
        for c in data.components
    )
    procedure.steps.all().delete()
    ProcessStep.objects.bulk_create(
        ProcessStep(procedure=procedure, **_values(s)) for s in data.steps
    )
    return procedure


def _upsert_one(
    *, actor: Actor | None, data: ProcedureData, kinds: dict[str, set[int]], source: str
) -> str:
    """Create or replace one procedure; returns "created", "updated" or "unchanged"."""
    existing = _export_queryset([data.code]).select_for_update(of=("self",)).first()
    before = _comparable(procedure_to_dict(existing, kinds)) if existing is not None else None
    procedure = _write(existing or Procedure(), data)
    procedure = _export_queryset([data.code]).get()
    after = _comparable(procedure_to_dict(procedure, kinds))
    if before is not None:
        changed = _changed_keys(before, after)
        if not changed:
            return "unchanged"
        audit_record(
            actor=actor,
            action=ProcedureAuditAction.PROCEDURE_UPDATED,
            target=procedure,
            data={"code": procedure.code, "changed": changed, "source": source},
        )
        return "updated"
    audit_record(
        actor=actor,
        action=ProcedureAuditAction.PROCEDURE_CREATED,
        target=procedure,
        data={"code": procedure.code, "name": procedure.name, "source": source},
    )
    return "created"


@transaction.atomic
def procedure_upsert(*, actor: Actor | None, data: dict[str, Any]) -> tuple[Procedure, str]:
    """Create or replace one procedure given in the interchange format (docs/procedures.md).

    Components and steps are replaced as a whole; uploaded component templates are kept by
    component code. Returns the procedure and "created", "updated" or "unchanged" (nothing
    written, no audit entry).
    """
    (clean,) = validate_catalogue([data])
    outcome = _upsert_one(actor=actor, data=clean, kinds=active_agencies_by_kind(), source="upsert")
    return Procedure.objects.get(code=clean.code), outcome


@transaction.atomic
def procedure_import(
    *, actor: Actor | None = None, data: Any, source: str = "json"
) -> ImportResult:
    """Import a catalogue document (JSON form): every procedure is checked before any is written.

    A document with any problem raises `ValidationFailed(code="procedure_import_invalid")` whose
    `details["errors"]` lists every problem (path, code, message); nothing is written then.
    Procedures absent from the document are left as they are (an import never deletes).
    """
    if not isinstance(data, dict | list):
        raise ValidationFailed(_("Tệp nhập không phải JSON hợp lệ."), code="invalid_import_format")
    if isinstance(data, dict) and data.get("format", FORMAT) != FORMAT:
        raise ValidationFailed(
            _("Định dạng “%(format)s” không được hỗ trợ; cần “%(expected)s”.")
            % {"format": data.get("format"), "expected": FORMAT},
            code="invalid_import_format",
        )
    cleaned = validate_catalogue(data)
    kinds = active_agencies_by_kind()
    result = ImportResult()
    for item in cleaned:
        outcome = _upsert_one(actor=actor, data=item, kinds=kinds, source=source)
        getattr(result, outcome).append(item.code)
    audit_record(
        actor=actor,
        action=ProcedureAuditAction.PROCEDURE_IMPORTED,
        data={
            "source": source,
            "created": len(result.created),
            "updated": len(result.updated),
            "unchanged": len(result.unchanged),
        },
    )
    return result


def procedure_import_json(*, actor: Actor | None, content: bytes | str) -> ImportResult:
    try:
        data = json.loads(content)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        # json recurses once per nesting level: a file of 5,000 "[" exhausts the stack
        raise ValidationFailed(
            _("Tệp nhập không phải JSON hợp lệ."), code="invalid_import_format"
        ) from error
    return procedure_import(actor=actor, data=data, source="json")


def procedure_import_xlsx(*, actor: Actor | None, content: bytes) -> ImportResult:
    return procedure_import(actor=actor, data=catalogue_from_xlsx(content), source="xlsx")


def procedure_export(
    *, actor: Actor | None = None, codes: list[str] | None = None
) -> dict[str, Any]:
    """The catalogue (or the listed procedures) in the JSON interchange format; audited."""
    kinds = active_agencies_by_kind()
    procedures = [procedure_to_dict(p, kinds) for p in _export_queryset(codes)]
    if actor is not None:
        audit_record(
            actor=actor,
            action=ProcedureAuditAction.PROCEDURE_EXPORTED,
            data={"count": len(procedures)},
        )
    return {"format": FORMAT, "procedures": procedures}


def procedure_export_xlsx(*, actor: Actor | None = None, codes: list[str] | None = None) -> bytes:
    return catalogue_to_xlsx(procedure_export(actor=actor, codes=codes)["procedures"])


# --- admin edits ---------------------------------------------------------------------------------


@transaction.atomic
def procedure_save(*, actor: Actor | None, procedure: Procedure) -> Procedure:
    """Save the procedure's own fields (admin form), keeping `search_text` in step; audited."""
    fields = [
        f.attname for f in Procedure._meta.concrete_fields if f.editable and not f.primary_key
    ]
    stored = (
        Procedure.objects.select_for_update().filter(pk=procedure.pk).values(*fields).first()
        if procedure.pk is not None
        else None
    )
    procedure.search_text = search_text_for(procedure.name, procedure.code, procedure.national_code)
    procedure.full_clean(exclude=["receiving_agencies"])
    procedure.save()
    if stored is None:
        audit_record(
            actor=actor,
            action=ProcedureAuditAction.PROCEDURE_CREATED,
            target=procedure,
            data={"code": procedure.code, "name": procedure.name, "source": "admin"},
        )
    else:
        changed = sorted(f for f in fields if stored[f] != getattr(procedure, f))
        if changed:
            audit_record(
                actor=actor,
                action=ProcedureAuditAction.PROCEDURE_UPDATED,
                target=procedure,
                data={"code": procedure.code, "changed": changed, "source": "admin"},
            )
    return procedure


@transaction.atomic
def procedure_part_save(
    *, actor: Actor | None, part: ProcedureComponent | ProcessStep, delete: bool = False
) -> None:
    """Add, change or remove one component or step of a procedure (admin inline); audited."""
    kind = "component" if isinstance(part, ProcedureComponent) else "step"
    label = str(part)
    if delete:
        part.delete()
    else:
        fields = [f.attname for f in type(part)._meta.concrete_fields if f.editable]
        stored = type(part)._default_manager.filter(pk=part.pk).values(*fields).first()
        if stored is not None and all(stored[f] == getattr(part, f) for f in fields):
            return  # an inline row saved without a change
        part.full_clean()
        part.save()
    audit_record(
        actor=actor,
        action=ProcedureAuditAction.PROCEDURE_UPDATED,
        target=part.procedure,
        data={
            "code": part.procedure.code,
            "changed": [f"{kind}s"],
            kind: label,
            "deleted": delete,
            "source": "admin",
        },
    )


@transaction.atomic
def procedure_receiving_agencies_set(
    *, actor: Actor | None, procedure: Procedure, agencies: Iterable[Agency]
) -> bool:
    """Replace the one-stop desks that receive the procedure; audited when the set changes."""
    wanted = {a.pk for a in agencies}
    current = set(procedure.receiving_agencies.values_list("pk", flat=True))
    if wanted == current:
        return False
    procedure.receiving_agencies.set(wanted)
    audit_record(
        actor=actor,
        action=ProcedureAuditAction.PROCEDURE_UPDATED,
        target=procedure,
        data={
            "code": procedure.code,
            "changed": ["receiving_agencies"],
            "added": len(wanted - current),
            "removed": len(current - wanted),
        },
    )
    return True
