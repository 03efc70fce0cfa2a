"""Receiving document packages from the hub (inbound exchange), in order — each step passes or
refuses the package, and nothing is registered unless every step passed:

1. a package already registered here (same sender, DocumentId and recipient agency) or already
   refused is only acknowledged again (a package delivered twice registers once);
2. the package is streamed to a spool folder, never held in memory;
3. its envelope is read: a document package (not a status), not secret (secret documents never
   travel, QĐ 28/2018/QĐ-TTg), addressed to an active agency of this installation whose
   identifier is the member code the hub delivered it to;
4. it is parsed in full (attachments streamed to disk; the codec refuses malformed XML, DTDs and
   entities, oversized or too deep documents) and, in the same pass, its XML signature
   (XMLDSig of the sending organisation) is verified; a missing one is refused unless
   EXCHANGE_REQUIRE_XML_SIGNATURE is off;
5. each PDF's signature is checked (Nghị định 30/2020/NĐ-CP, Điều 21 khoản 2) on the parsed
   attachment, before the transaction (no lock held while revocation is checked; the
   signatures app keeps and audits each report), and so is its text layer (PDFium, a few ms);
   then in ONE transaction: the files are stored with their text (no text task follows, the
   search entry is written once, with it), the incoming document is filed as "received" with
   those verdicts, a PDF whose signature failed refuses the whole package (rolled back), the
   `ExchangeReceipt` is created (its unique constraint makes a concurrent duplicate roll
   back) and status 01 is queued;
6. the package is acknowledged on the hub.

A revoke package (Bussiness "thu hồi") registers nothing: services/revocations.py answers it
(13, 15 or 16). An update / replace package registers the new document like a new one, linked
to the receipt of the document it names (notes on both).

A refusal is an `ExchangeIncident` and, when the package names its sender and DocumentId, a
status 02 with the reason; it is acknowledged too, so it is not offered again.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction

from congso.audit.services import audit_record
from congso.core.errors import CongsoError
from congso.documents.constants import FileRole
from congso.documents.models import StoredFile
from congso.documents.services import incoming_exchange
from congso.documents.services.files import (
    KnownText,
    max_upload_bytes,
    safe_file_name,
    stored_file_put,
)
from congso.documents.services.incoming_exchange import incoming_document_receive_exchange
from congso.documents.services.incoming_internal import incoming_document_accept_on_arrival
from congso.exchange import lib
from congso.exchange.models import ExchangeIncident, ExchangeReceipt, IncidentKind, RevokeRequest
from congso.exchange.services import config
from congso.exchange.services.common import ExchangeAction, agency_by_code, incident_record
from congso.exchange.services.packages import external_arrival
from congso.exchange.services.revocations import revoke_package_receive, supersedes_link
from congso.exchange.services.statuses import receipt_status_queue, status_message_queue
from congso.exchange.transport import ReceivedItem, Transport, TransportError
from congso.organizations.models import Agency
from congso.signatures.services import SignatureCheck

logger = logging.getLogger("congso.exchange")


class Refused(Exception):
    """The package is refused: `code` is stable, `message` Vietnamese (sent with status 02)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Outcome:
    result: str  # "registered" | "revoke" | "duplicate" | "refused" | "retry"
    document_id: int | None = None
    code: str = ""


def _already_handled(transport: Transport, item: ReceivedItem) -> Outcome | None:
    if item.business == "revoke":
        # a revoke names a registered document: it is handled once per hub message
        if RevokeRequest.objects.filter(
            hub_message_id=item.id, recipient_code=transport.member_code
        ).exists():
            return Outcome("duplicate")
        return _refused_before(item)
    receipt = (
        ExchangeReceipt.objects.filter(
            sender_code=item.from_code,
            document_id=item.document_id,
            recipient_code=transport.member_code,
        )
        .values_list("incoming_document_id", flat=True)
        .first()
    )
    if receipt is not None:
        return Outcome("duplicate", document_id=receipt)
    return _refused_before(item)


def _refused_before(item: ReceivedItem) -> Outcome | None:
    if ExchangeIncident.objects.filter(
        hub_message_id=item.id, kind=IncidentKind.PACKAGE_REFUSED
    ).exists():
        return Outcome("refused")
    return None


