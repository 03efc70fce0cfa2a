"""What a signer's certificate must satisfy, shared by signing (before the token signs) and
validation. Sources: Circular 15/2025/TT-BKHCN (RSA >= 2048, ECDSA >= 256, validity checked
before signing; anchors §3.2), standards §8.1 (SHA-256 baseline).
"""

from __future__ import annotations

from dataclasses import dataclass

from asn1crypto import x509 as asn1_x509
from pyhanko.sign.validation.settings import KeyUsageConstraints

MIN_RSA_BITS = 2048
MIN_EC_BITS = 256

# Signing purposes accepted in an extended key usage extension; a certificate without the
# extension is accepted (VGCA personal certificates vary), one that names only other purposes
# (server authentication, time stamping, OCSP) is not.
SIGNING_EKUS = frozenset(
    {
        "email_protection",
        "client_auth",
        "1.3.6.1.5.5.7.3.36",  # id-kp-documentSigning (RFC 9336)
        "1.3.6.1.4.1.311.10.3.12",  # Microsoft document signing
        "1.2.840.113583.1.1.5",  # Adobe Authentic Documents Trust
        "any_extended_key_usage",
    }
)

KEY_USAGE = KeyUsageConstraints(
    key_usage=frozenset({"digital_signature", "non_repudiation"}),
    match_all_key_usages=False,
    extd_key_usage=SIGNING_EKUS,
    explicit_extd_key_usage_required=False,
)


@dataclass(frozen=True)
class PolicyProblem:
    code: str
    message: str


def key_strength_problem(cert: asn1_x509.Certificate) -> PolicyProblem | None:
    public_key = cert.public_key
    algorithm = public_key.algorithm
    bits = public_key.bit_size
    if algorithm == "rsa" and bits < MIN_RSA_BITS:
        return PolicyProblem(
            "weak_key",
            f"Khóa RSA {bits} bit quá yếu (quy định tối thiểu {MIN_RSA_BITS} bit).",
        )
    if algorithm == "ec" and bits < MIN_EC_BITS:
        return PolicyProblem(
            "weak_key",
            f"Khóa ECDSA {bits} bit quá yếu (quy định tối thiểu {MIN_EC_BITS} bit).",
        )
    if algorithm not in ("rsa", "ec", "rsassa_pss"):
        return PolicyProblem("weak_key", f"Thuật toán khóa {algorithm} không được chấp nhận.")
    return None


def usage_problem(cert: asn1_x509.Certificate) -> PolicyProblem | None:
    key_usage = cert.key_usage_value
    if key_usage is not None:
        usages = set(key_usage.native)
        if not usages & {"digital_signature", "non_repudiation"}:
            return PolicyProblem(
                "wrong_key_usage",
                "Chứng thư số không được cấp cho mục đích ký số (thiếu digitalSignature/"
                "nonRepudiation).",
            )
    eku = cert.extended_key_usage_value
    if eku is not None:
        purposes = set(eku.native)
        if not purposes & SIGNING_EKUS:
            return PolicyProblem(
                "wrong_extended_key_usage",
                "Chứng thư số chỉ được cấp cho mục đích khác ("
                + ", ".join(sorted(purposes))
                + "), không dùng để ký văn bản.",
            )
    return None


def signature_hash_problem(cert: asn1_x509.Certificate) -> PolicyProblem | None:
    hash_algo = cert["signature_algorithm"].hash_algo
    if hash_algo in ("md2", "md5", "sha1"):
        return PolicyProblem(
            "weak_algorithm",
            f"Chứng thư số được ký bằng thuật toán băm yếu {hash_algo.upper()}.",
        )
    return None


def certificate_policy_problems(cert: asn1_x509.Certificate) -> list[PolicyProblem]:
    problems = [
        key_strength_problem(cert),
        usage_problem(cert),
        signature_hash_problem(cert),
    ]
    return [problem for problem in problems if problem is not None]
