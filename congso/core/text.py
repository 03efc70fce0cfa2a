"""Vietnamese text folding for diacritic-insensitive search ("cong van" finds "Công văn"), and
the check for text PostgreSQL cannot store.

Django-free. The one implementation: the documents search index (`documents.text`) and the
procedures' stored `search_text` (`procedures.text`) both fold with it, so a change here changes
what is stored: rebuild both after one.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, strip tone and vowel marks, đ → d, collapse white space.

    >>> fold("Đăng ký  KẾT HÔN")
    'dang ky ket hon'
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped.lower()).strip()


def has_nul(value: Any) -> bool:
    """True when the NUL character (U+0000) is anywhere in `value`: a string, or a JSON-like list
    or object (keys included, at any depth). PostgreSQL stores it neither in text nor in jsonb,
    so a write would fail long after the input was accepted.

    >>> has_nul({"a": ["x", "y\x00"]}), has_nul("đủ")
    (True, False)
    """
    pending = [value]
    while pending:  # a loop, not recursion: a deeply nested value cannot exhaust the stack
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list | tuple):
            pending.extend(item)
    return False
