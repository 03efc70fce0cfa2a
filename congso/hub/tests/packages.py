"""edXML packages for hub tests, built with the codec (congso.exchange.lib) and the test keys."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from congso.exchange.lib import (
    Business,
    Code,
    DocumentPackage,
    DocumentType,
    MessageHeader,
    Organization,
    PromulgationInfo,
    SignerInfo,
    StatusPackage,
    XmlSigner,
    build_package,
    build_status,
)
from congso.hub.keys import KeyFiles


def signer_for(keys: KeyFiles) -> XmlSigner:
    return XmlSigner.from_pem(keys.private_key.read_bytes(), keys.certificate.read_bytes())


def document_id(sender: str, number: int) -> str:
    return f"{sender},2020/03/02,{number}/UBND-VP"


def edoc(
    *,
    sender: str,
    recipients: list[str],
    number: int = 1,
    keys: KeyFiles | None = None,
    business: str = "new",
    business_document_id: str = "",
    subject: str = "V/v kết nối liên thông văn bản",
    doc_id: str = "",
) -> bytes:
    """A small document package from `sender`, signed when `keys` are given; its DocumentId is
    `doc_id`, else the sender's own `document_id(sender, number)`."""
    header = MessageHeader(
        from_org=Organization(code=sender, name="Đơn vị gửi"),
        to_orgs=tuple(Organization(code=code, name="Đơn vị nhận") for code in recipients),
        code=Code(number=str(number), notation="UBND-VP"),
        promulgation=PromulgationInfo(place="Kon Tum", date=date(2020, 3, 2)),
        document_type=DocumentType(type="1", name="Công văn"),
        subject=subject,
        content=subject,
        signer=SignerInfo(competence="TM.", position="Chủ tịch", full_name="Nguyễn Văn A"),
        document_id=doc_id or document_id(sender, number),
    )
    package = DocumentPackage(
        header=header,
        business=Business(kind=business, document_id=business_document_id),  # type: ignore[arg-type]
    )
    built = build_package(package, signer=signer_for(keys) if keys else None)
    assert built is not None
    return built


def status(
    *,
    reporter: str,
    original_sender: str,
    doc_id: str,
    code: str = "01",
    when: datetime | None = None,
    keys: KeyFiles | None = None,
) -> bytes:
    """A status package from `reporter`, signed when `keys` are given."""
    return build_status(
        StatusPackage(
            from_org=Organization(code=reporter, name="Đơn vị nhận"),
            to_orgs=(Organization(code=original_sender, name="Đơn vị gửi"),),
            response_for_document_id=doc_id,
            response_for_code=doc_id.split(",")[-1],
            status_code=code,
            description="Đã đến",
            timestamp=when or datetime(2020, 3, 2, 8, 0, tzinfo=UTC),
        ),
        signer=signer_for(keys) if keys else None,
    )


def write(tmp: Path, name: str, data: bytes) -> Path:
    path = tmp / name
    path.write_bytes(data)
    return path