def _recipient(transport: Transport, envelope: lib.Envelope, known: Agency | None = None) -> Agency:
    if transport.member_code not in envelope.to_codes:
        raise Refused(
            "exchange_unknown_recipient",
            f"Gói tin không gửi cho {transport.member_code} (nơi nhận: "
            f"{', '.join(envelope.to_codes) or 'không có'}).",
        )
    agency = known or agency_by_code(transport.member_code)
    if agency is None:
        raise Refused(
            "exchange_unknown_recipient",
            f"Không có cơ quan mã {transport.member_code} đang hoạt động trong hệ thống nhận.",
        )
    return agency


def envelope_check(
    transport: Transport,
    item: ReceivedItem,
    source: bytes | Path,
    *,
    agency: Agency | None = None,
) -> Agency:
    """The recipient agency of a package whose envelope passes (`agency`: the member's agency
    when the caller has it already)."""
    try:
        envelope = lib.read_envelope(source)
    except lib.EdxmlError as exc:
        raise Refused(exc.code, exc.message_vi) from exc
    return _envelope_facts_check(transport, item, envelope, agency)


def _envelope_facts_check(
    transport: Transport, item: ReceivedItem, envelope: lib.Envelope, agency: Agency | None
) -> Agency:
    if envelope.kind != "edoc":
        raise Refused("edxml_wrong_kind", "Gói tin không phải gói tin văn bản.")
    if envelope.is_secret:
        raise Refused(
            "edxml_secret_refused", "Văn bản mật không được gửi, nhận qua trục liên thông."
        )
    if item.from_code and envelope.from_code != item.from_code:
        raise Refused(
            "exchange_sender_mismatch",
            f"Gói tin ghi nơi gửi {envelope.from_code}, trục báo nơi gửi {item.from_code}.",
        )
    return _recipient(transport, envelope, agency)


def package_read(
    transport: Transport,
    item: ReceivedItem,
    source: bytes | Path,
    attachment_dir: Path,
    *,
    agency: Agency | None = None,
) -> tuple[Agency, lib.DocumentPackage]:
    """`envelope_check` then `package_parse`, reading the package ONCE: the envelope's facts
    are taken from the parsed header (the same reader `read_envelope` uses), checked in the
    same order and refused with the same reasons; only a package the parser refuses has its
    envelope read on its own, so an envelope refusal still comes before a parse refusal."""
    try:
        package, check = lib.parse_package_checked(source, attachment_dir=attachment_dir)
    except lib.EdxmlError as exc:
        envelope_check(transport, item, source, agency=agency)
        raise Refused(exc.code, exc.message_vi) from exc
    header = package.header
    envelope = lib.Envelope(
        kind="edoc",
        from_code=header.from_org.code,
        to_codes=[org.code for org in header.to_orgs],
        document_id=header.document_id,
        is_secret=not lib.DEFAULT_CONFIG.is_normal_secrecy(header.other_info.secrecy),
    )
    recipient = _envelope_facts_check(transport, item, envelope, agency)
    return recipient, package_checked(package, check)


def _check_xml_signature(check: lib.XmlSignatureCheck | None) -> None:
    if check is not None and check.valid:
        return
    code = (check.problem_code if check else None) or "edxml_signature_invalid"
    if code == "edxml_signature_missing" and not settings.EXCHANGE_REQUIRE_XML_SIGNATURE:
        return
    message = check.message_vi if check else ""
    raise Refused(code, message or "Chữ ký số XML của gói tin không hợp lệ.")


def package_parse(path: Path, attachment_dir: Path) -> lib.DocumentPackage:
    """Parse and verify the XML signature in one streaming pass."""
    try:
        package, check = lib.parse_package_checked(path, attachment_dir=attachment_dir)
    except lib.EdxmlError as exc:
        raise Refused(exc.code, exc.message_vi) from exc
    return package_checked(package, check)


