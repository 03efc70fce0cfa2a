"""Reading byte streams in pieces (no Django: the signature library uses it too)."""

from __future__ import annotations

from typing import BinaryIO

CHUNK = 1024 * 1024


def stream_holds(handle: BinaryIO, marker: bytes, *, chunk_size: int = CHUNK) -> bool:
    """Whether what is left of `handle` contains `marker`, read `chunk_size` bytes at a time
    (a marker across two pieces is found; memory stays flat)."""
    overlap = len(marker) - 1
    tail = b""
    while chunk := handle.read(chunk_size):
        window = tail + chunk
        if marker in window:
            return True
        tail = window[-overlap:] if overlap else b""
    return False
