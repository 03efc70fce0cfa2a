"""Keeping the search index (SearchEntry, plus the FTS5 table on SQLite) in step with documents.

Services that change a document's searchable fields call `search_entry_schedule` inside their
transaction; the refresh runs after commit, so a rolled-back change never reaches the index.
Bulk registration builds entries with `search_entry_values_incoming` and writes them with
`search_entries_bulk_create` in its own transaction. A PDF's text arrives after the commit that
stored it (`files.stored_files_text_fill`), which then calls `search_entries_refresh_for_files` —
except an arrival's from the hub, stored with its text (read before the transaction), whose
entry is written once, with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from congso.core.bulk import rows_update
from congso.documents.constants import Direction
from congso.documents.models import (
    IncomingDocument,
    IncomingFile,
    OutgoingDocument,
    OutgoingVersion,
    SearchEntry,
)
from congso.documents.search.engines import engine
from congso.documents.search.query import index_words, notation_key

MAX_INDEXED_TEXT = 200_000


def _date_words(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _entry_values(
    *,
    head: Iterable[str | None],
    body: Iterable[str | None],
    number_notation: str,
    **values: Any,
) -> dict[str, Any]:
    return {
        **values,
        "number_notation": number_notation[:50],
        "notation_key": notation_key(number_notation) if number_notation else "",
        "folded_head": index_words(" ".join(filter(None, head)))[:MAX_INDEXED_TEXT],
        "folded_text": index_words(" ".join(filter(None, body)))[:MAX_INDEXED_TEXT],
    }


def search_entry_values_incoming(
    document: IncomingDocument, *, type_name: str, texts: Sequence[str] = ()
) -> dict[str, Any]:
    """Index fields of an incoming document (Phụ lục VI part II fields, plus its files' text)."""
    arrived_at = document.arrived_at or document.created_at or timezone.now()
    return _entry_values(
        head=[
            document.subject,
            document.number_notation,
            type_name,
            document.organ_name,
            document.signer_full_name,
        ],
        body=[
            str(document.arrival_number or ""),
            document.organ_id,
            _date_words(document.issued_on),
            document.signer_position,
            document.to_places,
            document.description,
            *texts,
        ],
        number_notation=document.number_notation,
        agency_id=document.agency_id,
        is_secret=document.is_secret,
        year=timezone.localtime(arrived_at).year,
        document_type_id=document.document_type_id,
        status=document.status,
        issuer_name=document.organ_name[:200],
        subject=document.subject[:500],
        issued_on=document.issued_on,
        sort_at=arrived_at,
    )


def _incoming_values(document: IncomingDocument) -> dict[str, Any]:
    texts = [f.stored_file.text_content for f in document.files.select_related("stored_file")]
    return search_entry_values_incoming(
        document, type_name=document.document_type.name, texts=texts
    )


def _outgoing_values(document: OutgoingDocument) -> dict[str, Any]:
    latest = (
        document.versions.select_related("rendered_file", "source_file").order_by("-number").first()
    )
    text = ""
    if latest is not None:
        shown = latest.rendered_file or latest.source_file
        text = shown.text_content if shown is not None else ""
    recipients = [recipient.name for recipient in document.recipients.all()]
    sort_at = document.issued_at or document.created_at or timezone.now()
    return _entry_values(
        head=[
            document.subject,
            document.number_notation,
            document.document_type.name,
            document.agency.name,
            document.signer_full_name,
        ],
        body=[
            _date_words(document.issued_on),
            document.signer_position,
            getattr(document, "addressed_to", ""),
            *recipients,
            document.storage_note,
            document.body,
            text,
        ],
        number_notation=document.number_notation,
        agency_id=document.agency_id,
        is_secret=document.is_secret,
        year=timezone.localtime(sort_at).year,
        document_type_id=document.document_type_id,
        status=document.status,
        issuer_name=document.agency.name[:200],
        subject=document.subject[:500],
        issued_on=document.issued_on,
        sort_at=sort_at,
    )


def _values_for(direction: str, document_id: int) -> dict[str, Any] | None:
    if direction == Direction.INCOMING:
        incoming = (
            IncomingDocument.objects.select_related("document_type").filter(pk=document_id).first()
        )
        return _incoming_values(incoming) if incoming else None
    outgoing = (
        OutgoingDocument.objects.select_related("document_type", "agency")
        .filter(pk=document_id)
        .first()
    )
    return _outgoing_values(outgoing) if outgoing else None


@transaction.atomic
def search_entry_refresh(*, direction: str, document_id: int) -> None:
    """Rebuild the index row of one document from its current state (idempotent).

    A document that no longer exists leaves the index; the FTS5 row (SQLite) follows its entry.
    """
    _documents_lock(direction, [document_id])
    values = _values_for(direction, document_id)
    if values is None:
        ids = list(
            SearchEntry.objects.filter(direction=direction, document_id=document_id).values_list(
                "pk", flat=True
            )
        )
        SearchEntry.objects.filter(pk__in=ids).delete()
        engine().forget(ids)
        return
    entry, _ = SearchEntry.objects.update_or_create(
        direction=direction, document_id=document_id, defaults=values
    )
    engine().sync([(entry.pk, entry.folded_head, entry.folded_text)])


def _documents_lock(direction: str, document_ids: Sequence[int]) -> None:
    """Lock the documents' rows before their entries are rebuilt from what is read next, so two
    rebuilds of one document (its own refresh after commit, the file-text task in a worker) take
    turns and the later one reads what the earlier one committed: an entry built from a file
    text read before the text was filled cannot overwrite the entry built after."""
    model = IncomingDocument if direction == Direction.INCOMING else OutgoingDocument
    list(
        model.objects.select_for_update()
        .filter(pk__in=list(document_ids))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def search_entry_schedule(*, direction: str, document_id: int) -> None:
    """Refresh the document's search entry once the current transaction commits."""
    transaction.on_commit(
        lambda: search_entry_refresh(direction=direction, document_id=document_id)
    )


@transaction.atomic
def search_entries_refresh_for_files(file_ids: Sequence[int]) -> int:
    """Rebuild the entries of every document that holds one of these files, after their text was
    extracted: an incoming document by any of its files, an outgoing one by a version's PDF or
    source. Incoming documents are rebuilt in one pass (a page of arrivals from the hub: a few
    statements, not a few per document). Returns how many documents were refreshed."""
    ids = list(file_ids)
    if not ids:
        return 0
    incoming = sorted(
        set(
            IncomingFile.objects.filter(stored_file_id__in=ids).values_list(
                "document_id", flat=True
            )
        )
    )
    outgoing = sorted(
        set(
            OutgoingVersion.objects.filter(
                Q(rendered_file_id__in=ids) | Q(source_file_id__in=ids)
            ).values_list("document_id", flat=True)
        )
    )
    _incoming_entries_refresh(incoming)
    for document_id in outgoing:
        search_entry_refresh(direction=Direction.OUTGOING, document_id=document_id)
    return len(incoming) + len(outgoing)


def _incoming_entries_refresh(document_ids: Sequence[int]) -> None:
    """`search_entry_refresh` of several incoming documents: one read of the documents and their
    files, one UPDATE statement run for every existing entry; a document without an entry yet
    gets it from `search_entry_refresh` (its own scheduled refresh may not have run)."""
    if not document_ids:
        return
    _documents_lock(Direction.INCOMING, document_ids)
    documents = (
        IncomingDocument.objects.select_related("document_type")
        .filter(pk__in=document_ids)
        .prefetch_related(
            Prefetch("files", queryset=IncomingFile.objects.select_related("stored_file"))
        )
        .order_by("pk")
    )
    values = {
        document.pk: search_entry_values_incoming(
            document,
            type_name=document.document_type.name,
            texts=[f.stored_file.text_content for f in document.files.all()],
        )
        for document in documents
    }
    entries = dict(
        SearchEntry.objects.filter(
            direction=Direction.INCOMING, document_id__in=list(values)
        ).values_list("document_id", "pk")
    )
    for document_id in sorted(set(values) - set(entries)):
        search_entry_refresh(direction=Direction.INCOMING, document_id=document_id)
    rows = [(entries[document_id], values[document_id]) for document_id in sorted(entries)]
    if not rows:
        return
    _entries_update(rows)
    engine().sync([(pk, row["folded_head"], row["folded_text"]) for pk, row in rows])


def _entries_update(rows: Sequence[tuple[int, dict[str, Any]]]) -> None:
    """UPDATE every (entry id, values) with one prepared statement run for all of them (the
    values of each entry hold the same keys)."""
    names = list(rows[0][1])
    rows_update(SearchEntry, names, [(pk, *(values[n] for n in names)) for pk, values in rows])


def search_entries_bulk_create(
    *, direction: str, values: Sequence[tuple[int, dict[str, Any]]], batch_size: int = 2000
) -> list[SearchEntry]:
    """Insert the entries of freshly created documents ((document_id, values) pairs) at once.

    For bulk registration only: the documents are new, so there is nothing to replace. Runs in
    the caller's transaction, so the entries commit or vanish with the documents.
    """
    entries = [
        SearchEntry(direction=direction, document_id=document_id, **entry_values)
        for document_id, entry_values in values
    ]
    created = SearchEntry.objects.bulk_create(entries, batch_size=batch_size)
    index = engine()
    if index.name == "sqlite":
        index.sync([(entry.pk, entry.folded_head, entry.folded_text) for entry in created])
    return created


def search_index_rebuild(*, batch_size: int = 500) -> int:
    """Rebuild every entry from the documents (after an import or a restore); returns the count."""
    count = 0
    for direction, model in (
        (Direction.INCOMING, IncomingDocument),
        (Direction.OUTGOING, OutgoingDocument),
    ):
        ids = model.objects.order_by("pk").values_list("pk", flat=True)
        for document_id in ids.iterator(chunk_size=batch_size):
            search_entry_refresh(direction=direction, document_id=document_id)
            count += 1
    return count