def package_checked(
    package: lib.DocumentPackage, check: lib.XmlSignatureCheck | None
) -> lib.DocumentPackage:
    """The checks of a parsed package: its XML signature, secrecy and DocumentId."""
    _check_xml_signature(check)
    if package.is_secret:
        raise Refused(
            "edxml_secret_refused", "Văn bản mật không được gửi, nhận qua trục liên thông."
        )
    if not package.header.document_id:
        raise Refused("edxml_missing_element", "Gói tin thiếu mã văn bản (DocumentId).")
    return package


def package_files_store(
    package: lib.DocumentPackage, texts: Sequence[KnownText | None] | None = None
) -> list[tuple[StoredFile, str, str]]:
    """Store a package's files, each with its text when `texts` (`package_texts`) has it."""
    files: list[tuple[StoredFile, str, str]] = []
    known = list(texts) if texts is not None else [None] * len(package.attachments)
    for index, (attachment, text) in enumerate(zip(package.attachments, known, strict=True)):
        role = FileRole.MAIN if index == 0 else FileRole.ATTACHMENT
        try:
            with attachment.path.open("rb") as stream:
                stored = stored_file_put(stream=stream, text=text)
        except (CongsoError, DjangoValidationError) as exc:
            raise Refused(
                "exchange_attachment_refused",
                f"Tệp đính kèm “{attachment.name}” không được chấp nhận: {exc}",
            ) from exc
        files.append((stored, safe_file_name(attachment.name), role))
    if not files:
        raise Refused("exchange_no_attachment", "Gói tin không có tệp văn bản.")
    return files


def package_signature_checks(package: lib.DocumentPackage) -> list[SignatureCheck | None] | None:
    """The signature checks of a parsed package's files, in order, run on the attachments
    BEFORE the registering transaction (a verdict depends on the bytes alone: no lock is held
    while certificates and revocation are checked). None — the files are then checked in the
    transaction, as they are stored — when a file would not be stored anyway (its name or
    size is refused there, and must be refused before any validation)."""
    return packages_signature_checks([package])[0]


def packages_signature_checks(
    packages: Sequence[lib.DocumentPackage],
) -> list[list[SignatureCheck | None] | None]:
    """`package_signature_checks` of each package (a part of a page), their PDFs' reports
    stored together (`arrival_attachment_checks_many`)."""
    named = [_checkable(package) for package in packages]
    checked = iter(
        incoming_exchange.arrival_attachment_checks_many([n for n in named if n is not None])
    )
    return [None if n is None else next(checked) for n in named]


def _checkable(package: lib.DocumentPackage) -> list[tuple[Path, str]] | None:
    """The (path, stored name) of a package's files, or None when one would not be stored."""
    limit = max_upload_bytes()
    try:
        named = [(a.path, safe_file_name(a.name)) for a in package.attachments]
    except (CongsoError, DjangoValidationError):
        return None
    if any(path.stat().st_size > limit for path, _name in named):
        return None
    return named


def package_texts(package: lib.DocumentPackage) -> list[KnownText | None]:
    """The text layers of a parsed package's PDFs, in order, extracted BEFORE the registering
    transaction (no lock is held for it), for `package_files_store`."""
    return incoming_exchange.arrival_attachment_texts([a.path for a in package.attachments])


def signatures_refusal(failed: list[tuple[str, str]]) -> Refused | None:
    """The refusal of a package some of whose PDFs' signatures failed ((file name, summary)
    pairs), or None when none did."""
    if not failed:
        return None
    return Refused(
        "exchange_pdf_signature_failed",
        "Chữ ký số trên tệp "
        + ", ".join(f"“{name}” ({summary})" for name, summary in failed)
        + " không hợp lệ.",
    )


def receipt_for(
    transport: Transport, item: ReceivedItem, package: lib.DocumentPackage, document: Any
) -> ExchangeReceipt:
    """The (unsaved, checked) receipt of a registered package; its unique constraint is left
    to the database: a concurrent duplicate is an IntegrityError."""
    header = package.header
    receipt = ExchangeReceipt(
        sender_code=header.from_org.code,
        document_id=header.document_id,
        recipient_code=transport.member_code,
        hub_message_id=item.id,
        response_for_code=str(header.code)[:50],
        incoming_document=document,
        business_kind=package.business.kind,
    )
    receipt.clean_fields(exclude=["incoming_document"])
    return receipt


