"""The edXML package as plain, immutable values (standards.md §4.2–4.6).

Names follow the QCVN 102:2016 elements; see `MessageHeader` for the order. Dates are `date`,
timestamps aware `datetime` (written in Vietnam time, `yyyy/MM/dd HH:mm:ss`). Code values whose
lists are uncertain (`DocumentType.type`, `OtherInfo.priority`, `steering_type`) stay strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Literal

BusinessKind = Literal["new", "revoke", "update", "replace"]


@dataclass(frozen=True)
class Organization:
    """From / To / Status From: `code` is OrganId. `id_` is a local reference, never written."""

    code: str
    name: str = ""
    id_: str = ""
    in_charge: str = ""  # OrganizationInCharge
    address: str = ""  # OrganAdd
    email: str = ""
    telephone: str = ""
    fax: str = ""
    website: str = ""


@dataclass(frozen=True)
class Code:
    number: str  # CodeNumber (số)
    notation: str = ""  # CodeNotation (ký hiệu)

    def __str__(self) -> str:
        return f"{self.number}/{self.notation}" if self.notation else self.number


@dataclass(frozen=True)
class PromulgationInfo:
    place: str = ""
    date: date | None = None


@dataclass(frozen=True)
class DocumentType:
    type: str = ""  # Type: code list unknown [?] ("1" and "18" both seen for Công văn)
    name: str = ""  # TypeName
    detail: str = "0"  # TypeDetail


@dataclass(frozen=True)
class SignerInfo:
    competence: str = ""  # TM./KT./TL./TUQ./Q.
    position: str = ""
    full_name: str = ""


@dataclass(frozen=True)
class OtherInfo:
    priority: str = "0"  # độ khẩn, [C] 0 Thường … 4 Hỏa tốc hẹn giờ
    sphere_of_promulgation: str = ""
    typer_notation: str = ""
    promulgation_amount: int | None = None
    page_amount: int | None = None
    direction: bool = False
    appendixes: tuple[str, ...] = ()
    # Not an edXML element (standards §4.3 has no độ mật): "" or "normal" only; anything else is
    # refused by build_package and flagged by parse_package (hub-api "Secret documents").
    secrecy: str = ""


@dataclass(frozen=True)
class ResponseFor:
    organ_id: str = ""
    code: str = ""  # "267/VPCP-TTĐT"
    promulgation_date: date | None = None
    document_id: str = ""


@dataclass(frozen=True)
class MessageHeader:
    """The 14 elements of MessageHeader, in QCVN order (1.1–1.14)."""

    from_org: Organization
    to_orgs: tuple[Organization, ...]
    code: Code
    promulgation: PromulgationInfo = PromulgationInfo()
    document_type: DocumentType = DocumentType()
    subject: str = ""
    content: str = ""
    signer: SignerInfo = SignerInfo()
    due_date: date | None = None
    to_places: tuple[str, ...] = ()
    other_info: OtherInfo = OtherInfo()
    response_for: tuple[ResponseFor, ...] = ()
    steering_type: str = ""
    document_id: str = ""


@dataclass(frozen=True)
class TraceHeader:
    organ_id: str
    timestamp: datetime


@dataclass(frozen=True)
class StaffInfo:
    department: str = ""
    staff: str = ""
    mobile: str = ""
    email: str = ""


@dataclass(frozen=True)
class Receiver:
    organ_id: str
    receiver_type: str = ""  # meaning unknown [?]


@dataclass(frozen=True)
class BusinessDocumentInfo:
    """Used with "update": which parts change (standards §4.4)."""

    document_info: str = "0"
    document_receiver: str = "0"
    receivers: tuple[Receiver, ...] = ()


@dataclass(frozen=True)
class ReplacementInfo:
    """Used with "replace": the document replaced and who must swap it."""

    document_id: str
    organ_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Business:
    """TraceHeaderList/Bussiness ("Bussiness" in the XML, as in the QCVN)."""

    kind: BusinessKind = "new"
    document_id: str = ""  # for revoke/update/replace: the document concerned
    reason: str = ""
    paper: bool = False
    staff_info: tuple[StaffInfo, ...] = ()
    document_info: BusinessDocumentInfo | None = None
    replacement_info: tuple[ReplacementInfo, ...] = ()


@dataclass(frozen=True)
class Attachment:
    """A file of the package. Its content lives on disk at `path`, never required in memory.

    `content_type` is the file's own type (e.g. application/pdf); when the codec zips the file
    as the VNPT SDK does, the XML says application/zip and parsing unzips it again.
    """

    name: str
    content_type: str
    path: Path
    size: int
    description: str = ""
    content_id: str = ""


@dataclass(frozen=True)
class DocumentPackage:
    header: MessageHeader
    traces: tuple[TraceHeader, ...] = ()
    business: Business = Business()
    attachments: tuple[Attachment, ...] = ()

    @property
    def is_secret(self) -> bool:
        return self.header.other_info.secrecy.strip().lower() not in ("", "normal")


@dataclass(frozen=True)
class StatusPackage:
    """A status reply (standards §4.6); `to_orgs[0]` is the original sender (ResponseFor)."""

    from_org: Organization
    to_orgs: tuple[Organization, ...]
    response_for_document_id: str
    response_for_code: str
    status_code: str
    description: str = ""
    staff_info: StaffInfo = StaffInfo()
    timestamp: datetime | None = None
    response_for_promulgation_date: date | None = None


@dataclass(frozen=True)
class Envelope:
    """What routing needs, read cheaply from the header only."""

    kind: Literal["edoc", "status"]
    from_code: str
    to_codes: list[str] = field(default_factory=list)
    document_id: str = ""
    business_kind: str | None = None
    status_code: str | None = None
    response_for_document_id: str | None = None
    is_secret: bool = False
    # For revoke/update/replace: the DocumentId of the document concerned (TraceHeaderList).
    business_document_id: str | None = None


@dataclass(frozen=True)
class XmlSignatureCheck:
    valid: bool
    algorithm: str = ""  # SignatureMethod URI
    signer_subject: str = ""
    certificate_der: bytes | None = field(default=None, repr=False)
    problem_code: str | None = None
    digest_algorithm: str = ""
    message_vi: str = ""


def make_document_id(organ_id: str, issued: date, code: Code) -> str:
    """`{OrganId},{yyyy/MM/dd},{CodeNumber}/{CodeNotation}` (standards §4.3, 1.14)."""
    return f"{organ_id},{issued:%Y/%m/%d},{code}"


# read as leniently as a platform reads a DocumentId back (spaces around the parts, a one-digit
# month or day), so that no variant of another issuer's DocumentId passes for the sender's
_DOCUMENT_ID = re.compile(r"([^,]*),\s*[0-9]{4}/[0-9]{1,2}/[0-9]{1,2}\s*,.*", re.DOTALL)


def document_id_issuer(document_id: str) -> str | None:
    """The OrganId a DocumentId in the `make_document_id` form names as its issuer (the part
    before the first comma); None for a DocumentId in another form, which names no issuer."""
    match = _DOCUMENT_ID.fullmatch(document_id)
    return match.group(1).strip() if match else None
