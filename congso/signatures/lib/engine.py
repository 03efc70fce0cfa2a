"""Validation of signed PDF files.

Per signature: integrity (digest + signature value), byte-range coverage, modifications after
signing (pyHanko's diff analysis plus a stricter rule: only signature fields may be filled
later), chain to the configured trust anchors with intermediates from the trust store,
revocation by OCSP/CRL (hard fail: unreachable → INDETERMINATE), timestamps (a trusted
signature timestamp is proof of existence: a certificate revoked after it stays valid), key
usage and algorithm policy.

Anchors §3.5 rule 5: any parser error, unclear coverage or unexpected exception yields FAILED or
INDETERMINATE, never VALID. The code is written so that VALID is only set at the end of a
signature's checks when every check passed.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import IO, Any

from asn1crypto import cms
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import EmbeddedPdfSignature
from pyhanko.sign.validation.pdf_embedded import (
    async_validate_pdf_signature,
    async_validate_pdf_timestamp,
)
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel

from congso.core.streams import stream_holds
from congso.signatures.lib import messages
from congso.signatures.lib.policy import KEY_USAGE, certificate_policy_problems
from congso.signatures.lib.report import (
    CheckName,
    SignatureReport,
    ValidationReport,
    Verdict,
    format_vn_time,
)
from congso.signatures.lib.trust import RevinfoCache, TrustStore, validation_context

logger = logging.getLogger(__name__)
ENGINE = "congso.signatures + pyHanko"
HASH_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class ValidationConfig:
    trust: TrustStore
    timeout: float = 5.0
    allow_fetching: bool = True
    max_revisions: int = 200  # beyond this, modification analysis is refused (INDETERMINATE)
    max_file_bytes: int = 512 * 1024 * 1024
    diff_analysis: bool = True
    etsi_report: bool = False
    moment: datetime | None = None
    # Reuse OCSP/CRL answers across files for this many seconds (0 = always ask again).
    revinfo_cache_seconds: float = 0.0
    # Wall-clock budget for one file; signatures not reached in time are INDETERMINATE.
    time_limit_s: float = 60.0


SIGNATURE_MARKER = b"/ByteRange"


def carries_signature(source: bytes | Path) -> bool:
    """Whether the raw bytes (or the file, read in pieces) hold a signature dictionary at all.

    A PDF signature's /ByteRange must sit in an uncompressed dictionary (the /Contents it
    excludes is located by byte offsets), so a file without that name holds no signature a
    validator could check. Used to skip the strict parse for plain, unsigned PDFs: such a file
    is "unsigned", never "valid".
    """
    if not isinstance(source, Path):
        return SIGNATURE_MARKER in source
    with source.open("rb") as handle:
        return stream_holds(handle, SIGNATURE_MARKER)


def validate_pdf(
    source: bytes | IO[bytes] | Path | str,
    *,
    config: ValidationConfig,
    file_name: str | None = None,
) -> ValidationReport:
    """Validate every signature of a PDF file; never raises for bad input."""
    opened: IO[bytes] | None = None
    try:
        if isinstance(source, Path | str):
            opened = open(source, "rb")  # noqa: SIM115 - closed in finally
            stream: IO[bytes] = opened
            file_name = file_name or Path(source).name
        elif isinstance(source, bytes | bytearray):
            stream = BytesIO(source)
        else:
            stream = source
        return _validate_stream(stream, config=config, file_name=file_name or "")
    finally:
        if opened is not None:
            opened.close()


def _digest(stream: IO[bytes]) -> tuple[str, int]:
    stream.seek(0)
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(HASH_CHUNK):
        digest.update(chunk)
        size += len(chunk)
    stream.seek(0)
    return digest.hexdigest(), size


def _validate_stream(
    stream: IO[bytes], *, config: ValidationConfig, file_name: str
) -> ValidationReport:
    sha256, size = _digest(stream)
    report = ValidationReport(
        file_name=file_name,
        file_sha256=sha256,
        file_size=size,
        validated_at=config.moment or datetime.now(UTC),
        engine=ENGINE,
    )
    if size > config.max_file_bytes:
        report.problems.append(messages.FILE_TOO_LARGE.format(mb=config.max_file_bytes // 2**20))
        report.finish()
        return report
    try:
        reader = PdfFileReader(stream, strict=True)
        if reader.encrypted:
            report.problems.append(messages.ENCRYPTED)
            report.finish()
            return report
        report.revisions = reader.xrefs.total_revisions
        embedded = list(reader.embedded_signatures)
    except Exception as exc:  # any parser failure is a damaged file, never valid
        logger.info("signature validation: unreadable PDF %s: %r", file_name, exc)
        if "CMS" in type(exc).__name__:
            report.problems.append(messages.structure_error(exc))
        else:
            report.problems.append(messages.UNREADABLE.format(detail=type(exc).__name__))
        report.finish()
        return report
    if not embedded:
        report.finish()
        return report
    skip_diff = not config.diff_analysis or report.revisions > config.max_revisions
    try:
        asyncio.run(_validate_all(report, embedded, config=config, skip_diff=skip_diff))
    except Exception as exc:  # defensive: an engine bug must not look like a valid file
        logger.exception("signature validation crashed on %s", file_name)
        report.problems.append(messages.ENGINE_ERROR.format(detail=type(exc).__name__))
    report.finish()
    return report


async def _validate_all(
    report: ValidationReport,
    embedded: list[EmbeddedPdfSignature],
    *,
    config: ValidationConfig,
    skip_diff: bool,
) -> None:
    context = validation_context(
        config.trust,
        timeout=config.timeout,
        allow_fetching=config.allow_fetching,
        moment=config.moment,
        revinfo_cache=_revinfo_cache(config),
    )
    signed_fields = {sig.field_name for sig in embedded}
    deadline = time.monotonic() + config.time_limit_s
    try:
        for index, sig in enumerate(embedded):
            remaining = deadline - time.monotonic()
            if sig.sig_object_type == "/DocTimeStamp":
                check = _validate_doc_timestamp(sig, context, skip_diff=skip_diff)
            else:
                check = _validate_signature(
                    sig,
                    context,
                    config=config,
                    skip_diff=skip_diff,
                    revisions=report.revisions,
                    signed_fields=signed_fields,
                )
            try:
                if remaining <= 0:
                    check.close()
                    raise TimeoutError
                item = await asyncio.wait_for(check, remaining)
            except TimeoutError:
                _out_of_time(report, embedded[index:], config.time_limit_s)
                break
            report.signatures.append(item)
    finally:
        await context.aclose()


def _out_of_time(
    report: ValidationReport, unchecked: list[EmbeddedPdfSignature], limit: float
) -> None:
    """The file's time budget ran out: what was not checked is INDETERMINATE, never VALID."""
    message = messages.TIME_LIMIT.format(seconds=round(limit))
    report.problems.append(message)
    for sig in unchecked:
        item = SignatureReport(field_name=_field_name(sig), kind="signature")
        item.add(CheckName.INTEGRITY, Verdict.INDETERMINATE, message)
        report.signatures.append(_conclude(item))


