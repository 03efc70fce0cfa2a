"""Mapping between the documents app and edXML (QCVN 102:2016): the only place where the names
of both meet (house style §2.3).

Outgoing: an issued `OutgoingDocument` and one outside recipient become a `DocumentPackage`
whose attachments point at the stored blobs on disk (the numbered, signed PDF of the issued
version first). Incoming: a parsed package becomes an `ExternalArrival` for the documents app.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from congso.catalogues.models import DocumentType, UrgencyLevel
from congso.documents.constants import (
    FileRole,
    OutboxStatus,
    OutgoingStatus,
    RelationKind,
    VersionOrigin,
)
from congso.documents.models import (
    DocumentRelation,
    OutboxMessage,
    OutgoingDocument,
    OutgoingRecipient,
    OutgoingVersion,
    StoredFile,
)
from congso.documents.services.files import blob_path
from congso.documents.services.incoming_exchange import ExternalArrival
from congso.exchange import lib
from congso.organizations.models import Agency

# OtherInfo/Priority (standards §4.3, [C]): 0 Thường, 1 Khẩn, 2 Thượng khẩn, 3 Hỏa tốc.
PRIORITY_BY_URGENCY = {"thuong": "0", "khan": "1", "thuong_khan": "2", "hoa_toc": "3"}
URGENCY_BY_PRIORITY = {value: key for key, value in PRIORITY_BY_URGENCY.items()} | {"4": "hoa_toc"}
DEFAULT_TYPE_CODE = "cong_van"
PDF = "application/pdf"


class NotSendable(Exception):
    """The outbox row cannot become a package (a permanent failure): `code` says why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def document_code(document: OutgoingDocument) -> lib.Code:
    """Số is printed with two digits below 10 (Phụ lục I, mục II.3)."""
    number = f"{document.code_number:02d}" if document.code_number is not None else ""
    return lib.Code(number=number, notation=document.code_notation)


def outgoing_document_id(document: OutgoingDocument) -> str:
    """The edXML DocumentId of an issued document: `{OrganId},{yyyy/MM/dd},{số}/{ký hiệu}`."""
    issued_on = document.issued_on or timezone.localdate(document.issued_at)
    return lib.make_document_id(
        document.agency.code_qcvn102 or "", issued_on, document_code(document)
    )


@dataclass(frozen=True)
class ParsedDocumentId:
    organ_id: str
    issued_on: dt.date
    code_number: int
    code_notation: str


def parse_document_id(value: str) -> ParsedDocumentId | None:
    """Read `000.00.00.H34,2020/01/06,05/UBND-VX` back; None when it is not in that form."""
    parts = value.split(",", 2)
    if len(parts) != 3:
        return None
    organ_id, day, code = (part.strip() for part in parts)
    number, _sep, notation = code.partition("/")
    try:
        issued_on = dt.datetime.strptime(day, "%Y/%m/%d").date()  # noqa: DTZ007 (a date)
        code_number = int(number)
    except ValueError:
        return None
    return ParsedDocumentId(organ_id, issued_on, code_number, notation)


def _attachments(document: OutgoingDocument) -> list[lib.Attachment]:
    prefetched = getattr(document, "issued_versions", None)  # document_packages' prefetch
    issued = (
        (prefetched[0] if prefetched else None)
        if prefetched is not None
        else document.versions.select_related("rendered_file")
        .filter(origin=VersionOrigin.ISSUED)
        .order_by("-number")
        .first()
    )
    if issued is None or issued.rendered_file is None:
        raise NotSendable("exchange_no_issued_pdf", "Văn bản chưa có bản PDF ban hành.")
    main_name = f"{document.number_notation.replace('/', '-')}.pdf"
    files: list[tuple[StoredFile, str, str]] = [(issued.rendered_file, main_name, FileRole.MAIN)]
    files += [
        (item.stored_file, item.name, item.role)
        for item in (
            document.attachments.all()  # prefetched with their files by document_packages
            if prefetched is not None
            else document.attachments.select_related("stored_file")
        )
    ]
    return [
        lib.Attachment(
            name=name,
            content_type=stored.media_type or "application/octet-stream",
            path=blob_path(stored.sha256),
            size=stored.size,
            description=str(FileRole(role).label),
        )
        for stored, name, role in files
    ]


_SENDABLE_RELATED = ("agency", "document_type", "urgency", "secrecy", "signer")


def _sendable(document_pk: int, *, revoking: bool = False) -> OutgoingDocument:
    document = OutgoingDocument.objects.select_related(*_SENDABLE_RELATED).get(pk=document_pk)
    return _check_sendable(document, revoking=revoking)


