"""`{{ amount|vnd }}` → "1.250.000 đ" (Vietnamese thousands separator)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


def format_vnd(amount: Any) -> str:
    try:
        value = int(amount)
    except (TypeError, ValueError):
        return ""
    return f"{value:,}".replace(",", ".") + " đ"


@register.filter(name="vnd")
def vnd(amount: Any) -> str:
    return format_vnd(amount)
