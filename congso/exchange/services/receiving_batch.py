"""Receiving a page of packages at once (docs/adr/0019): the steps of services/receiving.py for
every plain new package whose bytes came with the list, with the registrations of the whole
page written in ONE transaction (documents, files, receipts, 01 replies, audit entries: one
statement per table, one audit chain append). Each package is still read (once: envelope,
parse and XML signature in one pass), verified and refused on its own; the signatures of its
PDFs are validated, and their text extracted, BEFORE the page's transaction (both depend on
the bytes alone), so the transaction holds its locks only for the writes. A refused package
leaves nothing behind but the signatures app's reports of the PDFs it validated (kept and
audited, as any validation); its files are stored in a savepoint that is rolled back.
Anything else — revoke, update, replace, a package too large to come inline — and a page whose
transaction fails (a concurrent poll registered one of its packages first) go through
`receiving.received_package_process` one at a time.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction

from congso.audit.services import AuditItem, audit_record_many
from congso.documents.services import incoming_exchange
from congso.documents.services.files import KnownText
from congso.documents.services.incoming_exchange_batch import (
    PreparedArrival,
    incoming_documents_receive_exchange_many,
)
from congso.exchange import lib
from congso.exchange.models import ExchangeIncident, ExchangeReceipt, IncidentKind
from congso.exchange.services import config
from congso.exchange.services.common import ExchangeAction, agency_by_code
from congso.exchange.services.packages import ArrivalCatalogues, external_arrival
from congso.exchange.services.receiving import (
    Refused,
    package_files_store,
    package_read,
    package_refuse,
    package_texts,
    packages_signature_checks,
    receipt_for,
    received_audit_data,
    received_package_process,
    signatures_refusal,
)
from congso.exchange.services.statuses import new_receipts_statuses_queue
from congso.exchange.transport import ReceivedItem, Transport
from congso.organizations.models import Agency
from congso.signatures.services import SignatureCheck

logger = logging.getLogger("congso.exchange")


@dataclass
class _Read:
    """A package read and verified, waiting for the page's transaction."""

    index: int
    item: ReceivedItem
    agency: Agency
    package: lib.DocumentPackage
    checks: list[SignatureCheck | None] | None = None  # None: checked in the transaction
    texts: list[KnownText | None] | None = None  # None: the text follows after commit


def _batchable(item: ReceivedItem) -> bool:
    return item.content is not None and item.business in ("", "new")


def received_page_process(
    *, transport: Transport, items: list[ReceivedItem], ack: Callable[[str], None]
) -> list[str]:
    """Handle a page of packages (each claimed by the caller); one outcome per item, in order:
    "registered", "duplicate", "refused", "revoke" or "retry"."""
    outcomes: list[str | None] = [None] * len(items)
    batch = [(i, item) for i, item in enumerate(items) if _batchable(item)]
    for i, item in enumerate(items):
        if not _batchable(item):
            outcomes[i] = received_package_process(transport=transport, item=item, ack=ack).result
    batch = _without_known(transport, batch, outcomes, ack)
    work = Path(tempfile.mkdtemp(prefix="page-", dir=config.spool_dir()))
    try:
        read = _read_all(transport, batch, work, outcomes, ack)
        if read:
            _register_page(transport, read, outcomes, ack)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return [outcome or "retry" for outcome in outcomes]


def _without_known(
    transport: Transport,
    batch: list[tuple[int, ReceivedItem]],
    outcomes: list[str | None],
    ack: Callable[[str], None],
) -> list[tuple[int, ReceivedItem]]:
    """Answer at once the packages registered or refused before (their acknowledgement was
    lost): two queries for the page."""
    if not batch:
        return []
    registered = set(
        ExchangeReceipt.objects.filter(
            recipient_code=transport.member_code,
            document_id__in=[item.document_id for _i, item in batch],
        ).values_list("sender_code", "document_id")
    )
    refused = set(
        ExchangeIncident.objects.filter(
            hub_message_id__in=[item.id for _i, item in batch], kind=IncidentKind.PACKAGE_REFUSED
        ).values_list("hub_message_id", flat=True)
    )
    left = []
    for index, item in batch:
        if (item.from_code, item.document_id) in registered:
            outcomes[index] = "duplicate"
        elif item.id in refused:
            outcomes[index] = "refused"
        else:
            left.append((index, item))
            continue
        ack(item.id)
    return left


