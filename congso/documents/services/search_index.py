"""Keeping the search index (SearchEntry) in step with documents.

Services that change a document's searchable fields call `search_entry_schedule` inside their
transaction; the refresh runs after commit, so a rolled-back change never reaches the index.
"""

from __future__ import annotations

from django.db import transaction

from congso.documents.constants import Direction
from congso.documents.models import IncomingDocument, OutgoingDocument, SearchEntry
from congso.documents.text import fold

MAX_INDEXED_TEXT = 200_000


def _incoming_entry(document: IncomingDocument) -> dict[str, object]:
    texts = [f.stored_file.text_content for f in document.files.select_related("stored_file")]
    fields = [
        document.subject,
        document.organ_name,
        document.number_notation,
        document.document_type.name,
        document.signer_full_name,
        document.description,
        *texts,
    ]
    return {
        "agency_id": document.agency_id,
        "is_secret": document.is_secret,
        "year": (document.arrived_at or document.created_at).year,
        "document_type_id": document.document_type_id,
        "status": document.status,
        "issuer_name": document.organ_name,
        "number_notation": document.number_notation,
        "subject": document.subject,
        "folded_text": fold(" ".join(filter(None, fields)))[:MAX_INDEXED_TEXT],
        "sort_at": document.arrived_at or document.created_at,
    }


def _outgoing_entry(document: OutgoingDocument) -> dict[str, object]:
    latest = document.versions.select_related("rendered_file").order_by("-number").first()
    text = latest.rendered_file.text_content if latest else ""
    fields = [
        document.subject,
        document.number_notation,
        document.document_type.name,
        document.signer_full_name,
        document.body,
        text,
    ]
    return {
        "agency_id": document.agency_id,
        "is_secret": document.is_secret,
        "year": (document.issued_at or document.created_at).year,
        "document_type_id": document.document_type_id,
        "status": document.status,
        "issuer_name": document.agency.name,
        "number_notation": document.number_notation,
        "subject": document.subject,
        "folded_text": fold(" ".join(filter(None, fields)))[:MAX_INDEXED_TEXT],
        "sort_at": document.issued_at or document.created_at,
    }


def search_entry_refresh(*, direction: str, document_id: int) -> None:
    """Rebuild the SearchEntry row of one document from its current state (idempotent)."""
    if direction == Direction.INCOMING:
        incoming = (
            IncomingDocument.objects.select_related("document_type").filter(pk=document_id).first()
        )
        values = _incoming_entry(incoming) if incoming else None
    else:
        outgoing = (
            OutgoingDocument.objects.select_related("document_type", "agency")
            .filter(pk=document_id)
            .first()
        )
        values = _outgoing_entry(outgoing) if outgoing else None
    if values is None:
        SearchEntry.objects.filter(direction=direction, document_id=document_id).delete()
        return
    SearchEntry.objects.update_or_create(
        direction=direction, document_id=document_id, defaults=values
    )


def search_entry_schedule(*, direction: str, document_id: int) -> None:
    """Refresh the document's search entry once the current transaction commits."""
    transaction.on_commit(
        lambda: search_entry_refresh(direction=direction, document_id=document_id)
    )