def received_audit_data(item: ReceivedItem, package: lib.DocumentPackage) -> dict[str, Any]:
    header = package.header
    return {
        "hub_message_id": item.id,
        "from": header.from_org.code,
        "document_id": header.document_id,
    }


def _register(
    transport: Transport, item: ReceivedItem, agency: Agency, package: lib.DocumentPackage
) -> int:
    refuse_verdicts = set(settings.EXCHANGE_REFUSE_PDF_VERDICTS)
    checks = package_signature_checks(package)  # before the transaction
    texts = package_texts(package)  # likewise
    with transaction.atomic():
        files = package_files_store(package, texts)
        document = incoming_document_receive_exchange(
            arrival=external_arrival(package, agency=agency), files=files, checks=checks
        )
        refusal = signatures_refusal(
            [
                (f.name, f.signature_summary)
                for f in document.files.all()
                if f.signature_verdict in refuse_verdicts
            ]
        )
        if refusal is not None:
            raise refusal
        receipt = receipt_for(transport, item, package, document)
        receipt.save()
        supersedes_link(receipt, package)
        receipt_status_queue(receipt=receipt, status_code="01")
        if config.accepts_on_arrival(transport.member_code):
            incoming_document_accept_on_arrival(document=document)  # 03 is queued by its hook
        audit_record(
            actor=None,
            action=ExchangeAction.RECEIVED,
            target=document,
            agency_id=agency.pk,
            data=received_audit_data(item, package),
        )
        return document.pk


def package_refuse(transport: Transport, item: ReceivedItem, refusal: Refused) -> None:
    """Log the refusal and answer 02 with its reason when the sender and document are known."""
    agency = agency_by_code(transport.member_code)
    can_reply = bool(item.from_code and item.document_id)
    with transaction.atomic():
        if can_reply:
            status_message_queue(
                from_code=transport.member_code,
                to_code=item.from_code,
                document_id=item.document_id,
                response_for_code="",
                status_code="02",
                description=f"Từ chối tiếp nhận: {refusal.message}",
            )
        incident_record(
            kind=IncidentKind.PACKAGE_REFUSED,
            code=refusal.code,
            message=refusal.message,
            agency=agency,
            hub_message_id=item.id,
            sender_code=item.from_code,
            recipient_code=transport.member_code,
            document_id=item.document_id,
            status_reply_sent=can_reply,
        )


def received_package_process(
    *, transport: Transport, item: ReceivedItem, ack: Callable[[str], None] | None = None
) -> Outcome:
    """Take one package waiting on the hub through the steps above, then acknowledge it
    (through `ack` when given: a poll acknowledges a page at once)."""
    acknowledge = ack or transport.ack
    handled = _already_handled(transport, item)
    if handled is not None:
        acknowledge(item.id)
        return handled
    work = Path(tempfile.mkdtemp(prefix="in-", dir=config.spool_dir()))
    try:
        path = work / "package.edxml"
        try:
            with path.open("wb") as out:
                if item.content is not None:
                    out.write(item.content)
                else:
                    transport.fetch(item.id, out)
        except TransportError as exc:
            logger.info("fetching hub message %s failed: %s", item.id, exc.message)
            return Outcome("retry", code=exc.code)
        try:
            agency, package = package_read(transport, item, path, work / "attachments")
            if package.business.kind == "revoke":
                revoke_package_receive(
                    transport=transport, item=item, agency=agency, package=package
                )
                acknowledge(item.id)
                return Outcome("revoke")
            document_id = _register(transport, item, agency, package)
        except Refused as refusal:
            package_refuse(transport, item, refusal)
            acknowledge(item.id)
            return Outcome("refused", code=refusal.code)
        except IntegrityError:
            # another worker registered the same package at the same moment
            acknowledge(item.id)
            return Outcome("duplicate")
        acknowledge(item.id)
        return Outcome("registered", document_id=document_id)
    finally:
        shutil.rmtree(work, ignore_errors=True)
