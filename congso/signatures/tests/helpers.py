"""Signing helpers for tests: plain pyHanko calls that skip our pre-sign checks, so the
negative tests can produce files that congso itself would refuse to sign."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from typing import Any

from asn1crypto import tsp
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner, SimpleSigner
from pyhanko.sign.timestamps import TimeStamper

from congso.signatures.lib.signing import PERSON_FIELD, UrllibTimeStamper
from congso.signatures.lib.testpki import TEST_P12_PASSWORD, TestPki
from congso.signatures.lib.testservices import _Material, build_timestamp


class FixedTimeStamper(TimeStamper):
    """An in-process TSA answering as of a fixed moment (time travel for PoE tests)."""

    def __init__(self, pki: TestPki, at: datetime, label: str = "tsa") -> None:
        super().__init__()
        self.material = _Material(pki)
        self.at = at
        self.label = label

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        return tsp.TimeStampResp.load(
            build_timestamp(self.material, self.label, req.dump(), self.at)
        )


class _FixedClockSigner(PdfSigner):
    fixed_time: datetime | None = None

    def init_signing_session(self, pdf_out: Any, existing_fields_only: bool = False) -> Any:
        session = super().init_signing_session(pdf_out, existing_fields_only)
        if self.fixed_time is not None:
            session.system_time = self.fixed_time
        return session


def p12_signer(pki: TestPki, label: str) -> SimpleSigner:
    signer = SimpleSigner.load_pkcs12(str(pki.p12_path(label)), passphrase=TEST_P12_PASSWORD)
    assert signer is not None
    return signer


def raw_sign(
    data: bytes,
    *,
    pki: TestPki,
    label: str,
    field: str = PERSON_FIELD,
    tsa: str | None = "tsa",
    tsa_time: datetime | None = None,
    signing_time: datetime | None = None,
    md_algorithm: str = "sha256",
) -> bytes:
    """Sign with pyHanko directly (PAdES, existing or new invisible field)."""
    timestamper: TimeStamper | None = None
    if tsa_time is not None:
        timestamper = FixedTimeStamper(pki, tsa_time, label=tsa or "tsa")
    elif tsa is not None:
        timestamper = UrllibTimeStamper(pki.url(f"tsa/{tsa}"))
    signer = _FixedClockSigner(
        PdfSignatureMetadata(
            field_name=field, md_algorithm=md_algorithm, subfilter=SigSeedSubFilter.PADES
        ),
        signer=p12_signer(pki, label),
        timestamper=timestamper,
    )
    signer.fixed_time = signing_time
    writer = IncrementalPdfFileWriter(BytesIO(data))
    return signer.sign_pdf(writer, bytes_reserved=16384).getvalue()