_CACHES: dict[float, RevinfoCache] = {}


def _revinfo_cache(config: ValidationConfig) -> RevinfoCache | None:
    """One process-wide cache per TTL; only used with live fetching and the current time."""
    if config.revinfo_cache_seconds <= 0 or not config.allow_fetching or config.moment:
        return None
    return _CACHES.setdefault(
        config.revinfo_cache_seconds, RevinfoCache(config.revinfo_cache_seconds)
    )


async def _validate_signature(
    sig: EmbeddedPdfSignature,
    context: Any,
    *,
    config: ValidationConfig,
    skip_diff: bool,
    revisions: int,
    signed_fields: set[str],
) -> SignatureReport:
    item = SignatureReport(field_name=_field_name(sig), kind="signature")
    try:
        item.signer = messages.certificate_info(sig.signer_cert)
    except Exception:  # broken CMS: the structure check below reports it
        item.signer = None
    try:
        status = await async_validate_pdf_signature(
            sig,
            signer_validation_context=context,
            key_usage_settings=KEY_USAGE,
            skip_diff=skip_diff,
        )
    except Exception as exc:
        logger.info("signature %s refused by pyHanko: %r", item.field_name, exc)
        item.add(CheckName.STRUCTURE, Verdict.FAILED, messages.structure_error(exc))
        return _conclude(item)
    if not _has_signed_attributes(sig):
        item.add(CheckName.STRUCTURE, Verdict.FAILED, messages.NO_SIGNED_ATTRIBUTES)
    else:
        item.add(CheckName.STRUCTURE, Verdict.VALID, messages.STRUCTURE_OK)
    _fill_times(item, status)
    _check_integrity(item, status)
    _check_modifications(
        item, status, skip_diff=skip_diff, revisions=revisions, signed_fields=signed_fields
    )
    _check_policy(item, status)
    await _check_trust(item, sig, status, config=config)
    _check_timestamp(item, status)
    if config.etsi_report:
        await _etsi_report(item, sig, config)
    return _conclude(item)


