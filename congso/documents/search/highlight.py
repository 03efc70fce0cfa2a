"""Mark the words of a query inside the original (accented) text, for the result list."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Segment:
    text: str
    is_match: bool


def _fold_char(char: str) -> str:
    """One character folded to one character, so positions in both strings agree."""
    if char in "đĐ":
        return "d"
    decomposed = unicodedata.normalize("NFD", char)
    base = "".join(c for c in decomposed if unicodedata.category(c) != "Mn").lower()
    return base[:1] if base else char


def _is_word_char(char: str) -> bool:
    return char.isalnum()


def highlight(text: str, words: tuple[str, ...]) -> list[Segment]:
    """Split `text` into segments; every word that starts with a query word is marked."""
    if not text:
        return []
    if not words:
        return [Segment(text, False)]
    folded = "".join(_fold_char(char) for char in text)
    marked = [False] * len(text)
    position = 0
    while position < len(folded):
        if not _is_word_char(folded[position]):
            position += 1
            continue
        end = position
        while end < len(folded) and _is_word_char(folded[end]):
            end += 1
        word = folded[position:end]
        for query_word in words:
            if word.startswith(query_word):
                for index in range(position, end):
                    marked[index] = True
                break
        position = end
    segments: list[Segment] = []
    start = 0
    for index in range(1, len(text) + 1):
        if index == len(text) or marked[index] != marked[start]:
            segments.append(Segment(text[start:index], marked[start]))
            start = index
    return segments
