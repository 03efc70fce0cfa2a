"""Reads of case files: their documents in order and the fields the system fills."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, QuerySet, Sum
from django.db.models.functions import Coalesce

from congso.documents.access import case_files_visible_to
from congso.documents.constants import Direction
from congso.documents.models import CaseFile, CaseFileItem, IncomingFile, OutgoingVersion


@dataclass(frozen=True)
class CaseFileDocument:
    """One document of a file with the Phụ lục VI fields a table of contents shows."""

    item_id: int
    ordinal: int  # DocOrdinal
    direction: str
    document_id: int
    type_name: str  # TypeName
    code_number: str  # CodeNumber
    code_notation: str  # CodeNotation
    number_notation: str
    issued_on: date | None  # IssuedDate
    organ_name: str  # OrganName
    subject: str  # Subject
    language: str  # Language
    page_amount: int | None  # PageAmount
    description: str  # Description
    signer_position: str
    signer_full_name: str
    priority: int | None  # Priority: ordinal of the urgency level (1 thường … 4 hỏa tốc)
    due_on: date | None  # DueDate
    arrival_number: int | None  # ArrivalNumber (incoming)
    arrival_on: date | None  # ArrivalDate (incoming)
    pdf: Any | None  # the StoredFile holding the document's PDF, when there is one


def case_files_list(*, user: Any) -> QuerySet[CaseFile]:
    return case_files_visible_to(user).select_related("creator").order_by("-year", "-pk")


def case_files_list_with_totals(*, user: Any) -> QuerySet[CaseFile]:
    """The visible case files with DocTotal and PageTotal (Phụ lục VI part III, 9–10) counted
    by the database, for lists (the detail page counts from its loaded documents)."""
    return case_files_list(user=user).annotate(
        doc_total=Count("items"),
        page_total=Coalesce(
            Sum(Coalesce("items__incoming__page_amount", "items__outgoing__page_amount")), 0
        ),
    )


def _main_pdf_incoming(document: Any) -> Any | None:
    for attached in document.files.all():
        if attached.role == "main" and attached.stored_file.media_type == "application/pdf":
            return attached.stored_file
    return None


def _main_pdf_outgoing(document: Any) -> Any | None:
    versions = sorted(document.versions.all(), key=lambda v: v.number, reverse=True)
    for version in versions:
        if version.rendered_file is not None:
            return version.rendered_file
    return None


def _entry(item: CaseFileItem) -> CaseFileDocument:
    from django.utils import timezone

    if item.incoming is not None:
        doc: Any = item.incoming
        return CaseFileDocument(
            item_id=item.pk,
            ordinal=item.ordinal,
            direction=Direction.INCOMING,
            document_id=doc.pk,
            type_name=doc.document_type.name,
            code_number=doc.code_number,
            code_notation=doc.code_notation,
            number_notation=doc.number_notation,
            issued_on=doc.issued_on,
            organ_name=doc.organ_name,
            subject=doc.subject,
            language=doc.language,
            page_amount=doc.page_amount,
            description=doc.description,
            signer_position=doc.signer_position,
            signer_full_name=doc.signer_full_name,
            priority=doc.urgency.ordinal,
            due_on=doc.due_on,
            arrival_number=doc.arrival_number,
            arrival_on=timezone.localdate(doc.arrived_at) if doc.arrived_at else None,
            pdf=_main_pdf_incoming(doc),
        )
    doc = item.outgoing
    pdf = _main_pdf_outgoing(doc)
    return CaseFileDocument(
        item_id=item.pk,
        ordinal=item.ordinal,
        direction=Direction.OUTGOING,
        document_id=doc.pk,
        type_name=doc.document_type.name,
        code_number=f"{doc.code_number:02d}" if doc.code_number is not None else "",
        code_notation=doc.code_notation,
        number_notation=doc.number_notation,
        issued_on=doc.issued_on,
        organ_name=doc.agency.name,
        subject=doc.subject,
        language="Tiếng Việt",
        page_amount=doc.page_amount or (pdf.page_count if pdf is not None else None),
        description="",
        signer_position=doc.signer_position,
        signer_full_name=doc.signer_full_name,
        priority=doc.urgency.ordinal,
        due_on=doc.reply_due_on,
        arrival_number=None,
        arrival_on=None,
        pdf=pdf,
    )


def case_file_documents(case_file: CaseFile) -> list[CaseFileDocument]:
    """The documents of the file in DocOrdinal order (a fixed number of queries)."""
    items = (
        case_file.items.select_related(
            "incoming__document_type",
            "incoming__urgency",
            "outgoing__document_type",
            "outgoing__urgency",
            "outgoing__agency",
        )
        .prefetch_related(
            Prefetch(
                "incoming__files",
                queryset=IncomingFile.objects.select_related("stored_file"),
            ),
            Prefetch(
                "outgoing__versions",
                queryset=OutgoingVersion.objects.select_related("rendered_file"),
            ),
        )
        .order_by("ordinal")
    )
    return [_entry(item) for item in items]


@dataclass(frozen=True)
class CaseFileSummary:
    """Phụ lục VI part III, with the fields the system fills (1.1, 1.2, 9, 10)."""

    organ_id: str  # OrganId
    file_catalog: int  # FileCatalog
    file_notation: str  # FileNotation
    file_code: str  # OrganId.FileCatalog.FileNotation
    doc_total: int  # DocTotal
    page_total: int  # PageTotal


def case_file_summary(case_file: CaseFile, documents: list[CaseFileDocument]) -> CaseFileSummary:
    organ_id = case_file.agency.code_qcvn102 or ""
    return CaseFileSummary(
        organ_id=organ_id,
        file_catalog=case_file.year,
        file_notation=case_file.notation,
        file_code=".".join(
            part for part in (organ_id, str(case_file.year), case_file.notation) if part
        ),
        doc_total=len(documents),
        page_total=sum(document.page_amount or 0 for document in documents),
    )