def _has_signed_attributes(sig: EmbeddedPdfSignature) -> bool:
    """PAdES (ETSI EN 319 142-1) requires signed attributes (content type, message digest,
    signing certificate); a bare PKCS#1 signature over the bytes binds no certificate."""
    attrs = sig.signer_info["signed_attrs"]
    if not isinstance(attrs, cms.CMSAttributes) or len(attrs) == 0:
        return False
    types = {attr["type"].native for attr in attrs}
    return {"content_type", "message_digest"} <= types and bool(
        types & {"signing_certificate_v2", "signing_certificate"}
    )


def _field_name(sig: EmbeddedPdfSignature) -> str:
    try:
        return str(sig.field_name)
    except Exception:
        return "?"


def _fill_times(item: SignatureReport, status: PdfSignatureStatus) -> None:
    item.signing_time_claimed = status.signer_reported_dt
    tst = status.timestamp_validity
    if tst is not None:
        item.timestamp_time = tst.timestamp
        try:
            item.timestamp_authority = tst.signing_cert.subject.native.get("common_name", "")
        except Exception:
            item.timestamp_authority = ""
    item.coverage = status.coverage.name if status.coverage is not None else ""
    level = status.modification_level
    item.modification_level = level.name if level is not None else ""


def _check_integrity(item: SignatureReport, status: PdfSignatureStatus) -> None:
    if not status.intact:
        item.add(CheckName.INTEGRITY, Verdict.FAILED, messages.NOT_INTACT)
    elif not status.valid:
        item.add(CheckName.INTEGRITY, Verdict.FAILED, messages.BAD_SIGNATURE_VALUE)
    else:
        item.add(CheckName.INTEGRITY, Verdict.VALID, messages.INTACT)


def _check_modifications(
    item: SignatureReport,
    status: PdfSignatureStatus,
    *,
    skip_diff: bool,
    revisions: int,
    signed_fields: set[str],
) -> None:
    coverage = status.coverage
    if coverage == SignatureCoverageLevel.ENTIRE_FILE:
        item.add(CheckName.COVERAGE, Verdict.VALID, messages.COVERS_FILE)
        item.add(CheckName.MODIFICATIONS, Verdict.VALID, messages.NOT_MODIFIED)
        return
    if coverage != SignatureCoverageLevel.ENTIRE_REVISION:
        item.add(CheckName.COVERAGE, Verdict.FAILED, messages.COVERAGE_UNCLEAR)
        return
    item.add(CheckName.COVERAGE, Verdict.VALID, messages.COVERS_REVISION)
    if skip_diff:
        item.add(
            CheckName.MODIFICATIONS,
            Verdict.INDETERMINATE,
            messages.TOO_MANY_REVISIONS.format(revisions=revisions),
        )
        return
    level = status.modification_level
    diff = status.diff_result
    changed = set(getattr(diff, "changed_form_fields", set()) or set())
    if level is None or not status.docmdp_ok or level > ModificationLevel.FORM_FILLING:
        item.add(CheckName.MODIFICATIONS, Verdict.FAILED, messages.MODIFIED)
    elif level == ModificationLevel.FORM_FILLING and not changed <= signed_fields:
        item.add(
            CheckName.MODIFICATIONS,
            Verdict.FAILED,
            messages.FORM_CHANGED.format(fields=", ".join(sorted(changed - signed_fields))),
        )
    else:
        item.add(CheckName.MODIFICATIONS, Verdict.VALID, messages.ONLY_SIGNATURES_ADDED)


def _check_policy(item: SignatureReport, status: PdfSignatureStatus) -> None:
    problems = certificate_policy_problems(status.signing_cert)
    usage = [p for p in problems if p.code.startswith("wrong_")]
    crypto = [p for p in problems if not p.code.startswith("wrong_")]
    if status.md_algorithm in ("md5", "sha1"):
        crypto.append(messages.weak_digest(status.md_algorithm))
    for problem in usage:
        item.add(CheckName.KEY_USAGE, Verdict.FAILED, problem.message)
    if not usage:
        item.add(CheckName.KEY_USAGE, Verdict.VALID, messages.USAGE_OK)
    for problem in crypto:
        item.add(CheckName.ALGORITHMS, Verdict.FAILED, problem.message)
    if not crypto:
        item.add(CheckName.ALGORITHMS, Verdict.VALID, messages.ALGORITHMS_OK)