def _read_all(
    transport: Transport,
    batch: list[tuple[int, ReceivedItem]],
    work: Path,
    outcomes: list[str | None],
    ack: Callable[[str], None],
) -> list[_Read]:
    read: list[_Read] = []
    seen: set[tuple[str, str]] = set()
    member_agency = agency_by_code(transport.member_code) if batch else None
    for index, item in batch:
        try:  # the listed bytes go to the codec as they are (only attachments become files)
            agency, package = package_read(
                transport, item, item.content or b"", work / str(index), agency=member_agency
            )
        except Refused as refusal:
            package_refuse(transport, item, refusal)
            ack(item.id)
            outcomes[index] = "refused"
            continue
        except Exception:
            logger.exception("exchange: package %s of %s failed", item.id, transport.member_code)
            outcomes[index] = "retry"
            continue
        key = (package.header.from_org.code, package.header.document_id)
        if key in seen:  # the same document twice in one page: the second waits for the next
            outcomes[index] = "retry"
            continue
        seen.add(key)
        read.append(_Read(index, item, agency, package))
    # before the page's transaction: no lock is held while PDFs are read; the reports of the
    # part's signed PDFs are stored together, in one short transaction of their own
    checks = packages_signature_checks([one.package for one in read]) if read else []
    for one, checked in zip(read, checks, strict=True):
        one.checks = checked
        one.texts = package_texts(one.package)
    return read


def _register_page(
    transport: Transport, read: list[_Read], outcomes: list[str | None], ack: Callable[[str], None]
) -> None:
    try:
        with transaction.atomic():
            registered = _register_all(transport, read, outcomes)
    except IntegrityError:
        # another poll registered one of these packages at the same moment: one at a time
        for one in read:
            if outcomes[one.index] is None:
                outcomes[one.index] = received_package_process(
                    transport=transport, item=one.item, ack=ack
                ).result
        return
    for one in registered:
        outcomes[one.index] = "registered"
        ack(one.item.id)
    for one in read:
        if outcomes[one.index] == "refused":
            ack(one.item.id)


def _register_all(
    transport: Transport, read: list[_Read], outcomes: list[str | None]
) -> list[_Read]:
    refuse_verdicts = set(settings.EXCHANGE_REFUSE_PDF_VERDICTS)
    kept: list[tuple[_Read, PreparedArrival]] = []
    catalogues = ArrivalCatalogues()
    for one in read:
        try:
            with transaction.atomic():  # a savepoint: a refused package's files go with it
                files = package_files_store(one.package, one.texts)
                checks = (
                    one.checks
                    if one.checks is not None
                    else incoming_exchange.arrival_signature_checks(files)
                )
                refusal = signatures_refusal(
                    [
                        (name, check.summary)
                        for (_stored, name, _role), check in zip(files, checks, strict=True)
                        if check is not None and check.verdict in refuse_verdicts
                    ]
                )
                if refusal is not None:
                    raise refusal
        except Refused as refusal:
            package_refuse(transport, one.item, refusal)
            outcomes[one.index] = "refused"
            continue
        arrival = external_arrival(one.package, agency=one.agency, catalogues=catalogues)
        kept.append((one, PreparedArrival(arrival=arrival, files=files, checks=checks)))
    if not kept:
        return []
    accept = config.accepts_on_arrival(transport.member_code)
    documents = incoming_documents_receive_exchange_many(
        arrivals=[p for _one, p in kept], accept=accept
    )
    codes = ["01", "03"] if accept else ["01"]  # registered on arrival: 03 goes with 01
    receipts = []
    for (one, _prepared), document in zip(kept, documents, strict=True):
        document.agency = one.agency
        receipt = receipt_for(transport, one.item, one.package, document)
        receipt.last_status_code = codes[-1]
        receipts.append(receipt)
    ExchangeReceipt.objects.bulk_create(receipts)
    new_receipts_statuses_queue(receipts=receipts, codes=codes)
    audit_record_many(
        [
            AuditItem(
                action=ExchangeAction.RECEIVED,
                target=document,
                agency_id=document.agency_id,
                data=received_audit_data(one.item, one.package),
            )
            for (one, _prepared), document in zip(kept, documents, strict=True)
        ]
    )
    return [one for one, _prepared in kept]
