"""Trust, validity period and revocation of a signer's certificate, with proof of existence.

A trusted signature timestamp proves the signature existed at that moment (EN 319 102-1 past
signature validation): a certificate revoked or expired *after* it keeps the signature valid,
one revoked *before* it makes the signature invalid. Without a timestamp the signing time is
only what the signer claims, so a revoked certificate leaves the signature INDETERMINATE at best.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate
from pyhanko.sign.validation import EmbeddedPdfSignature
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko_certvalidator import CertificateValidator, ValidationContext

from congso.signatures.lib import messages
from congso.signatures.lib.report import CheckName, Verdict, format_vn_time
from congso.signatures.lib.trust import (
    ALGORITHM_POLICY,
    HARD_FAIL_RETROACTIVE,
    fetcher_backend,
)

logger = logging.getLogger(__name__)
Finding = tuple[CheckName, Verdict, str]

_UNTRUSTED = {
    AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND,
    AdESIndeterminate.CERTIFICATE_CHAIN_GENERAL_FAILURE,
    AdESIndeterminate.NO_SIGNING_CERTIFICATE_FOUND,
}
_REVINFO_MISSING = {
    AdESIndeterminate.TRY_LATER,
    AdESIndeterminate.REVOCATION_OUT_OF_BOUNDS_NO_POE,
}
_EXPIRED = {
    AdESIndeterminate.EXPIRED,
    AdESIndeterminate.OUT_OF_BOUNDS_NO_POE,
    AdESIndeterminate.OUT_OF_BOUNDS_NOT_REVOKED,
}
_NOT_YET_VALID = {AdESIndeterminate.NOT_YET_VALID, AdESFailure.NOT_YET_VALID}
_CRYPTO = {
    AdESIndeterminate.CRYPTO_CONSTRAINTS_FAILURE,
    AdESIndeterminate.CRYPTO_CONSTRAINTS_FAILURE_NO_POE,
}


def _trusted_timestamp(status: PdfSignatureStatus) -> datetime | None:
    tst = status.timestamp_validity
    if tst is not None and tst.intact and tst.valid and tst.trusted:
        return tst.timestamp
    return None


def _root_name(status: PdfSignatureStatus) -> str:
    path = status.validation_path
    if path is None:
        return ""
    try:
        return str(path.trust_anchor.authority.name.native.get("common_name", ""))
    except Exception:
        return ""


async def classify_trust(
    sig: EmbeddedPdfSignature, status: PdfSignatureStatus, *, config: Any
) -> list[Finding]:
    cert = status.signing_cert
    proof = _trusted_timestamp(status)
    findings: list[Finding] = []
    if proof is not None and not (cert.not_valid_before <= proof <= cert.not_valid_after):
        findings.append(
            (
                CheckName.VALIDITY,
                Verdict.FAILED,
                messages.SIGNED_OUTSIDE_VALIDITY.format(when=format_vn_time(proof)),
            )
        )
        return findings
    if status.trusted and not status.revoked:
        findings.append((CheckName.TRUST, Verdict.VALID, messages.trusted(_root_name(status))))
        findings.append((CheckName.VALIDITY, Verdict.VALID, messages.IN_VALIDITY))
        findings.append((CheckName.REVOCATION, Verdict.VALID, messages.NOT_REVOKED))
        return findings
    if status.revoked and status.revocation_details is not None:
        return await _revoked(sig, status, proof, config=config)
    indic = status.trust_problem_indic
    if indic in _UNTRUSTED and not await _chain_to_trusted_root(sig, status, config=config):
        return [(CheckName.TRUST, Verdict.INDETERMINATE, messages.UNTRUSTED)]
    if indic in _REVINFO_MISSING or indic in _UNTRUSTED:
        return [
            (CheckName.TRUST, Verdict.VALID, messages.CHAIN_FOUND),
            (CheckName.REVOCATION, Verdict.INDETERMINATE, messages.REVOCATION_UNKNOWN),
        ]
    if indic in _NOT_YET_VALID:
        return [(CheckName.VALIDITY, Verdict.FAILED, messages.NOT_YET_VALID)]
    if indic in _EXPIRED:
        if proof is not None and await _valid_at(sig, status, proof, config=config):
            return [
                (CheckName.TRUST, Verdict.VALID, messages.trusted()),
                (CheckName.VALIDITY, Verdict.VALID, messages.EXPIRED_AFTER_PROOF),
                (CheckName.REVOCATION, Verdict.VALID, messages.NOT_REVOKED_AT_PROOF),
            ]
        verdict = Verdict.FAILED if _claimed_after_expiry(status) else Verdict.INDETERMINATE
        return [(CheckName.VALIDITY, verdict, messages.EXPIRED)]
    if indic in _CRYPTO:
        return [(CheckName.ALGORITHMS, Verdict.FAILED, messages.WEAK_CHAIN_ALGORITHM)]
    if indic == AdESIndeterminate.CHAIN_CONSTRAINTS_FAILURE:
        return [(CheckName.TRUST, Verdict.FAILED, messages.CHAIN_CONSTRAINTS)]
    name = getattr(indic, "name", "UNKNOWN")
    return [(CheckName.TRUST, Verdict.INDETERMINATE, messages.TRUST_OTHER.format(code=name))]


def _claimed_after_expiry(status: PdfSignatureStatus) -> bool:
    claimed = status.signer_reported_dt
    return claimed is not None and claimed > status.signing_cert.not_valid_after


async def _revoked(
    sig: EmbeddedPdfSignature,
    status: PdfSignatureStatus,
    proof: datetime | None,
    *,
    config: Any,
) -> list[Finding]:
    details = status.revocation_details
    assert details is not None
    revoked_at = details.revocation_date
    when = format_vn_time(revoked_at)
    if details.ca_revoked:
        return [(CheckName.REVOCATION, Verdict.FAILED, messages.CA_REVOKED.format(when=when))]
    if proof is not None:
        if proof >= revoked_at:
            return [
                (CheckName.REVOCATION, Verdict.FAILED, messages.REVOKED_BEFORE.format(when=when))
            ]
        if await _valid_at(sig, status, proof, config=config):
            return [
                (CheckName.TRUST, Verdict.VALID, messages.trusted()),
                (
                    CheckName.REVOCATION,
                    Verdict.VALID,
                    messages.REVOKED_AFTER_PROOF.format(when=when, proof=format_vn_time(proof)),
                ),
            ]
        return [
            (CheckName.REVOCATION, Verdict.INDETERMINATE, messages.REVOKED_NO_POE.format(when=when))
        ]
    claimed = status.signer_reported_dt
    if claimed is not None and claimed >= revoked_at:
        return [(CheckName.REVOCATION, Verdict.FAILED, messages.REVOKED_BEFORE.format(when=when))]
    return [
        (CheckName.REVOCATION, Verdict.INDETERMINATE, messages.REVOKED_NO_POE.format(when=when))
    ]


async def _chain_to_trusted_root(
    sig: EmbeddedPdfSignature, status: PdfSignatureStatus, *, config: Any
) -> bool:
    """Whether a path to a trust anchor exists when revocation is left aside.

    pyHanko reports a path whose revocation status could not be established (responder
    offline, unauthorised OCSP responder) as "no chain found"; the clerk must be told the real
    reason: the issuer is trusted, the revocation status is unknown.
    """
    context = ValidationContext(
        trust_roots=list(config.trust.roots),
        other_certs=list(config.trust.intermediates) + list(sig.other_embedded_certs),
        moment=config.moment,
        allow_fetching=False,
        revocation_mode="soft-fail",
        algorithm_usage_policy=ALGORITHM_POLICY,
    )
    validator = CertificateValidator(
        status.signing_cert,
        intermediate_certs=list(sig.other_embedded_certs),
        validation_context=context,
    )
    try:
        await validator.async_validate_path()
        return True
    except Exception:
        return False


async def _valid_at(
    sig: EmbeddedPdfSignature, status: PdfSignatureStatus, moment: datetime, *, config: Any
) -> bool:
    """Path validation of the signer's certificate as of `moment` (the timestamp's time).

    Revocation information fetched now is accepted for that earlier moment
    (`retroactive_revinfo`): a CRL/OCSP answer issued later that still shows the certificate
    good, or revoked only after `moment`, is the evidence we need.
    """
    context = ValidationContext(
        trust_roots=list(config.trust.roots),
        other_certs=list(config.trust.intermediates) + list(sig.other_embedded_certs),
        moment=moment,
        allow_fetching=config.allow_fetching,
        revinfo_policy=HARD_FAIL_RETROACTIVE,
        retroactive_revinfo=True,
        fetcher_backend=fetcher_backend(config.timeout) if config.allow_fetching else None,
        algorithm_usage_policy=ALGORITHM_POLICY,
    )
    validator = CertificateValidator(
        status.signing_cert,
        intermediate_certs=list(sig.other_embedded_certs),
        validation_context=context,
    )
    try:
        await validator.async_validate_path()
        return True
    except Exception as exc:
        logger.info("past validation at %s failed: %r", moment, exc)
        return False
    finally:
        await context.aclose()