async def _check_trust(
    item: SignatureReport,
    sig: EmbeddedPdfSignature,
    status: PdfSignatureStatus,
    *,
    config: ValidationConfig,
) -> None:
    from congso.signatures.lib.trustcheck import classify_trust

    for name, verdict, message in await classify_trust(sig, status, config=config):
        item.add(name, verdict, message)


def _check_timestamp(item: SignatureReport, status: PdfSignatureStatus) -> None:
    tst = status.timestamp_validity
    if tst is None:
        item.add(CheckName.TIMESTAMP, Verdict.VALID, messages.NO_TIMESTAMP)
        return
    if not tst.intact or not tst.valid:
        item.add(CheckName.TIMESTAMP, Verdict.FAILED, messages.TIMESTAMP_BROKEN)
    elif not tst.trusted:
        item.add(CheckName.TIMESTAMP, Verdict.INDETERMINATE, messages.TIMESTAMP_UNTRUSTED)
    else:
        item.add(
            CheckName.TIMESTAMP,
            Verdict.VALID,
            messages.TIMESTAMP_OK.format(
                when=format_vn_time(tst.timestamp), tsa=item.timestamp_authority
            ),
        )


async def _validate_doc_timestamp(
    sig: EmbeddedPdfSignature, context: Any, *, skip_diff: bool
) -> SignatureReport:
    item = SignatureReport(field_name=_field_name(sig), kind="document_timestamp")
    try:
        status = await async_validate_pdf_timestamp(sig, validation_context=context)
    except Exception as exc:
        item.add(CheckName.STRUCTURE, Verdict.FAILED, messages.structure_error(exc))
        return _conclude(item)
    item.timestamp_time = status.timestamp
    if not status.intact or not status.valid:
        item.add(CheckName.INTEGRITY, Verdict.FAILED, messages.TIMESTAMP_BROKEN)
    elif not status.trusted:
        item.add(CheckName.TRUST, Verdict.INDETERMINATE, messages.TIMESTAMP_UNTRUSTED)
    else:
        item.add(CheckName.TIMESTAMP, Verdict.VALID, messages.DOC_TIMESTAMP_OK)
    return _conclude(item)


async def _etsi_report(
    item: SignatureReport, sig: EmbeddedPdfSignature, config: ValidationConfig
) -> None:
    """pyHanko's ETSI TS 119 102-2 XML and AdES indication (EN 319 102-1 long-term
    validation), kept beside our verdict; left empty when pyHanko cannot produce them."""
    try:
        from pyhanko.sign.validation import ades
        from pyhanko.sign.validation.policy_decl import (
            PdfSignatureValidationSpec,
            SignatureValidationSpec,
        )
        from pyhanko.sign.validation.report.tools import generate_report
        from pyhanko_certvalidator.context import CertValidationPolicySpec

        from congso.signatures.lib.trust import ALGORITHM_POLICY, HARD_FAIL

        spec = PdfSignatureValidationSpec(
            SignatureValidationSpec(
                cert_validation_policy=CertValidationPolicySpec(
                    trust_manager=_trust_manager(config.trust),
                    revinfo_policy=HARD_FAIL,
                    algorithm_usage_policy=ALGORITHM_POLICY,
                ),
                key_usage_settings=KEY_USAGE,
            )
        )
        result = await ades.ades_lta_validation(sig, spec)
        item.ades_subindication = getattr(result.ades_subindic, "name", "")
        item.ades_indication = result.ades_subindic.status.name
        item.etsi_report_xml = generate_report(sig, result)
    except Exception as exc:
        logger.info("ETSI report unavailable: %r", exc)


def _trust_manager(trust: TrustStore) -> Any:
    from pyhanko_certvalidator.registry import SimpleTrustManager

    return SimpleTrustManager.build(trust_roots=list(trust.roots))


def _conclude(item: SignatureReport) -> SignatureReport:
    failing = item.failing()
    if not item.checks:
        item.add(CheckName.STRUCTURE, Verdict.INDETERMINATE, messages.NOTHING_CHECKED)
        failing = item.failing()
    if any(c.verdict == Verdict.FAILED for c in failing):
        item.verdict = Verdict.FAILED
    elif failing:
        item.verdict = Verdict.INDETERMINATE
    else:
        item.verdict = Verdict.VALID
    item.summary = messages.signature_summary(item)
    return item


def signers_of(report: ValidationReport) -> Iterable[str]:
    return (s.signer.common_name for s in report.signatures if s.signer is not None)
