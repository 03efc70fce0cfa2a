"""Fixtures of the codec tests: real RSA keys and certificates made with `cryptography`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from congso.exchange.lib import (
    Attachment,
    Business,
    Code,
    DocumentPackage,
    DocumentType,
    MessageHeader,
    Organization,
    OtherInfo,
    PromulgationInfo,
    SignerInfo,
    StaffInfo,
    TraceHeader,
    XmlSigner,
)
from congso.exchange.lib.config import VIETNAM_TZ

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass
class Identity:
    key: rsa.RSAPrivateKey
    cert: x509.Certificate

    def signer(self, **kwargs: str) -> XmlSigner:
        return XmlSigner(self.key, self.cert, **kwargs)

    def write_pem(self, directory: Path) -> tuple[Path, Path]:
        key_path, cert_path = directory / "key.pem", directory / "cert.pem"
        key_path.write_bytes(
            self.key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        cert_path.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))
        return key_path, cert_path


def make_identity(common_name: str) -> Identity:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    return Identity(key, cert)


@pytest.fixture(scope="session")
def kontum() -> Identity:
    return make_identity("UBND tỉnh Kon Tum")


@pytest.fixture(scope="session")
def other_agency() -> Identity:
    return make_identity("UBND tỉnh Gia Lai")


def sample_header(**changes: object) -> MessageHeader:
    header = MessageHeader(
        from_org=Organization("000.00.00.H34", "UBND tỉnh Kon Tum", in_charge="UBND tỉnh Kon Tum"),
        to_orgs=(
            Organization("000.00.00.G22", "Văn phòng Chính phủ"),
            Organization("H21.05", "Sở Nội vụ tỉnh Gia Lai"),
        ),
        code=Code("125", "UBND-VP"),
        promulgation=PromulgationInfo("Kon Tum", dt.date(2020, 3, 5)),
        document_type=DocumentType("1", "Công văn"),
        subject="V/v triển khai liên thông văn bản điện tử & <thử nghiệm>",
        content='Nội dung: "kết nối" trục liên thông',
        signer=SignerInfo("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn A"),
        due_date=dt.date(2020, 3, 20),
        to_places=("Như trên", "Lưu: VT, VX."),
        other_info=OtherInfo(
            priority="1", promulgation_amount=2, page_amount=3, appendixes=("Phụ lục I",)
        ),
        steering_type="1",
        document_id="000.00.00.H34,2020/03/05,125/UBND-VP",
    )
    return header if not changes else MessageHeader(**{**header.__dict__, **changes})


def sample_package(attachments: tuple[Attachment, ...] = (), **changes: object) -> DocumentPackage:
    return DocumentPackage(
        header=sample_header(**changes),
        traces=(TraceHeader("000.00.00.H34", dt.datetime(2020, 3, 5, 8, 30, tzinfo=VIETNAM_TZ)),),
        business=Business(
            kind="new",
            document_id="000.00.00.H34,2020/03/05,125/UBND-VP",
            reason="Văn bản điện tử mới",
            staff_info=(StaffInfo("Văn thư", "Trần Thị B", "0912", "vt@kontum.gov.vn"),),
        ),
        attachments=attachments,
    )


def attachment(path: Path, data: bytes, content_type: str = "application/pdf") -> Attachment:
    path.write_bytes(data)
    return Attachment(path.name, content_type, path, len(data), description=f"Tệp {path.name}")
