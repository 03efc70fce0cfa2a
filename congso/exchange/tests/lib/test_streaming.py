"""Streaming: a 50 MB attachment is built, signed, verified and parsed in constant memory."""

from __future__ import annotations

import hashlib
import os
import tracemalloc

from congso.exchange.lib import Attachment, build_package, parse_package_checked, read_envelope
from congso.exchange.tests.lib.conftest import sample_package

SIZE = 50 * 1024 * 1024


def _peak_growth(action):
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base, _ = tracemalloc.get_traced_memory()
        result = action()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak - base


def test_a_50_mb_attachment_round_trips_in_constant_memory(tmp_path, kontum):
    # given a 50 MB file on disk
    source = tmp_path / "ho-so-lon.pdf"
    digest = hashlib.sha256()
    with open(source, "wb") as fh:
        for _ in range(SIZE // (1024 * 1024)):
            block = os.urandom(1024 * 1024)
            digest.update(block)
            fh.write(block)
    pkg = sample_package((Attachment(source.name, "application/pdf", source, SIZE),))
    package = tmp_path / "goi.edxml"
    # when it is built and signed into a file, then parsed and verified in one pass
    _, build_peak = _peak_growth(lambda: build_package(pkg, signer=kontum.signer(), out=package))
    (parsed, check), parse_peak = _peak_growth(
        lambda: parse_package_checked(package, attachment_dir=tmp_path / "in")
    )
    # then the file arrives intact, the signature holds, and memory stayed far below 50 MB
    assert package.stat().st_size > SIZE
    assert check is not None
    assert check.valid, check
    (att,) = parsed.attachments
    assert att.size == SIZE
    with open(att.path, "rb") as fh:
        assert hashlib.file_digest(fh, "sha256").digest() == digest.digest()
    print(f"peak growth: build {build_peak} B, parse {parse_peak} B")
    assert build_peak < 8 * 1024 * 1024, build_peak
    assert parse_peak < 8 * 1024 * 1024, parse_peak
    # and the envelope is read without touching the attachment
    _, envelope_peak = _peak_growth(lambda: read_envelope(package))
    assert envelope_peak < 1024 * 1024
