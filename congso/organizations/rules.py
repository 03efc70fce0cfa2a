"""The rules an agency must satisfy before it is saved; used by the services and the admin form.

Where a rule comes from: docs standards.md §2.1 (QCVN 102:2016 levels, read right to left: cấp 1 =
UBND tỉnh; cấp 2 = sở, ban, ngành, UBND huyện; cấp 3 = đơn vị thuộc sở and UBND xã), §2.2 (QĐ 20:
level-1 code first, then one group per level, left to right) and §2.3 (provinces carry H codes).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from congso.core.errors import Conflict, NotFound, ValidationFailed
from congso.organizations.constants import AgencyKind
from congso.organizations.models import AdministrativeUnit, Agency
from congso.organizations.validators import (
    qcvn102_level,
    qcvn102_level1_group,
    qcvn102_parent_code,
    qd20_level,
    validate_qcvn102_code,
    validate_qd20_code,
)

DUPLICATE_AGENCY_CODE = "duplicate_agency_code"
UNKNOWN_AGENCY = "unknown_agency"
AGENCY_PARENT_MISMATCH = "agency_parent_mismatch"

# Which kind of agency a kind must sit under (None: a root). Kinds not listed may sit anywhere.
_REQUIRED_PARENT_KIND: dict[str, str | None] = {
    AgencyKind.PROVINCIAL_COMMITTEE: None,
    AgencyKind.DISTRICT_COMMITTEE: AgencyKind.PROVINCIAL_COMMITTEE,
    AgencyKind.COMMUNE_COMMITTEE: AgencyKind.DISTRICT_COMMITTEE,
}
# The QCVN 102 level a coded agency of this kind has (standards §2.1).
_KIND_LEVEL: dict[str, int] = {
    AgencyKind.PROVINCIAL_COMMITTEE: 1,
    AgencyKind.DISTRICT_COMMITTEE: 2,
    AgencyKind.COMMUNE_COMMITTEE: 3,
}


def agency_resolve_parent(parent: Agency | int | None) -> Agency | None:
    """The parent as stored now; a missing one is `NotFound` with code `unknown_agency`."""
    if parent is None:
        return None
    pk = parent.pk if isinstance(parent, Agency) else parent
    found = Agency.objects.filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise NotFound(
            _("Không tìm thấy cơ quan cấp trên (id %(id)s).") % {"id": pk},
            code=UNKNOWN_AGENCY,
            field="parent",
        )
    return found


def administrative_unit_resolve(
    unit: AdministrativeUnit | int | None,
) -> AdministrativeUnit | None:
    if unit is None:
        return None
    pk = unit.pk if isinstance(unit, AdministrativeUnit) else unit
    found = AdministrativeUnit.objects.filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise NotFound(
            _("Không tìm thấy đơn vị hành chính (id %(id)s).") % {"id": pk},
            code="unknown_administrative_unit",
            field="administrative_unit",
        )
    return found


def administrative_unit_check(unit: AdministrativeUnit) -> None:
    """A province has no parent; a district sits under a province, a commune under a district."""
    parent = (
        AdministrativeUnit.objects.filter(pk=unit.parent_id).first() if unit.parent_id else None
    )
    expected = (unit.level or 1) - 1
    if (parent.level if parent is not None else 0) != expected:
        raise ValidationFailed(
            _("Đơn vị hành chính cấp %(level)s phải thuộc một đơn vị cấp %(above)s.")
            % {"level": unit.level, "above": expected}
            if expected
            else _("Đơn vị hành chính cấp tỉnh không thuộc đơn vị nào."),
            code="administrative_unit_parent_mismatch",
            field="parent",
        )


def _mismatch(message: str, field: str = "parent") -> ValidationFailed:
    return ValidationFailed(message, code=AGENCY_PARENT_MISMATCH, field=field)


def _check_kind(agency: Agency) -> None:
    if agency.kind not in AgencyKind.values:
        raise ValidationFailed(
            _("Loại cơ quan “%(kind)s” không có trong danh mục.") % {"kind": agency.kind},
            code="invalid_agency_kind",
            field="kind",
        )


def _check_internal_unit(agency: Agency, parent: Agency | None) -> None:
    """An internal unit (phòng, ban) belongs to an agency and carries no identifier of its own."""
    if parent is None:
        raise ValidationFailed(
            _("Đơn vị nội bộ (phòng, ban) phải thuộc một cơ quan cấp trên."),
            code="internal_unit_needs_parent",
            field="parent",
        )
    if agency.code_qcvn102 or agency.code_qd20:
        raise ValidationFailed(
            _("Đơn vị nội bộ (phòng, ban) không có mã định danh riêng; để trống hai ô mã."),
            code="internal_unit_has_no_codes",
            field="code_qcvn102" if agency.code_qcvn102 else "code_qd20",
        )
    sibling = (
        Agency.objects.filter(
            parent=parent, kind=AgencyKind.INTERNAL_UNIT, abbreviation=agency.abbreviation
        )
        .exclude(pk=agency.pk)
        .first()
    )
    if sibling is not None:
        raise Conflict(
            _("Chữ viết tắt “%(abbr)s” đã được dùng cho %(name)s của %(parent)s.")
            % {"abbr": agency.abbreviation, "name": sibling.name, "parent": parent.name},
            code="duplicate_unit_abbreviation",
            field="abbreviation",
            details={"agency_id": sibling.pk},
        )


def _check_unique_codes(agency: Agency) -> None:
    for field, label in (("code_qcvn102", "QCVN 102:2016"), ("code_qd20", "QĐ 20/2020/QĐ-TTg")):
        value = getattr(agency, field)
        if not value:
            continue
        holder = Agency.objects.filter(**{field: value}).exclude(pk=agency.pk).first()
        if holder is not None:
            raise Conflict(
                _("Mã định danh %(code)s (%(form)s) đã được dùng cho %(name)s.")
                % {"code": value, "form": label, "name": holder.name},
                code=DUPLICATE_AGENCY_CODE,
                field=field,
                details={"agency_id": holder.pk, "agency_name": holder.name},
            )


def _coded_level(agency: Agency) -> int | None:
    """The level the identifiers give, after checking that the two forms agree (§2.1, §2.2)."""
    level: int | None = None
    if agency.code_qcvn102:
        validate_qcvn102_code(agency.code_qcvn102)
        level = qcvn102_level(agency.code_qcvn102)
    if agency.code_qd20:
        validate_qd20_code(agency.code_qd20)
        qd20 = qd20_level(agency.code_qd20)
        if agency.code_qcvn102 and level is not None:
            level1 = qcvn102_level1_group(agency.code_qcvn102)
            if agency.code_qd20.split(".")[0] != level1 or qd20 != level:
                raise ValidationFailed(
                    _(
                        "Hai mã định danh không khớp: mã QĐ 20 phải bắt đầu bằng mã cấp 1 "
                        "%(level1)s và có %(level)d nhóm (một nhóm cho mỗi cấp), như mã "
                        "QCVN 102 %(code)s."
                    )
                    % {"level1": level1, "level": level, "code": agency.code_qcvn102},
                    code="agency_code_mismatch",
                    field="code_qd20",
                )
        level = qd20 if level is None else level
    return level


def _check_coded_parent(agency: Agency, parent: Agency | None, level: int) -> None:
    """A coded agency sits exactly under the agency its code names (read right to left)."""
    if level == 1:
        if parent is not None:
            raise _mismatch(_("Cơ quan có mã cấp 1 là cơ quan gốc, không có cơ quan cấp trên."))
        return
    code = agency.code_qcvn102
    if code:
        expected = qcvn102_parent_code(code)
        if parent is None or parent.code_qcvn102 != expected:
            raise _mismatch(
                _(
                    "Mã %(code)s là mã cấp %(level)d (đọc từ phải sang trái, QCVN 102:2016): "
                    "cơ quan cấp trên phải là cơ quan có mã %(expected)s."
                )
                % {"code": code, "level": level, "expected": expected}
            )
    if parent is None or parent.level != level - 1:
        raise _mismatch(
            _("Cơ quan có mã cấp %(level)d phải thuộc một cơ quan cấp %(above)d.")
            % {"level": level, "above": level - 1}
        )
    if agency.code_qd20 and parent.code_qd20:
        if not agency.code_qd20.startswith(parent.code_qd20 + "."):
            raise _mismatch(
                _(
                    "Mã QĐ 20 %(code)s phải bắt đầu bằng mã của cơ quan cấp trên "
                    "%(parent_code)s (các nhóm đọc từ trái sang phải, QĐ 20/2020/QĐ-TTg)."
                )
                % {"code": agency.code_qd20, "parent_code": parent.code_qd20},
                field="code_qd20",
            )


def _check_kind_placement(agency: Agency, parent: Agency | None, level: int | None) -> None:
    """UBND tỉnh → huyện → xã at QCVN 102 levels 1, 2, 3 (§2.1); H codes for provinces (§2.3)."""
    kind = str(agency.kind)
    if kind in _REQUIRED_PARENT_KIND:
        required = _REQUIRED_PARENT_KIND[kind]
        actual = parent.kind if parent is not None else None
        if actual != required:
            raise _mismatch(
                _("%(kind)s phải thuộc %(required)s.")
                % {
                    "kind": AgencyKind(kind).label,
                    "required": AgencyKind(required).label if required else _("không cơ quan nào"),
                }
            )
    if level is not None and kind in _KIND_LEVEL and level != _KIND_LEVEL[kind]:
        raise ValidationFailed(
            _("%(kind)s mang mã định danh cấp %(expected)d, không phải cấp %(level)d.")
            % {"kind": AgencyKind(kind).label, "expected": _KIND_LEVEL[kind], "level": level},
            code="agency_kind_level_mismatch",
            field="code_qcvn102",
        )
    if level is not None and kind == AgencyKind.PROVINCIAL_BODY and level < 2:
        raise ValidationFailed(
            _("Cơ quan chuyên môn, đơn vị thuộc tỉnh mang mã cấp 2 trở xuống, không phải cấp 1."),
            code="agency_kind_level_mismatch",
            field="code_qcvn102",
        )
    code = agency.code_qcvn102 or agency.code_qd20
    if kind == AgencyKind.PROVINCIAL_COMMITTEE and code:
        level1 = code.rsplit(".", 1)[1] if agency.code_qcvn102 else code.split(".")[0]
        if not level1.startswith("H"):
            raise ValidationFailed(
                _("Mã cấp 1 của UBND tỉnh bắt đầu bằng chữ H (ví dụ H34), không phải %(code)s.")
                % {"code": level1},
                code="agency_kind_level_mismatch",
                field="code_qcvn102" if agency.code_qcvn102 else "code_qd20",
            )


def _check_parent(agency: Agency, parent: Agency | None, *, is_new_placement: bool) -> None:
    if parent is None:
        return
    if parent.is_internal_unit and not agency.is_internal_unit:
        raise _mismatch(_("Dưới một phòng, ban chỉ có thể đặt phòng, ban (đơn vị nội bộ)."))
    if not parent.is_active and is_new_placement:
        raise ValidationFailed(
            _("%(name)s đã ngừng hoạt động, không thể nhận đơn vị mới.") % {"name": parent.name},
            code="inactive_agency",
            field="parent",
        )
    if agency.pk is None:
        return
    node: Agency | None = parent
    while node is not None:  # a short walk: the tree is a few levels deep
        if node.pk == agency.pk:
            raise _mismatch(
                _("Không thể đặt một cơ quan dưới chính nó hoặc đơn vị cấp dưới của nó.")
            )
        node = agency_resolve_parent(node.parent_id) if node.parent_id else None


def agency_check(agency: Agency, *, parent: Agency | None, is_new_placement: bool = True) -> int:
    """Check every placement and identifier rule for `agency` under `parent`; return its level.

    `is_new_placement`: the agency is new or moves to `parent` (an inactive agency takes no new
    units, but those it has keep their place).
    Raises `ValidationFailed`, `Conflict` (`duplicate_agency_code`, `duplicate_unit_abbreviation`)
    naming the rule broken. Reads only; writes nothing.
    """
    _check_kind(agency)
    agency.code_qcvn102 = (agency.code_qcvn102 or "").strip() or None
    agency.code_qd20 = (agency.code_qd20 or "").strip() or None
    _check_parent(agency, parent, is_new_placement=is_new_placement)
    if agency.is_internal_unit:
        _check_internal_unit(agency, parent)
        return parent.level + 1 if parent is not None else 1
    level = _coded_level(agency)
    _check_unique_codes(agency)
    _check_kind_placement(agency, parent, level)
    if level is not None:
        _check_coded_parent(agency, parent, level)
        return level
    return parent.level + 1 if parent is not None else 1
