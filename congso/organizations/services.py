"""Writes to the organisation directory: agencies, administrative units, positions.

Every function checks its rules before the first write, runs in one transaction and records one
audit entry per state change (ADR 0005); the admin and the API both come through here.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from congso.audit.services import audit_record
from congso.core.errors import Conflict, ValidationFailed
from congso.core.identity import Actor
from congso.organizations.constants import AgencyKind, OrganizationAuditAction
from congso.organizations.models import AdministrativeUnit, Agency, Position
from congso.organizations.rules import (
    DUPLICATE_AGENCY_CODE,
    administrative_unit_check,
    administrative_unit_resolve,
    agency_check,
    agency_resolve_parent,
)

AGENCY_UPDATABLE_FIELDS = frozenset(
    {
        "name",
        "short_name",
        "abbreviation",
        "kind",
        "parent",
        "administrative_unit",
        "code_qcvn102",
        "code_qd20",
        "is_demo_code",
        "place_name",
    }
)
_AUDITED_FIELDS = (
    "name",
    "short_name",
    "abbreviation",
    "kind",
    "parent_id",
    "administrative_unit_id",
    "code_qcvn102",
    "code_qd20",
    "is_demo_code",
    "place_name",
    "level",
)


def _snapshot(instance: models.Model, fields: tuple[str, ...]) -> dict[str, Any]:
    return {field: getattr(instance, field) for field in fields}


def _save_agency(agency: Agency, **kwargs: Any) -> None:
    """Save, turning a unique-code race lost to a concurrent writer into the usual Conflict."""
    try:
        with transaction.atomic():
            agency.save(**kwargs)
    except IntegrityError as exc:
        raise Conflict(
            _("Mã định danh hoặc chữ viết tắt vừa được dùng cho cơ quan khác; hãy kiểm tra lại."),
            code=DUPLICATE_AGENCY_CODE,
        ) from exc


@transaction.atomic
def agency_create(
    *,
    actor: Actor | None,
    name: str,
    abbreviation: str,
    kind: str,
    parent: Agency | int | None = None,
    administrative_unit: AdministrativeUnit | int | None = None,
    code_qcvn102: str | None = None,
    code_qd20: str | None = None,
    is_demo_code: bool = False,
    place_name: str = "",
    short_name: str = "",
) -> Agency:
    """Add an agency, or an internal unit (phòng, ban) of one, to the directory.

    A coded agency sits exactly under the agency its code names: `000.00.05.H34` (cấp 2) under
    `000.00.00.H34`, `000.12.05.H34` (cấp 3) under `000.00.05.H34` (QCVN 102:2016, read right to
    left; QĐ 20/2020/QĐ-TTg groups read left to right). An internal unit has a parent and no code.
    A code already held by another agency is a `Conflict` naming that agency.
    """
    parent_agency = agency_resolve_parent(parent)
    agency = Agency(
        name=name,
        short_name=short_name,
        abbreviation=abbreviation,
        kind=kind,
        parent=parent_agency,
        administrative_unit=administrative_unit_resolve(administrative_unit),
        code_qcvn102=code_qcvn102,
        code_qd20=code_qd20,
        is_demo_code=is_demo_code,
        place_name=place_name,
    )
    agency.level = agency_check(agency, parent=parent_agency)
    agency.full_clean()
    _save_agency(agency)
    audit_record(
        actor=actor,
        action=OrganizationAuditAction.AGENCY_CREATED,
        target=agency,
        agency_id=agency.pk,
        data=_snapshot(agency, _AUDITED_FIELDS),
    )
    return agency


def _relevel_descendants(agency: Agency) -> None:
    """Uncoded descendants sit one level below their parent; coded ones keep their code's level."""
    frontier = [agency]
    while frontier:
        children = list(
            Agency.objects.filter(
                parent_id__in=[node.pk for node in frontier],
                code_qcvn102__isnull=True,
                code_qd20__isnull=True,
            )
        )
        levels = {node.pk: node.level for node in frontier}
        changed = []
        for child in children:
            level = levels[int(child.parent_id or 0)] + 1
            if child.level != level:
                child.level = level
                changed.append(child)
        Agency.objects.bulk_update(changed, ["level"])
        frontier = children


