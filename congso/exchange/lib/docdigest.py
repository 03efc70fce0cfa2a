"""The digest of a whole package's canonical form (the enveloped XML signature's reference),
with its long attachment texts fed beside libxml2's C14N (docs/adr/0024).

libxml2 writes a text node character by character, escaping as it goes: ~0.7 ms for the 270 KB
of base64 of a small signed PDF. C14N changes only &, <, > and CR in a text, so a text without
them is written as it is (UTF-8): each such long text is replaced in the tree by a marker, the
rest is canonicalized by libxml2, and the digest gets the text in its marker's place.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from lxml import etree

from congso.exchange.lib.signing import SignaturePlan

# An attachment text at least this long is left out of libxml2's C14N.
LONG_TEXT_CHARS = 4096
_NUMBER_DIGITS = 6

Update = Callable[[bytes], Any]


class CanonicalizationFailed(Exception):
    """libxml2 refused to canonicalize the tree."""


def c14n(tree: Any, plan: SignaturePlan) -> bytes:
    """libxml2's C14N of `tree` with the document transform of `plan`."""
    try:
        canonical: bytes = etree.tostring(
            tree,
            method="c14n",
            exclusive=plan.doc_exclusive,
            with_comments=False,
            inclusive_ns_prefixes=(plan.doc_prefixes or None) if plan.doc_exclusive else None,
        )
    except (etree.Error, ValueError) as exc:
        raise CanonicalizationFailed from exc
    return canonical


def _plain_text(text: str) -> bool:
    """Whether C14N writes `text` as it is (UTF-8): it escapes only &, <, > and CR in text."""
    return "&" not in text and "<" not in text and ">" not in text and "\r" not in text


def canonical_digest(
    tree: Any, plan: SignaturePlan, long_texts: list[tuple[Any, str]], update: Update
) -> None:
    """Feed `update` the C14N of `tree`, whose `long_texts` ((element, its text) in document
    order) are written by this function instead of libxml2 when C14N would not change them.

    Each marker is a fresh random token with the text's number: the canonical form must hold
    the token exactly once per replaced text, in order (text of the package cannot make the
    token: it is drawn after parsing); else the texts go back and the whole tree is
    canonicalized by libxml2. The tree keeps the markers otherwise (it is not read again).
    Raises CanonicalizationFailed when libxml2 refuses the tree."""
    swapped = [(el, text) for el, text in long_texts if _plain_text(text)]
    if not swapped:
        update(c14n(tree, plan))
        return
    token = os.urandom(12).hex()
    for number, (el, _text) in enumerate(swapped):
        el.text = f"{token}{number:0{_NUMBER_DIGITS}d}"
    pieces = c14n(tree, plan).split(token.encode("ascii"))
    numbered = len(pieces) == len(swapped) + 1 and all(
        piece[:_NUMBER_DIGITS] == b"%0*d" % (_NUMBER_DIGITS, number)
        for number, piece in enumerate(pieces[1:])
    )
    if not numbered:  # the token met elsewhere, or out of order: never guess
        for el, text in swapped:
            el.text = text
        update(c14n(tree, plan))
        return
    update(pieces[0])
    for (_el, text), piece in zip(swapped, pieces[1:], strict=True):
        update(text.encode("utf-8"))
        update(piece[_NUMBER_DIGITS:])
