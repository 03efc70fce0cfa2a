"""What the index stores and what a query means, independent of the database.

Index and query go through the same two steps, so they always agree: `fold` (Vietnamese
diacritics off, lower case) and `index_words` (words only, single spaces). A query is a list of
words (all must occur; the last one may be the start of a word) and quoted phrases (words in that
order). A query that is a số/ký hiệu on its own ("12/UBND-VX", "05/QĐ-UBND") also matches the
number and notation exactly (Nghị định 30/2020/NĐ-CP, Phụ lục I, mục II.3: "/" between số and ký
hiệu, "-" between groups).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from congso.documents.text import fold

MAX_TERMS = 12
MAX_TERM_CHARS = 40
_WORD = re.compile(r"[^\W_]+")
_PHRASE = re.compile(r'"([^"]*)"')
_NOTATION = re.compile(r"^\s*(?:s[oố]\s*:?\s*)?(\d{1,11})\s*/\s*([^\W_]+(?:-[^\W_]+)*)\s*$", re.I)


_NOTATION_IN_TEXT = re.compile(r"(?<![\w/])(\d{1,11})\s*/\s*([^\W_]+(?:-[^\W_]+)*)")


def notation_token(key: str) -> str:
    """One index word for a số/ký hiệu ("12/UBND-VX" → "nk12ubndvx"): a reply that cites a
    document is found by one rare word, not by a phrase of common ones ("12" is in every date)."""
    number, _, notation = key.partition("/")
    return "nk" + number + "".join(_WORD.findall(fold(notation)))


def index_words(text: str) -> str:
    """Folded words separated by one space (what both full-text engines tokenise), followed by
    one `notation_token` for every số/ký hiệu written in the text."""
    folded = fold(text or "")
    words = _WORD.findall(folded)
    for match in _NOTATION_IN_TEXT.finditer(folded):
        words.append(notation_token(f"{int(match.group(1))}/{match.group(2)}"))
    return " ".join(words)


def notation_key(number_notation: str) -> str:
    """Comparison key of a số/ký hiệu: folded, upper case, leading zeros of the number dropped.

    "05/QĐ-UBND", "5/qd-ubnd" and "05/QD-UBND" share the key "5/QD-UBND".
    """
    match = _NOTATION.match(number_notation or "")
    if match is None:
        return fold(number_notation or "").upper().replace(" ", "")[:50]
    number, notation = match.groups()
    return f"{int(number)}/{fold(notation).upper()}"[:50]


def _words(text: str) -> list[str]:
    return [word[:MAX_TERM_CHARS] for word in _WORD.findall(fold(text))]


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    notation: str | None = None  # notation_key when the whole query is a số/ký hiệu
    prefix_last: bool = True
    raw: str = field(default="", compare=False)

    @property
    def is_empty(self) -> bool:
        return not self.terms and not self.phrases and self.notation is None

    @property
    def highlight_words(self) -> tuple[str, ...]:
        words = list(self.terms)
        for phrase in self.phrases:
            words.extend(phrase)
        return tuple(words)


def parse_query(raw: str) -> ParsedQuery:
    """Split what the user typed into words, phrases and a possible số/ký hiệu."""
    text = (raw or "").strip()[:500]
    if not text:
        return ParsedQuery(raw=text)
    notation = notation_key(text) if _NOTATION.match(text) else None
    if notation is not None:
        # A số/ký hiệu typed on its own is also looked for where other documents cite it
        # ("trả lời Công văn số 12/UBND-VX"), as its one index word, never as loose words.
        return ParsedQuery(
            terms=(notation_token(notation),), notation=notation, prefix_last=False, raw=text
        )
    phrases: list[tuple[str, ...]] = []
    for inner in _PHRASE.findall(text):
        words = _words(inner)
        if len(words) == 1:
            continue  # a quoted single word is just a word (handled below)
        if words:
            phrases.append(tuple(words))
    outside = _PHRASE.sub(" ", text)
    single_quoted = [w for inner in _PHRASE.findall(text) for w in [_words(inner)] if len(w) == 1]
    terms = _words(outside) + [w[0] for w in single_quoted]
    budget = MAX_TERMS
    kept_phrases: list[tuple[str, ...]] = []
    for phrase in phrases:
        if budget <= 0:
            break
        kept_phrases.append(phrase[:budget])
        budget -= len(kept_phrases[-1])
    kept_terms = tuple(dict.fromkeys(terms))[: max(budget, 0)]
    # Typing "cong va" finds "công văn": the last bare word may be the start of a word, unless
    # the query ends with a quoted phrase.
    prefix_last = bool(kept_terms) and not text.endswith('"')
    return ParsedQuery(
        terms=kept_terms,
        phrases=tuple(kept_phrases),
        notation=notation,
        prefix_last=prefix_last,
        raw=text,
    )
