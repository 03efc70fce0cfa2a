"""A receiver checks the signed PDFs of a part of a hub page together: each arrival gets the
checks it gets alone, and the part's validation reports are stored in one short transaction."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from congso.audit.models import AuditEntry
from congso.documents.services import incoming_exchange
from congso.signatures.constants import SignaturesAuditAction, ValidationVerdict
from congso.signatures.lib import images, sampledoc, signing
from congso.signatures.lib.keys import Pkcs12KeyProvider
from congso.signatures.lib.testpki import PERSON, TEST_P12_PASSWORD
from congso.signatures.lib.trust import TrustStore
from congso.signatures.models import ValidationRecord
from congso.signatures.services import SignatureCheck
from congso.signatures.tests.session import shared_test_pki, shared_test_services

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def signed_pdf() -> bytes:
    """The sample decision signed by the TEST PKI's person (PKCS#12, with a timestamp)."""
    pki = shared_test_pki()
    shared_test_services()
    pdf, block = sampledoc.decision_pdf()
    prepared = signing.prepare_signature_fields(
        pdf, [signing.FieldPlacement(signing.PERSON_FIELD, block.page, block.person_box)]
    )
    trust = TrustStore.build(test_roots=pki.trust_roots, intermediates=pki.intermediates)
    return signing.sign_as_person(
        prepared,
        provider=Pkcs12KeyProvider(pki.p12_path(PERSON), TEST_P12_PASSWORD),
        config=signing.SigningConfig(trust=trust, tsa_url=pki.tsa_url, timeout=5),
        signature_image=images.signature_png(),
    ).getvalue()


@pytest.fixture(autouse=True)
def _validation_trust(settings: Any) -> None:
    settings.CONGSO_SIGNATURES_TEST_PKI_DIR = str(shared_test_pki().directory)


def _facts(check: SignatureCheck | None) -> tuple[Any, ...] | None:
    if check is None:
        return None
    record = check.record
    stored = (record.file_name, record.file_sha256, record.verdict) if record else None
    return (check.verdict, check.summary, stored)


def _arrivals(folder: Path, signed: bytes) -> list[list[tuple[Path, str]]]:
    def file(name: str, data: bytes) -> tuple[Path, str]:
        path = folder / name
        path.write_bytes(data)
        return path, name

    tampered = bytearray(signed)
    tampered[len(tampered) // 3] ^= 0x01
    return [
        [file("a-qd.pdf", signed), file("a-anh.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64)],
        [file("b-thuong.pdf", b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n")],
        [file("c-sua.pdf", bytes(tampered)), file("c-qd.pdf", signed)],
    ]


def test_each_arrival_of_a_part_gets_the_checks_it_gets_alone(
    tmp_path: Path, signed_pdf: bytes
) -> None:
    # given three arrivals' files on disk: signed, tampered, unsigned, not a PDF
    arrivals = _arrivals(tmp_path, signed_pdf)
    # when each is checked alone, and then the three together
    alone = [incoming_exchange.arrival_attachment_checks(a) for a in arrivals]
    together = incoming_exchange.arrival_attachment_checks_many(arrivals)
    # then every file has the same check both ways
    assert [[_facts(c) for c in a] for a in together] == [[_facts(c) for c in a] for a in alone]
    assert [[c.verdict if c else None for c in a] for a in together] == [
        [ValidationVerdict.VALID, None],
        [ValidationVerdict.UNSIGNED],
        [ValidationVerdict.FAILED, ValidationVerdict.VALID],
    ]


def test_a_parts_reports_are_stored_and_audited_in_one_append(
    tmp_path: Path, signed_pdf: bytes
) -> None:
    # given three arrivals with three signed PDFs between them
    arrivals = _arrivals(tmp_path, signed_pdf)
    # when they are checked together
    together = incoming_exchange.arrival_attachment_checks_many(arrivals)
    # then the three reports are stored, and audited by one append: one time, consecutive places
    records = [c.record for a in together for c in a if c is not None and c.record is not None]
    assert ValidationRecord.objects.filter(pk__in=[r.pk for r in records]).count() == 3
    entries = list(
        AuditEntry.objects.filter(action=SignaturesAuditAction.FILE_VALIDATED).order_by("sequence")
    )
    assert [e.target_id for e in entries] == [str(r.pk) for r in records]
    assert len({e.occurred_at for e in entries}) == 1
    assert [e.sequence - entries[0].sequence for e in entries] == [0, 1, 2]
    assert [e.data["verdict"] for e in entries] == [r.verdict for r in records]
