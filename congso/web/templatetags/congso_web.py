"""Small display helpers for the portal's templates."""

from __future__ import annotations

from django import template

from congso.organizations.constants import AdministrativeUnitKind, AgencyKind

register = template.Library()

VISIBLE_ID_DIGITS = 4


@register.filter
def agency_kind_label(value: str) -> str:
    try:
        return str(AgencyKind(value).label)
    except ValueError:
        return value


@register.filter
def unit_kind_label(value: str) -> str:
    try:
        return str(AdministrativeUnitKind(value).label)
    except ValueError:
        return value


@register.filter
def mask_id_number(value: str | None) -> str:
    """Show only the last four digits of a CCCD number or tax code: `********5678`."""
    if not value:
        return ""
    shown = value[-VISIBLE_ID_DIGITS:]
    return "*" * max(len(value) - VISIBLE_ID_DIGITS, 0) + shown
