"""Vietnamese text folding for the documents search index: `congso.core.text.fold`, re-exported
so that callers keep importing it from here."""

from __future__ import annotations

from congso.core.text import fold

__all__ = ["fold"]
