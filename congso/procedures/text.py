"""Vietnamese text folding for diacritic-insensitive search (Django-free)."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, strip Vietnamese diacritics (đ → d) and collapse spaces.

    >>> fold("Đăng ký  KẾT HÔN")
    'dang ky ket hon'
    """
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", text).strip()


def search_text_for(name: str, code: str, national_code: str = "") -> str:
    """The stored `Procedure.search_text`: folded name and codes."""
    return " ".join(part for part in (fold(name), code.lower(), national_code.lower()) if part)