def _check_sendable(document: OutgoingDocument, *, revoking: bool = False) -> OutgoingDocument:
    if document.is_secret or document.secrecy.is_secret:
        raise NotSendable("edxml_secret_refused", "Văn bản mật không được gửi qua trục liên thông.")
    allowed = (OutgoingStatus.ISSUED, OutgoingStatus.REPLACED)
    if document.status not in (allowed + (OutgoingStatus.REVOKED,) if revoking else allowed):
        raise NotSendable("exchange_not_issued", "Văn bản không ở trạng thái đã ban hành.")
    if not document.agency.code_qcvn102:
        raise NotSendable("exchange_no_sender_code", "Cơ quan ban hành chưa có mã định danh.")
    return document


def _package(
    document: OutgoingDocument,
    *,
    organ_id: str,
    name: str,
    business: lib.Business | None = None,
    with_files: bool = True,
) -> lib.DocumentPackage:
    if not organ_id:
        raise NotSendable("exchange_no_recipient_code", "Nơi nhận chưa có mã định danh.")
    agency: Agency = document.agency
    code_qcvn102 = agency.code_qcvn102 or ""
    issued_at = document.issued_at or timezone.now()
    issued_on = document.issued_on or timezone.localdate(issued_at)
    code = document_code(document)
    document_id = lib.make_document_id(code_qcvn102, issued_on, code)
    header = lib.header_from_document_metadata(
        {
            "organ_id": code_qcvn102,
            "organ_name": agency.name,
            "recipients": [{"organ_id": organ_id, "organ_name": name}],
            "code_number": code.number,
            "code_notation": code.notation,
            "issued_on": issued_on,
            "place_name": document.place_name,
            "type_code": str(document.document_type.ordinal),
            "type_name": document.document_type.name,
            "subject": document.subject,
            "signing_authority": document.signing_authority,
            "signer_position": document.signer_position,
            "signer_full_name": document.signer_full_name,
            "due_on": document.reply_due_on,
            "to_places": [r.name for r in document.recipients.all()],
            "priority": PRIORITY_BY_URGENCY.get(document.urgency.code, "0"),
            "page_amount": document.page_amount,
            "issued_amount": document.issued_amount,
            "document_id": document_id,
        }
    )
    return lib.DocumentPackage(
        header=header,
        traces=(lib.TraceHeader(organ_id=code_qcvn102, timestamp=issued_at),),
        business=business or lib.Business(kind="new", document_id=document_id),
        attachments=tuple(_attachments(document)) if with_files else (),
    )


# documents' RelationKind → edXML Bussiness kind (standards.md §4.3: 2 cập nhật, 3 thay thế)
KIND_BY_RELATION = {RelationKind.REPLACES: "replace", RelationKind.CORRECTS: "update"}


def superseding_business(
    document: OutgoingDocument, organ_id: str, *, original: OutgoingDocument | None = None
) -> lib.Business | None:
    """The Bussiness of `document`'s package to `organ_id` when `document` replaces or
    corrects an earlier document that reached the same recipient through the hub (or
    `original` when given); None for a plain new document."""
    relations = DocumentRelation.objects.filter(
        source=document, kind__in=list(KIND_BY_RELATION)
    ).select_related("target__agency")
    if original is not None:
        relations = relations.filter(target=original)
    for relation in relations:
        target = relation.target
        reached = OutboxMessage.objects.filter(
            document=target, recipient__organ_id=organ_id, status=OutboxStatus.SENT
        ).exists()
        if not reached:
            continue
        kind = KIND_BY_RELATION[RelationKind(relation.kind)]
        target_id = outgoing_document_id(target)
        return lib.Business(
            kind=kind,  # type: ignore[arg-type]
            document_id=target_id,
            reason=relation.reason,
            replacement_info=(
                (lib.ReplacementInfo(document_id=target_id, organ_ids=(organ_id,)),)
                if kind == "replace"
                else ()
            ),
        )
    return None


def document_package(recipient: OutgoingRecipient) -> lib.DocumentPackage:
    """The edXML package of an issued document for one outside recipient (a replace or update
    package when it supersedes a document this recipient received through the hub)."""
    document = _sendable(recipient.document_id)
    return _package(
        document,
        organ_id=recipient.organ_id,
        name=recipient.name,
        business=superseding_business(document, recipient.organ_id),
    )


