"""Package bytes on disk: streamed to a temporary file, then kept by SHA-256 (never rewritten)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from congso.hub import conf
from congso.hub.errors import HubTooLarge

CHUNK_SIZE = 1024 * 1024


@dataclass(frozen=True)
class Upload:
    path: Path
    sha256: str
    size: int

    def discard(self) -> None:
        """Remove the temporary file if the package was not kept (no-op once stored)."""
        self.path.unlink(missing_ok=True)


def _too_large(limit: int) -> HubTooLarge:
    return HubTooLarge(
        f"Gói tin vượt quá giới hạn {limit // (1024 * 1024)} MB của trục.",
        details={"limit_bytes": limit},
    )


def upload_receive(read: Callable[[int], bytes], *, declared_length: int | None) -> Upload:
    """Copy a request body to a temporary file chunk by chunk, hashing as it goes.

    The body is never held in memory; a declared or actual size over HUB_MAX_PACKAGE_BYTES stops
    the copy with 413 `hub_too_large` and leaves nothing behind.
    """
    limit = conf.max_package_bytes()
    if declared_length is not None and declared_length > limit:
        raise _too_large(limit)
    tmp_dir = conf.store_dir() / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    handle = tempfile.NamedTemporaryFile(dir=tmp_dir, prefix="in-", delete=False)  # noqa: SIM115
    path = Path(handle.name)
    try:
        with handle:
            while True:
                chunk = read(CHUNK_SIZE)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise _too_large(limit)
                digest.update(chunk)
                handle.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Upload(path=path, sha256=digest.hexdigest(), size=size)


def relative_store_path(sha256: str) -> str:
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


def upload_keep(upload: Upload) -> str:
    """Move the upload to its content address; identical bytes already there are reused."""
    relative = relative_store_path(upload.sha256)
    target = conf.store_dir() / relative
    if target.exists():
        upload.discard()
        return relative
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(upload.path, target)
    return relative


def stored_file(relative: str) -> Path:
    return conf.store_dir() / relative
