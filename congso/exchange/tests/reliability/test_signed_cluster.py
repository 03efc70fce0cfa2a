"""The signed variant of the exchange benchmark: which installation signs, which only trusts the
TEST PKI, and the harness's count of the signature verdicts the receiver recorded."""

from __future__ import annotations

from pathlib import Path

import pytest

from congso.documents.constants import FileRole, IncomingSource
from congso.documents.models import IncomingFile
from congso.documents.services.files import stored_file_put_bytes
from congso.documents.tests.factories import DocumentRegisterFactory, IncomingDocumentFactory
from congso.exchange.reliability import harness
from congso.exchange.reliability.cluster import PADES_SIGNER, Cluster
from congso.exchange.reliability.packages import write_big_pdf
from congso.exchange.tests.conftest import A_CODE, B_CODE
from congso.signatures.constants import ValidationVerdict
from congso.signatures.demo import DEMO_PIN_ENV


def _cluster(tmp_path: Path, *, signed: bool) -> Cluster:
    return Cluster(root=tmp_path, pg_url="postgres://u@127.0.0.1:5432/x", signed=signed)


def test_signed_cluster_signs_at_a_and_trusts_the_test_pki_at_both(tmp_path: Path) -> None:
    # given a signed cluster
    cluster = _cluster(tmp_path, signed=True)
    # when the installations' environments are built
    a, b = cluster.env("a"), cluster.env("b")
    # then A signs with the PAdES signer, its SoftHSM2 tokens and the test PIN
    assert a["CONGSO_DOCUMENT_SIGNER"] == PADES_SIGNER
    assert a["SOFTHSM2_CONF"] == str(tmp_path / "pki" / "softhsm" / "softhsm2.conf")
    assert a[DEMO_PIN_ENV]
    # and B signs nothing, holds no PIN, but trusts the same TEST PKI as A
    assert b["CONGSO_DOCUMENT_SIGNER"] == ""
    assert DEMO_PIN_ENV not in b
    assert a["CONGSO_SIGNATURES_TEST_PKI_DIR"] == b["CONGSO_SIGNATURES_TEST_PKI_DIR"]
    assert b["CONGSO_SIGNATURES_TEST_PKI_DIR"] == str(tmp_path / "pki")


def test_unsigned_cluster_has_no_signer_and_no_test_pki(tmp_path: Path) -> None:
    cluster = _cluster(tmp_path, signed=False)
    for name in ("a", "b"):
        env = cluster.env(name)
        assert env["CONGSO_DOCUMENT_SIGNER"] == ""
        assert str(tmp_path / "pki") not in env.values()


@pytest.mark.django_db
def test_counts_report_the_signature_verdicts_of_the_files_received(tmp_path: Path) -> None:
    # given B with three documents received from A — a PDF whose signatures were valid, an
    # unsigned PDF, a file not checked — and an uploaded document that did not come from A
    pdf = stored_file_put_bytes(data=write_big_pdf(tmp_path / "van-ban.pdf", 0).read_bytes())
    people = harness.installation_setup(code=B_CODE, name="Sở Tài chính", abbreviation="STC")
    register = DocumentRegisterFactory(agency=people.agency)
    for verdict in (ValidationVerdict.VALID, ValidationVerdict.UNSIGNED, ""):
        document = IncomingDocumentFactory.create(
            agency=people.agency,
            register=register,
            source=IncomingSource.EXCHANGE,
            organ_id=A_CODE,
        )
        IncomingFile.objects.create(
            document=document,
            stored_file=pdf,
            name="van-ban.pdf",
            role=FileRole.MAIN,
            signature_verdict=verdict,
        )
    other = IncomingDocumentFactory.create(
        agency=people.agency, register=register, source=IncomingSource.UPLOAD
    )
    IncomingFile.objects.create(
        document=other,
        stored_file=pdf,
        name="tai-len.pdf",
        role=FileRole.MAIN,
        signature_verdict=ValidationVerdict.FAILED,
    )
    # when the harness counts at B
    counted = harness.counts(code=B_CODE, peer_code=A_CODE)
    # then each verdict of the files from A is counted once, and nothing else
    assert counted["incoming_verdicts"] == {"unchecked": 1, "unsigned": 1, "valid": 1}
