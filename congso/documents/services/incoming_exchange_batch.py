"""Arrivals from the exchange hub filed a page at a time (the connector's batched poll,
docs/adr/0019): the same documents, files, checks, search entries and audit entries as
`incoming_exchange.incoming_document_receive_exchange` makes one by one, written with one
statement per table instead of one per row. Both run inside the caller's transaction, so the
page commits or vanishes whole; the caller has refused every arrival whose check failed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from congso.audit.services import AuditItem, audit_record_many
from congso.catalogues.models import SecrecyLevel, UrgencyLevel
from congso.documents import hooks
from congso.documents.constants import Direction, IncomingStatus
from congso.documents.models import IncomingDocument, IncomingFile, StoredFile
from congso.documents.services.incoming_common import IncomingAction, local_today
from congso.documents.services.incoming_exchange import (
    ExternalArrival,
    arrival_audit_data,
    arrival_document,
    arrival_files,
)
from congso.documents.services.numbering import register_take_numbers
from congso.documents.services.search_index import (
    search_entries_bulk_create,
    search_entry_values_incoming,
)
from congso.signatures.services import SignatureCheck

# Foreign keys are loaded objects or the caller's own rows: checking them would cost a query each.
_NOT_CLEANED = [
    "agency",
    "register",
    "document_type",
    "issuer",
    "urgency",
    "secrecy",
    "registered_by",
    "source_outgoing",
]


@dataclass(frozen=True)
class PreparedArrival:
    """An arrival whose files are stored and whose PDFs' signatures were checked."""

    arrival: ExternalArrival
    files: Sequence[tuple[StoredFile, str, str]]
    checks: Sequence[SignatureCheck | None]


def _texts(files: Sequence[tuple[StoredFile, str, str]]) -> list[str]:
    return [stored.text_content for stored, _name, _role in files]


@transaction.atomic
def incoming_documents_receive_exchange_many(
    *, arrivals: Sequence[PreparedArrival], accept: bool = False
) -> list[IncomingDocument]:
    """File several arrivals from the hub, in order: in status "received", or — `accept`, for
    agencies that register arrivals from the hub as they arrive (EXCHANGE_AUTO_ACCEPT) —
    "accepted" in the year's incoming book, one block of consecutive numbers per book, the
    numbers a clerk's acceptances one by one would take. Listeners hear of the accepted ones in
    one call (the caller answers the senders of documents it has only just filed itself)."""
    if not arrivals:
        return []
    urgency = UrgencyLevel.objects.get(code="thuong")
    secrecy = SecrecyLevel.objects.get(code="thuong")
    documents = []
    for prepared in arrivals:
        files = prepared.files
        document = arrival_document(
            prepared.arrival,
            main_pages=files[0][0].page_count if files else None,
            urgency=urgency,
            secrecy=secrecy,
        )
        document.clean_fields(exclude=_NOT_CLEANED)
        documents.append(document)
    if accept:
        _number(documents)
    IncomingDocument.objects.bulk_create(documents)
    rows = [
        arrival_files(document, prepared.files, prepared.checks)
        for document, prepared in zip(documents, arrivals, strict=True)
    ]
    IncomingFile.objects.bulk_create([row for per_document in rows for row in per_document])
    search_entries_bulk_create(
        direction=Direction.INCOMING,
        values=[
            (document.pk, _values(document, prepared.files))
            for document, prepared in zip(documents, arrivals, strict=True)
        ],
    )
    entries = [
        AuditItem(
            action=IncomingAction.RECEIVED_EXCHANGE,
            target=document,
            agency_id=document.agency_id,
            data=arrival_audit_data(document, prepared.files, files),
        )
        for document, prepared, files in zip(documents, arrivals, rows, strict=True)
    ]
    if accept:
        entries += [
            AuditItem(
                action=IncomingAction.ACCEPTED,
                target=document,
                agency_id=document.agency_id,
                data={
                    "arrival_number": document.arrival_number,
                    "register_id": document.register_id,
                    "automatic": True,
                },
            )
            for document in documents
        ]
    audit_record_many(entries)
    if accept:
        hooks.incoming_states_changed([d.pk for d in documents], IncomingStatus.ACCEPTED)
    return documents


def _values(
    document: IncomingDocument, files: Sequence[tuple[StoredFile, str, str]]
) -> dict[str, object]:
    return search_entry_values_incoming(
        document, type_name=document.document_type.name, texts=_texts(files)
    )


def _number(documents: list[IncomingDocument]) -> None:
    """Take the numbers of the arrivals registered on arrival (a fixed agency order: two pages
    never deadlock) and mark them accepted by the system (no clerk)."""
    year = local_today().year
    by_agency: dict[int, list[IncomingDocument]] = defaultdict(list)
    for document in documents:
        by_agency[document.agency_id].append(document)
    for agency_id in sorted(by_agency):
        group = by_agency[agency_id]
        register, first = register_take_numbers(
            agency_id=agency_id,
            year=year,
            direction=Direction.INCOMING,
            is_secret=False,
            count=len(group),
        )
        for offset, document in enumerate(group):
            document.register = register
            document.arrival_number = first + offset
            document.registered_by = None
            document.status = IncomingStatus.ACCEPTED
