"""The message templates: one Django template per key and part, in Vietnamese.

`notifications/<key>/subject.txt` (one line), `email.txt` and `sms.txt` (short, no diacritics
needed but allowed: carriers accept Unicode SMS at a shorter length).
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

TEMPLATE_KEYS = frozenset(
    {
        "dossier_submitted",
        "dossier_status_changed",
        "payment_received",
    }
)


def render_part(template_key: str, part: str, context: dict[str, Any]) -> str:
    with translation.override("vi"):
        text = render_to_string(f"notifications/{template_key}/{part}.txt", context)
    return text.strip()


def render_subject(template_key: str, context: dict[str, Any]) -> str:
    return " ".join(render_part(template_key, "subject", context).split())[:255]
