"""Issue 5, Performance: a large attachment streams through the receiving side (spool, codec,
file store, PDF signature scan) without being held in memory."""

from __future__ import annotations

import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from congso.documents.models import IncomingDocument
from congso.exchange import lib
from congso.exchange.reliability.packages import MB, write_big_pdf, write_package
from congso.exchange.services import config
from congso.exchange.services.receiving import received_package_process
from congso.exchange.tests.conftest import A_CODE, B_CODE
from congso.exchange.tests.fakes import FakeHub

pytestmark = pytest.mark.django_db

SIZE_MB = 50
BOUND_MB = 16  # far below one copy of the attachment (50 MB; it was 56 MB before streaming)


def test_a_50_mb_attachment_is_received_without_holding_it_in_memory(
    hub: FakeHub, agency_b: Any, tmp_path: Path, settings: Any
) -> None:
    # given a signed package with a 50 MB PDF attachment waiting on the hub for B
    settings.CONGSO_UPLOAD_MAX_BYTES = (SIZE_MB + 10) * MB
    pdf = write_big_pdf(tmp_path / "phu-luc.pdf", SIZE_MB)
    key = config.xml_key()
    data = write_package(
        tmp_path / "big.edxml", sender=(A_CODE, "Sở Thông tin và Truyền thông"),
        recipient=(B_CODE, "Sở Tài chính"), number=7, pdf=pdf,
        signer=lib.XmlSigner(key.private_key, key.certificate),
    ).read_bytes()  # fmt: skip
    message_id = hub.deliver_raw(data, from_code=A_CODE, to_code=B_CODE, document_id="x")
    item = hub.transport(B_CODE).list_received()[0]
    # when B takes it (fetch to the spool, parse and verify, store, check the PDF, register)
    tracemalloc.start()
    try:
        outcome = received_package_process(transport=hub.transport(B_CODE), item=item)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # then it is registered with the whole file, and Python never held a copy of it
    assert outcome.result == "registered", outcome
    stored = IncomingDocument.objects.get(agency=agency_b).files.get().stored_file
    assert stored.size == pdf.stat().st_size
    assert B_CODE in hub.packages[message_id].acked_by
    print(f"peak {peak / MB:.1f} MB")  # noqa: T201
    assert peak < BOUND_MB * MB, f"peak {peak / MB:.1f} MB"