@transaction.atomic
def agency_update(*, actor: Actor | None, agency: Agency, **fields: Any) -> Agency:
    """Change an agency's details, codes or place in the tree; every rule of `agency_create` holds.

    An agency whose subordinate agencies carry codes cannot change its own codes: theirs embed it
    (QCVN 102:2016 reads the groups right to left, QĐ 20/2020 left to right).
    """
    unknown = sorted(set(fields) - AGENCY_UPDATABLE_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("Không thể sửa trường: %(fields)s.") % {"fields": ", ".join(unknown)},
            code="unknown_field",
            field=unknown[0],
        )
    current = Agency.objects.select_for_update().get(pk=agency.pk)
    before = _snapshot(current, _AUDITED_FIELDS)
    if "parent" in fields:
        current.parent = agency_resolve_parent(fields.pop("parent"))
    if "administrative_unit" in fields:
        current.administrative_unit = administrative_unit_resolve(fields.pop("administrative_unit"))
    for field, value in fields.items():
        setattr(current, field, value)
    parent = agency_resolve_parent(current.parent_id) if current.parent_id else None
    current.level = agency_check(
        current, parent=parent, is_new_placement=current.parent_id != before["parent_id"]
    )
    after = _snapshot(current, _AUDITED_FIELDS)
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if not changes:
        return current
    codes_changed = {"code_qcvn102", "code_qd20"} & set(changes)
    if codes_changed and _has_coded_children(current):
        raise Conflict(
            _(
                "%(name)s có cơ quan cấp dưới mang mã định danh dựa trên mã của nó; "
                "hãy sửa mã của các cơ quan đó trước."
            )
            % {"name": current.name},
            code="agency_has_coded_children",
            field=sorted(codes_changed)[0],
        )
    if "kind" in changes and current.is_internal_unit and _has_non_internal_children(current):
        raise ValidationFailed(
            _("Cơ quan có cơ quan cấp dưới không thể trở thành đơn vị nội bộ."),
            code="agency_parent_mismatch",
            field="kind",
        )
    current.full_clean()
    update_fields = [key.removesuffix("_id") for key in changes] + ["updated_at"]
    _save_agency(current, update_fields=update_fields)
    if "level" in changes:
        _relevel_descendants(current)
    audit_record(
        actor=actor,
        action=OrganizationAuditAction.AGENCY_UPDATED,
        target=current,
        agency_id=current.pk,
        data={"changes": changes},
    )
    return current


def _has_coded_children(agency: Agency) -> bool:
    return (
        Agency.objects.filter(parent=agency)
        .filter(models.Q(code_qcvn102__isnull=False) | models.Q(code_qd20__isnull=False))
        .exists()
    )


def _has_non_internal_children(agency: Agency) -> bool:
    return Agency.objects.filter(parent=agency).exclude(kind=AgencyKind.INTERNAL_UNIT).exists()


@transaction.atomic
def agency_deactivate(*, actor: Actor | None, agency: Agency) -> Agency:
    """Mark an agency as no longer operating; it stays in the directory and in past records.

    An agency with operating units or subordinate agencies is closed only after they are.
    Deactivating an inactive agency changes nothing.
    """
    current = Agency.objects.select_for_update().get(pk=agency.pk)
    if not current.is_active:
        return current
    active_child = Agency.objects.filter(parent=current, is_active=True).first()
    if active_child is not None:
        raise Conflict(
            _("%(name)s còn đơn vị trực thuộc đang hoạt động (%(child)s).")
            % {"name": current.name, "child": active_child.name},
            code="agency_has_active_children",
            details={"agency_id": active_child.pk},
        )
    current.is_active = False
    current.save(update_fields=["is_active", "updated_at"])
    audit_record(
        actor=actor,
        action=OrganizationAuditAction.AGENCY_DEACTIVATED,
        target=current,
        agency_id=current.pk,
    )
    return current


@transaction.atomic
def agency_activate(*, actor: Actor | None, agency: Agency) -> Agency:
    """Put an agency back into operation; its parent must be operating."""
    current = Agency.objects.select_for_update().get(pk=agency.pk)
    if current.is_active:
        return current
    parent = agency_resolve_parent(current.parent_id) if current.parent_id else None
    if parent is not None and not parent.is_active:
        raise ValidationFailed(
            _("%(name)s đã ngừng hoạt động; hãy kích hoạt cơ quan cấp trên trước.")
            % {"name": parent.name},
            code="inactive_agency",
            field="parent",
        )
    current.is_active = True
    current.save(update_fields=["is_active", "updated_at"])
    audit_record(
        actor=actor,
        action=OrganizationAuditAction.AGENCY_ACTIVATED,
        target=current,
        agency_id=current.pk,
    )
    return current


def _changes(instance: models.Model, fields: tuple[str, ...]) -> dict[str, list[Any]] | None:
    """Field changes against the stored row, or None for a new row."""
    if instance.pk is None:
        return None
    stored = type(instance)._default_manager.filter(pk=instance.pk).values(*fields).first()
    if stored is None:
        return None
    return {
        field: [stored[field], getattr(instance, field)]
        for field in fields
        if stored[field] != getattr(instance, field)
    }


@transaction.atomic
def administrative_unit_save(
    *, actor: Actor | None, unit: AdministrativeUnit
) -> AdministrativeUnit:
    """Create or correct an administrative unit (QĐ 124/2004/QĐ-TTg codes).

    A province has no parent; a district sits under a province and a commune under a district.
    """
    administrative_unit_check(unit)
    fields = ("gso_code", "name", "kind", "level", "parent_id")
    changes = _changes(unit, fields)
    if changes == {}:
        return unit
    unit.full_clean()
    unit.save()
    audit_record(
        actor=actor,
        action=OrganizationAuditAction.ADMIN_UNIT_CREATED
        if changes is None
        else OrganizationAuditAction.ADMIN_UNIT_UPDATED,
        target=unit,
        data=_snapshot(unit, fields) if changes is None else {"changes": changes},
    )
    return unit


@transaction.atomic
def position_save(*, actor: Actor | None, position: Position) -> Position:
    """Create or change a position (chức vụ); names are unique."""
    fields = ("name", "is_leadership", "rank")
    changes = _changes(position, fields)
    if changes == {}:
        return position
    position.full_clean()
    position.save()
    audit_record(
        actor=actor,
        action=OrganizationAuditAction.POSITION_CREATED
        if changes is None
        else OrganizationAuditAction.POSITION_UPDATED,
        target=position,
        data=_snapshot(position, fields) if changes is None else {"changes": changes},
    )
    return position
