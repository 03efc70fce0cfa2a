"""Vietnamese text folding for diacritic-insensitive search ("cong van" finds "Công văn").

Django-free. The one implementation: the documents search index (`documents.text`) and the
procedures' stored `search_text` (`procedures.text`) both fold with it, so a change here changes
what is stored: rebuild both after one.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, strip tone and vowel marks, đ → d, collapse white space.

    >>> fold("Đăng ký  KẾT HÔN")
    'dang ky ket hon'
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped.lower()).strip()
