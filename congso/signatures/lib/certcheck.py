"""Checking the signer's certificate before the token signs (Circular 15/2025/TT-BKHCN: the
signing software checks the certificate's validity and revocation first; anchors §3.2, §3.5.3).

A certificate that passed is remembered for `cache_seconds` so a batch of documents does not
ask the OCSP responder once per page of work (anchors §3.5 rule 8).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime

from asn1crypto import x509 as asn1_x509
from pyhanko_certvalidator import CertificateValidator
from pyhanko_certvalidator.errors import (
    DisallowedAlgorithmError,
    ExpiredError,
    InsufficientRevinfoError,
    NotYetValidError,
    PathBuildingError,
    PathValidationError,
    RevokedError,
)

from congso.signatures.lib.policy import certificate_policy_problems
from congso.signatures.lib.trust import TrustStore, fingerprint, validation_context


class CertificateRejected(Exception):
    """The certificate may not sign now; `message` is Vietnamese, `code` stable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


_PASSED: dict[str, float] = {}
_PASSED_LOCK = threading.Lock()


def clear_precheck_cache() -> None:
    with _PASSED_LOCK:
        _PASSED.clear()


def check_signer_certificate(
    cert: asn1_x509.Certificate,
    *,
    trust: TrustStore,
    chain: Sequence[asn1_x509.Certificate] = (),
    timeout: float = 5.0,
    cache_seconds: float = 300.0,
    now: datetime | None = None,
) -> None:
    """Raise `CertificateRejected` unless `cert` may sign now."""
    key = fingerprint(cert)
    if cache_seconds > 0 and now is None:
        with _PASSED_LOCK:
            passed_at = _PASSED.get(key)
        if passed_at is not None and time.monotonic() - passed_at < cache_seconds:
            return
    moment = now or datetime.now(UTC)
    problems = certificate_policy_problems(cert)
    if problems:
        raise CertificateRejected(problems[0].code, problems[0].message)
    if moment < cert.not_valid_before:
        raise CertificateRejected(
            "certificate_not_yet_valid",
            f"Chứng thư số chưa có hiệu lực (từ {cert.not_valid_before:%d/%m/%Y}).",
        )
    if moment > cert.not_valid_after:
        raise CertificateRejected(
            "certificate_expired",
            f"Chứng thư số đã hết hạn ngày {cert.not_valid_after:%d/%m/%Y}.",
        )
    context = validation_context(trust, timeout=timeout, moment=now, extra_certs=chain)
    validator = CertificateValidator(
        cert, intermediate_certs=list(chain), validation_context=context
    )

    async def _validate() -> None:
        try:
            await validator.async_validate_path()
        finally:
            await context.aclose()

    try:
        asyncio.run(_validate())
    except RevokedError:
        raise CertificateRejected(
            "certificate_revoked", "Chứng thư số đã bị thu hồi, không được dùng để ký."
        ) from None
    except InsufficientRevinfoError:
        raise CertificateRejected(
            "revocation_unavailable",
            "Không kiểm tra được tình trạng thu hồi của chứng thư số (máy chủ OCSP/CRL không "
            "trả lời). Vui lòng thử lại sau.",
        ) from None
    except (ExpiredError, NotYetValidError):
        raise CertificateRejected(
            "certificate_expired", "Chứng thư số hoặc chứng thư của CA không còn hiệu lực."
        ) from None
    except DisallowedAlgorithmError:
        raise CertificateRejected(
            "weak_algorithm", "Chuỗi chứng thư dùng thuật toán không được chấp nhận."
        ) from None
    except PathBuildingError:
        raise CertificateRejected(
            "untrusted_chain",
            "Chứng thư số không do tổ chức chứng thực được tin cậy cấp.",
        ) from None
    except PathValidationError as exc:
        raise CertificateRejected(
            "invalid_chain", f"Chuỗi chứng thư số không hợp lệ ({type(exc).__name__})."
        ) from None
    if cache_seconds > 0 and now is None:
        with _PASSED_LOCK:
            _PASSED[key] = time.monotonic()