def document_packages(
    recipients: list[OutgoingRecipient],
) -> dict[int, lib.DocumentPackage | NotSendable]:
    """`document_package` for several recipients at once (a batch of outbox rows): the
    documents, their recipients, issued versions and attachments read in a few queries, not a
    few per row. By recipient pk: the package, or why it cannot be sent."""
    documents = {
        document.pk: document
        for document in OutgoingDocument.objects.select_related(*_SENDABLE_RELATED)
        .prefetch_related(
            "recipients",
            "attachments__stored_file",
            Prefetch(
                "versions",
                queryset=OutgoingVersion.objects.select_related("rendered_file")
                .filter(origin=VersionOrigin.ISSUED)
                .order_by("-number"),
                to_attr="issued_versions",
            ),
        )
        .filter(pk__in={recipient.document_id for recipient in recipients})
    }
    superseding = set(
        DocumentRelation.objects.filter(
            source_id__in=list(documents), kind__in=list(KIND_BY_RELATION)
        ).values_list("source_id", flat=True)
    )
    packages: dict[int, lib.DocumentPackage | NotSendable] = {}
    for recipient in recipients:
        try:
            document = _check_sendable(documents[recipient.document_id])
            business = (
                superseding_business(document, recipient.organ_id)
                if document.pk in superseding
                else None
            )
            packages[recipient.pk] = _package(
                document, organ_id=recipient.organ_id, name=recipient.name, business=business
            )
        except NotSendable as refusal:
            packages[recipient.pk] = refusal
    return packages


def business_package(
    *, kind: str, document_pk: int, original: OutgoingDocument, recipient: OutgoingRecipient,
    reason: str,
) -> lib.DocumentPackage:  # fmt: skip
    """A revoke package (the original's header, no files) or the replace / update package of
    the new document, for one recipient of the original."""
    if kind == "revoke":
        document = _sendable(original.pk, revoking=True)
        business = lib.Business(
            kind="revoke", document_id=outgoing_document_id(document), reason=reason
        )
        return _package(
            document,
            organ_id=recipient.organ_id,
            name=recipient.name,
            business=business,
            with_files=False,
        )
    document = _sendable(document_pk)
    superseding = superseding_business(document, recipient.organ_id, original=original)
    if superseding is None:
        raise NotSendable(
            "exchange_nothing_superseded", "Nơi nhận chưa nhận văn bản bị thay thế qua trục."
        )
    return _package(
        document, organ_id=recipient.organ_id, name=recipient.name, business=superseding
    )


class ArrivalCatalogues:
    """The catalogue entries arrivals name, read once per page of arrivals (or per arrival
    when none is shared): document types by name, urgency levels by code."""

    def __init__(self) -> None:
        self._types: dict[str, DocumentType] = {}
        self._urgencies: dict[str, UrgencyLevel | None] = {}

    def document_type(self, value: lib.DocumentType) -> DocumentType:
        name = (value.name or "").strip().casefold()
        if name not in self._types:
            found = None
            if name:
                found = DocumentType.objects.filter(
                    name__iexact=value.name.strip(), is_active=True
                ).first()
            self._types[name] = found or DocumentType.objects.get(code=DEFAULT_TYPE_CODE)
        return self._types[name]

    def urgency(self, code: str) -> UrgencyLevel | None:
        if code not in self._urgencies:
            self._urgencies[code] = UrgencyLevel.objects.filter(code=code).first()
        return self._urgencies[code]


def external_arrival(
    package: lib.DocumentPackage, *, agency: Agency, catalogues: ArrivalCatalogues | None = None
) -> ExternalArrival:
    """What the documents app files for a received package (Phụ lục VI names)."""
    catalogues = catalogues or ArrivalCatalogues()
    meta = lib.document_metadata_from_header(package.header)
    urgency_code = URGENCY_BY_PRIORITY.get(str(meta["priority"]).strip(), "thuong")
    today = timezone.localdate()
    issued_on = meta["issued_on"] or today
    return ExternalArrival(
        agency_id=agency.pk,
        organ_id=meta["organ_id"],
        organ_name=meta["organ_name"] or meta["organ_id"],
        document_type=catalogues.document_type(package.header.document_type),
        issued_on=min(issued_on, today),
        subject=meta["subject"] or meta["body"] or meta["document_id"],
        code_number=meta["code_number"],
        code_notation=meta["code_notation"],
        urgency=catalogues.urgency(urgency_code),
        signer_position=meta["signer_position"],
        signer_full_name=meta["signer_full_name"],
        to_places=meta["to_places"].replace("\n", "; "),
        due_on=meta["due_on"],
        page_amount=meta["page_amount"],
    )


def status_package(
    *,
    from_agency: Agency | None,
    from_code: str,
    to_code: str,
    document_id: str,
    response_for_code: str,
    status_code: str,
    description: str,
    at: dt.datetime,
) -> lib.StatusPackage:
    return lib.StatusPackage(
        from_org=lib.Organization(code=from_code, name=from_agency.name if from_agency else ""),
        to_orgs=(lib.Organization(code=to_code),),
        response_for_document_id=document_id,
        response_for_code=response_for_code,
        status_code=status_code,
        description=description,
        staff_info=lib.StaffInfo(department="Văn thư"),
        timestamp=at,
    )
