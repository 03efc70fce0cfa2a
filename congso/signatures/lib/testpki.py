"""A Vietnamese-style TEST certificate hierarchy, modelled on the government CA (Ban Cơ yếu).

Root "TEST – Cơ quan chứng thực số chuyên dùng Chính phủ" → "TEST – CA phục vụ các cơ quan Nhà
nước" → person, organisation (seal), TSA and OCSP responder certificates, plus the bad variants
the validation tests need (expired, revoked, RSA-1024, SHA-1, wrong key usage/EKU, untrusted root,
unauthorised OCSP responder, TSA without the timeStamping EKU). Subjects follow the VGCA profile of
standards §8.2 (CN = full name or agency, O/OU = organisation, L=Kon Tum, C=VN, UID=CCCD:…).

Everything is written under one directory with a `manifest.json` that the local TSA/OCSP/CRL
service (`testservices.py`) reads. Keys are stored unencrypted: this is TEST material only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from asn1crypto import algos as asn1_algos
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

TEST_P12_PASSWORD = b"congso-test"  # noqa: S105 - TEST material, published on purpose
DOCUMENT_SIGNING_EKU = ObjectIdentifier("1.3.6.1.5.5.7.3.36")  # id-kp-documentSigning, RFC 9336
ISSUING_CA = "ca"
ROOT = "root"
ROOT_CN = "TEST – Cơ quan chứng thực số chuyên dùng Chính phủ"
OCSP_RESPONDER = "ocsp"
TSA = "tsa"
PERSON = "person"
ORGANISATION = "organisation"

_KU_SIGN = ("digital_signature", "content_commitment")
_KU_CA = ("key_cert_sign", "crl_sign")


@dataclass(frozen=True)
class EntitySpec:
    """One certificate of the test hierarchy; times are day offsets from the creation moment."""

    label: str
    subject: tuple[tuple[ObjectIdentifier, str], ...]
    issuer: str | None  # None: self-signed root
    is_ca: bool = False
    key: str = "rsa2048"  # rsa2048 | rsa1024 | ec256
    hash_name: str = "sha256"
    valid_from_days: float = -365
    valid_to_days: float = 3 * 365
    key_usage: tuple[str, ...] = _KU_SIGN
    eku: tuple[ObjectIdentifier, ...] = ()
    eku_critical: bool = False
    ocsp_responder: str | None = OCSP_RESPONDER  # label of the OCSP service in the AIA
    with_crl: bool = True
    ocsp_nocheck: bool = False
    revoked_days: float | None = None  # revocation moment, day offset
    description: str = ""


def _name(*parts: tuple[ObjectIdentifier, str]) -> tuple[tuple[ObjectIdentifier, str], ...]:
    return tuple(parts)


_C = (NameOID.COUNTRY_NAME, "VN")
_BCY = (NameOID.ORGANIZATION_NAME, "TEST – Ban Cơ yếu Chính phủ")
_KT = (NameOID.LOCALITY_NAME, "Kon Tum")


def _person(label: str, cn: str, uid: str, description: str, **kwargs: Any) -> EntitySpec:
    subject = _name(
        _C,
        _KT,
        (NameOID.ORGANIZATION_NAME, "UBND tỉnh Kon Tum"),
        (NameOID.ORGANIZATIONAL_UNIT_NAME, "Sở Thông tin và Truyền thông"),
        (NameOID.COMMON_NAME, cn),
        (NameOID.USER_ID, uid),
    )
    kwargs.setdefault(
        "eku",
        (ExtendedKeyUsageOID.EMAIL_PROTECTION, ExtendedKeyUsageOID.CLIENT_AUTH),
    )
    return EntitySpec(label, subject, ISSUING_CA, description=description, **kwargs)


def person_entity(
    label: str, *, full_name: str, uid: str, organisation: str, unit: str, description: str = ""
) -> EntitySpec:
    """A TEST person certificate for a named official (VGCA profile, standards §8.2)."""
    subject = _name(
        _C,
        _KT,
        (NameOID.ORGANIZATION_NAME, organisation[:64]),
        (NameOID.ORGANIZATIONAL_UNIT_NAME, unit[:64]),
        (NameOID.COMMON_NAME, full_name[:64]),
        (NameOID.USER_ID, uid[:64]),
    )
    return EntitySpec(
        label,
        subject,
        ISSUING_CA,
        eku=(ExtendedKeyUsageOID.EMAIL_PROTECTION, ExtendedKeyUsageOID.CLIENT_AUTH),
        description=description or f"TEST – người ký: {full_name}",
    )


def organisation_entity(label: str, *, name: str, parent: str, description: str = "") -> EntitySpec:
    """A TEST organisation (seal) certificate: CN = agency, O = the body above it (§8.2)."""
    return EntitySpec(
        label,
        _name(
            _C,
            _KT,
            (NameOID.ORGANIZATION_NAME, parent.upper()[:64]),
            (NameOID.COMMON_NAME, name.upper()[:64]),
        ),
        ISSUING_CA,
        eku=(ExtendedKeyUsageOID.EMAIL_PROTECTION, ExtendedKeyUsageOID.CLIENT_AUTH),
        description=description or f"TEST – chứng thư số của cơ quan: {name}",
    )


def default_specs() -> list[EntitySpec]:
    """The hierarchy: good entities first, then one bad variant per negative test."""
    ca_ku = _KU_CA + ("digital_signature",)
    return [
        EntitySpec(
            ROOT,
            _name(_C, _BCY, (NameOID.COMMON_NAME, ROOT_CN)),
            None,
            is_ca=True,
            key_usage=ca_ku,
            valid_to_days=30 * 365,
            ocsp_responder=None,
            with_crl=False,
            description="Gốc chứng thực thử nghiệm",
        ),
        EntitySpec(
            ISSUING_CA,
            _name(_C, _BCY, (NameOID.COMMON_NAME, "TEST – CA phục vụ các cơ quan Nhà nước")),
            ROOT,
            is_ca=True,
            key_usage=ca_ku,
            valid_to_days=20 * 365,
            ocsp_responder=None,
            description="CA trung gian thử nghiệm",
        ),
        EntitySpec(
            OCSP_RESPONDER,
            _name(_C, _BCY, (NameOID.COMMON_NAME, "TEST – Máy chủ OCSP")),
            ISSUING_CA,
            key_usage=("digital_signature",),
            eku=(ExtendedKeyUsageOID.OCSP_SIGNING,),
            ocsp_responder=None,
            with_crl=False,
            ocsp_nocheck=True,
            description="Máy chủ trả lời OCSP được ủy quyền",
        ),
        EntitySpec(
            TSA,
            _name(_C, _BCY, (NameOID.COMMON_NAME, "TEST – Dịch vụ cấp dấu thời gian")),
            ISSUING_CA,
            eku=(ExtendedKeyUsageOID.TIME_STAMPING,),
            eku_critical=True,
            description="Dịch vụ cấp dấu thời gian (RFC 3161)",
        ),
        _person(PERSON, "Nguyễn Văn An", "CCCD:062080000123", "Giám đốc Sở (người ký)"),
        EntitySpec(
            ORGANISATION,
            _name(
                _C,
                _KT,
                (NameOID.ORGANIZATION_NAME, "UBND TỈNH KON TUM"),
                (NameOID.COMMON_NAME, "SỞ THÔNG TIN VÀ TRUYỀN THÔNG"),
            ),
            ISSUING_CA,
            eku=(ExtendedKeyUsageOID.EMAIL_PROTECTION, ExtendedKeyUsageOID.CLIENT_AUTH),
            description="Chứng thư số của cơ quan (con dấu)",
        ),
        # --- bad variants -----------------------------------------------------------------
        _person("expired", "Trần Thị Hết Hạn", "CCCD:062080000201", "hết hạn",
                valid_from_days=-2 * 365, valid_to_days=-365),
        _person("not-yet-valid", "Lê Văn Chưa", "CCCD:062080000202", "chưa có hiệu lực",
                valid_from_days=30, valid_to_days=2 * 365),
        _person("revoked", "Phạm Văn Thu Hồi", "CCCD:062080000203", "bị thu hồi 30 ngày trước",
                revoked_days=-30),
        _person("revoked-later", "Hoàng Thị Sau", "CCCD:062080000204",
                "bị thu hồi 1 giờ trước (ký trước đó)", revoked_days=-1 / 24),
        _person("rsa1024", "Đỗ Văn Khóa Yếu", "CCCD:062080000205", "khóa RSA 1024 bit",
                key="rsa1024"),
        _person("sha1", "Vũ Thị Băm", "CCCD:062080000206", "chứng thư ký bằng SHA-1",
                hash_name="sha1"),
        _person("wrong-ku", "Bùi Văn Mã Hóa", "CCCD:062080000207",
                "chỉ có mục đích mã hóa khóa", key_usage=("key_encipherment",)),
        _person("wrong-eku", "Đặng Văn Máy Chủ", "CCCD:062080000208",
                "chỉ có mục đích xác thực máy chủ", eku=(ExtendedKeyUsageOID.SERVER_AUTH,)),
        _person("rogue-ocsp", "Ngô Văn Trả Lời", "CCCD:062080000209",
                "OCSP do máy chủ không được ủy quyền ký", ocsp_responder="rogue", with_crl=False),
        _person("ec256", "Dương Thị Elip", "CCCD:062080000210", "khóa ECDSA P-256", key="ec256"),
        EntitySpec(
            "rogue",
            _name(_C, _BCY, (NameOID.COMMON_NAME, "TEST – Máy chủ OCSP giả mạo")),
            ISSUING_CA,
            key_usage=("digital_signature",),
            ocsp_responder=None,
            with_crl=False,
            description="máy chủ OCSP không có quyền (thiếu EKU OCSPSigning)",
        ),
        EntitySpec(
            "tsa-no-eku",
            _name(_C, _BCY, (NameOID.COMMON_NAME, "TEST – Dấu thời gian thiếu EKU")),
            ISSUING_CA,
            description="TSA thiếu EKU timeStamping",
        ),
        EntitySpec(
            "untrusted-root",
            _name(_C, (NameOID.ORGANIZATION_NAME, "TEST – Tổ chức lạ"),
                  (NameOID.COMMON_NAME, "TEST – Gốc không được tin cậy")),
            None,
            is_ca=True,
            key_usage=ca_ku,
            ocsp_responder=None,
            with_crl=False,
            description="gốc không tin cậy",
        ),
        EntitySpec(
            "untrusted",
            _name(_C, _KT, (NameOID.COMMON_NAME, "Người Lạ"),
                  (NameOID.USER_ID, "CCCD:062080000299")),
            "untrusted-root",
            ocsp_responder=None,
            with_crl=False,
            description="chứng thư từ gốc không tin cậy",
        ),
    ]  # fmt: skip


def _new_key(kind: str) -> rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey:
    if kind == "ec256":
        return ec.generate_private_key(ec.SECP256R1())
    bits = 1024 if kind == "rsa1024" else 2048
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def _key_usage(names: tuple[str, ...]) -> x509.KeyUsage:
    flags = {
        name: name in names
        for name in (
            "digital_signature",
            "content_commitment",
            "key_encipherment",
            "data_encipherment",
            "key_agreement",
            "key_cert_sign",
            "crl_sign",
        )
    }
    return x509.KeyUsage(encipher_only=False, decipher_only=False, **flags)


@dataclass
class TestPki:
    """Paths and facts of a generated test PKI, as read back from its manifest."""

    __test__ = False  # not a pytest test class

    directory: Path
    base_url: str
    created_at: datetime
    entities: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, directory: Path | str) -> TestPki:
        directory = Path(directory)
        data = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
        return cls(
            directory=directory,
            base_url=data["base_url"],
            created_at=datetime.fromisoformat(data["created_at"]),
            entities=data["entities"],
        )

    def cert_path(self, label: str) -> Path:
        return self.directory / "certs" / f"{label}.pem"

    def key_path(self, label: str) -> Path:
        return self.directory / "keys" / f"{label}.key.pem"

    def p12_path(self, label: str) -> Path:
        return self.directory / "p12" / f"{label}.p12"

    def cert(self, label: str) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.cert_path(label).read_bytes())

    def key(self, label: str) -> Any:
        return serialization.load_pem_private_key(self.key_path(label).read_bytes(), None)

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}"

    @property
    def tsa_url(self) -> str:
        return self.url(f"tsa/{TSA}")

    @property
    def trust_roots(self) -> list[Path]:
        return [self.cert_path(ROOT)]

    @property
    def intermediates(self) -> list[Path]:
        return [self.cert_path(ISSUING_CA)]


def generate_test_pki(
    directory: Path | str,
    *,
    host: str = "127.0.0.1",
    port: int = 9797,
    specs: list[EntitySpec] | None = None,
    now: datetime | None = None,
) -> TestPki:
    """Create the hierarchy under `directory` (overwriting), with services at host:port."""
    directory = Path(directory)
    for sub in ("certs", "keys", "p12"):
        (directory / sub).mkdir(parents=True, exist_ok=True)
    moment = (now or datetime.now(UTC)).replace(microsecond=0)
    base_url = f"http://{host}:{port}"
    issued: dict[str, tuple[x509.Certificate, Any]] = {}
    manifest: dict[str, dict[str, Any]] = {}
    for spec in specs or default_specs():
        key = _new_key(spec.key)
        subject = x509.Name([x509.NameAttribute(oid, value) for oid, value in spec.subject])
        if spec.issuer is None:
            issuer_name, issuer_key, issuer_cert = subject, key, None
        else:
            issuer_cert, issuer_key = issued[spec.issuer]
            issuer_name = issuer_cert.subject
        cert = _build_cert(
            spec, key, subject, issuer_name, issuer_key, issuer_cert, moment, base_url
        )
        issued[spec.label] = (cert, key)
        _write_entity(directory, spec.label, cert, key, issuer_cert)
        manifest[spec.label] = {
            "issuer": spec.issuer,
            "serial": str(cert.serial_number),
            "subject": cert.subject.rfc4514_string(),
            "description": spec.description,
            "revoked_at": (
                (moment + timedelta(days=spec.revoked_days)).isoformat()
                if spec.revoked_days is not None
                else None
            ),
            "sha256": cert.fingerprint(hashes.SHA256()).hex(),
        }
    (directory / "manifest.json").write_text(
        json.dumps(
            {"base_url": base_url, "created_at": moment.isoformat(), "entities": manifest},
            ensure_ascii=False,
            indent=2,
        ),
        encoding="utf-8",
    )
    (directory / "README.txt").write_text(
        "TEST PKI — KHÔNG DÙNG CHO VĂN BẢN THẬT. Khóa riêng lưu không mã hóa.\n"
        "TEST material only; private keys are unencrypted.\n",
        encoding="utf-8",
    )
    return TestPki.load(directory)


def _build_cert(
    spec: EntitySpec,
    key: Any,
    subject: x509.Name,
    issuer_name: x509.Name,
    issuer_key: Any,
    issuer_cert: x509.Certificate | None,
    moment: datetime,
    base_url: str,
) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(moment + timedelta(days=spec.valid_from_days))
        .not_valid_after(moment + timedelta(days=spec.valid_to_days))
        .add_extension(x509.BasicConstraints(ca=spec.is_ca, path_length=None), critical=True)
        .add_extension(_key_usage(spec.key_usage), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if issuer_cert is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_cert.public_key()),  # type: ignore[arg-type]
            critical=False,
        )
        access = [
            x509.AccessDescription(
                x509.AuthorityInformationAccessOID.CA_ISSUERS,
                x509.UniformResourceIdentifier(f"{base_url}/certs/{spec.issuer}.cer"),
            )
        ]
        if spec.ocsp_responder:
            access.append(
                x509.AccessDescription(
                    x509.AuthorityInformationAccessOID.OCSP,
                    x509.UniformResourceIdentifier(f"{base_url}/ocsp/{spec.ocsp_responder}"),
                )
            )
        builder = builder.add_extension(x509.AuthorityInformationAccess(access), critical=False)
        if spec.with_crl:
            point = x509.DistributionPoint(
                full_name=[x509.UniformResourceIdentifier(f"{base_url}/crl/{spec.issuer}.crl")],
                relative_name=None,
                reasons=None,
                crl_issuer=None,
            )
            builder = builder.add_extension(x509.CRLDistributionPoints([point]), critical=False)
    if spec.eku:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage(list(spec.eku)), critical=spec.eku_critical
        )
    if spec.ocsp_nocheck:
        builder = builder.add_extension(x509.OCSPNoCheck(), critical=False)
    cert = builder.sign(issuer_key, hashes.SHA256())
    if spec.hash_name == "sha1":
        cert = _resign_with_sha1(cert, issuer_key)
    return cert


def _resign_with_sha1(cert: x509.Certificate, issuer_key: rsa.RSAPrivateKey) -> x509.Certificate:
    """`cryptography` refuses to build SHA-1 certificates; the weak-algorithm test needs one."""
    parsed = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    tbs = parsed["tbs_certificate"]
    algorithm = asn1_algos.SignedDigestAlgorithm({"algorithm": "sha1_rsa"})
    tbs["signature"] = algorithm
    signature = issuer_key.sign(tbs.dump(force=True), padding.PKCS1v15(), hashes.SHA1())  # noqa: S303
    rebuilt = asn1_x509.Certificate(
        {"tbs_certificate": tbs, "signature_algorithm": algorithm, "signature_value": signature}
    )
    return x509.load_der_x509_certificate(rebuilt.dump())


def _write_entity(
    directory: Path, label: str, cert: x509.Certificate, key: Any, issuer: x509.Certificate | None
) -> None:
    (directory / "certs" / f"{label}.pem").write_bytes(
        cert.public_bytes(serialization.Encoding.PEM)
    )
    (directory / "keys" / f"{label}.key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    p12 = pkcs12.serialize_key_and_certificates(
        name=label.encode(),
        key=key,
        cert=cert,
        cas=[issuer] if issuer is not None else None,
        encryption_algorithm=serialization.BestAvailableEncryption(TEST_P12_PASSWORD),
    )
    (directory / "p12" / f"{label}.p12").write_bytes(p12)
