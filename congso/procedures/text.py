"""Vietnamese text folding for diacritic-insensitive procedure search (Django-free); `fold` is
`congso.core.text.fold`, re-exported so that callers keep importing it from here."""

from __future__ import annotations

from congso.core.text import fold

__all__ = ["fold", "search_text_for"]


def search_text_for(name: str, code: str, national_code: str = "") -> str:
    """The stored `Procedure.search_text`: folded name and codes."""
    return " ".join(part for part in (fold(name), code.lower(), national_code.lower()) if part)
