"""Dossier → the plain data of a printed form (the Django side of `congso.dossiers.printing`).

Everything here only reads: the dossier with its procedure, files, steps and events. Forms that
repeat what a service decided (Mẫu 02 items, Mẫu 03 reason, Mẫu 04 dates) read it from the
dossier's fields and from the event the service wrote, so a reprint shows what was decided then.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db.models import Min
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from congso.dossiers.constants import EventKind
from congso.dossiers.models import Dossier, DossierEvent
from congso.dossiers.printing.data import (
    AgencyHeader,
    ApologyData,
    Applicant,
    ComponentLine,
    ControlRow,
    ControlSheetData,
    ReceiptData,
    RefusalData,
    SupplementRequestData,
    TrackingBookData,
    TrackingRow,
)
from congso.dossiers.printing.stop_notice import StopNoticeData
from congso.dossiers.printing.wording import OUTCOMES, RESULT_CHANNELS

DESK_UNIT = "Bộ phận tiếp nhận và trả kết quả"
HEAD_TITLE = "Thủ trưởng cơ quan"


def agency_header(agency: Any, *, desk: bool = True) -> AgencyHeader:
    """The agency block: its parent (chủ quản), itself and, for desk forms, the one-stop unit."""
    parent = agency.parent if agency.parent_id else None
    place = agency.place_name or (parent.place_name if parent is not None else "")
    return AgencyHeader(
        name=agency.name,
        parent_name=parent.name if parent is not None else "",
        unit_name=DESK_UNIT if desk else "",
        place=place,
    )


def applicant_of(dossier: Dossier) -> Applicant:
    return Applicant(
        name=dossier.applicant_name,
        address=dossier.applicant_address,
        phone=dossier.applicant_phone,
        email=dossier.applicant_email,
        id_number=dossier.applicant_id_number,
    )


def _request(dossier: Dossier) -> str:
    name = dossier.procedure.name
    summary = (dossier.summary or "").strip()
    return summary if summary and summary != name else name


def _name(user: Any) -> str:
    return user.display_name if user is not None else ""


def _last_event(dossier: Dossier, *kinds: str) -> DossierEvent | None:
    return (
        dossier.events.filter(kind__in=kinds).select_related("actor").order_by("-at", "-pk").first()
    )


def _moment(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        return parse_datetime(value)
    return None


def _issued_on(event: DossierEvent | None) -> date:
    return timezone.localdate(event.at) if event is not None else timezone.localdate()


def submitted_components(dossier: Dossier) -> list[ComponentLine]:
    """The procedure's components the dossier holds a file for; all of them for a paper dossier."""
    components = list(dossier.procedure.components.order_by("order", "pk"))
    present = set(dossier.files.values_list("component_code", flat=True))
    chosen = [c for c in components if c.code in present] if present else components
    return [ComponentLine(c.name, originals=c.originals, copies=c.copies) for c in chosen]


def receipt_data(dossier: Dossier, *, lookup_secret: str = "") -> ReceiptData:
    """Mẫu 01 of a received dossier."""
    event = _last_event(dossier, EventKind.RECEIVED, EventKind.COUNTER_CREATED)
    received_at = dossier.received_at or timezone.now()
    return ReceiptData(
        agency=agency_header(dossier.receiving_agency),
        dossier_code=dossier.code or "",
        applicant=applicant_of(dossier),
        request=_request(dossier),
        components=submitted_components(dossier),
        processing_days=Decimal(dossier.processing_days or dossier.procedure.processing_days),
        received_at=received_at,
        due_at=dossier.due_at or received_at,
        number=dossier.receipt_number,
        result_channel=RESULT_CHANNELS.get(dossier.result_channel, ""),
        register_book=dossier.register_book,
        register_seq=str(dossier.register_seq or ""),
        receiver_name=_name(event.actor if event else None),
        lookup_secret=lookup_secret,
        issued_on=timezone.localdate(received_at),
    )


def _supplement_items(dossier: Dossier, raw: Any) -> list[ComponentLine]:
    """Items as the service stored them: component codes, names, or dicts."""
    by_code = {c.code: c for c in dossier.procedure.components.all()}
    lines: list[ComponentLine] = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, dict):
            code = str(item.get("code") or item.get("component_code") or "")
            known = by_code.get(code)
            lines.append(
                ComponentLine(
                    name=str(item.get("name") or (known.name if known else code)),
                    originals=int(item.get("originals", known.originals if known else 0) or 0),
                    copies=int(item.get("copies", known.copies if known else 0) or 0),
                    photocopies=int(item.get("photocopies", 0) or 0),
                    note=str(item.get("note") or ""),
                )
            )
        else:
            known = by_code.get(str(item))
            if known is not None:
                lines.append(ComponentLine(known.name, known.originals, known.copies))
            else:
                lines.append(ComponentLine(str(item)))
    return lines


def supplement_request_data(dossier: Dossier) -> SupplementRequestData:
    """Mẫu 02 of the dossier's latest request to supplement."""
    event = _last_event(dossier, EventKind.SUPPLEMENT_REQUESTED)
    data = event.data if event is not None else {}
    return SupplementRequestData(
        agency=agency_header(dossier.receiving_agency),
        dossier_code=dossier.code or "",
        applicant=applicant_of(dossier),
        request=_request(dossier),
        items=_supplement_items(dossier, data.get("items")),
        reason=str(data.get("reason") or ""),
        number=dossier.receipt_number,
        contact_unit=f"{DESK_UNIT} — {dossier.receiving_agency.name}",
        guide_name=_name(event.actor if event else None),
        issued_on=_issued_on(event),
    )


def refusal_data(dossier: Dossier) -> RefusalData:
    """Mẫu 03 of a refused dossier."""
    event = _last_event(dossier, EventKind.REFUSED)
    data = event.data if event is not None else {}
    return RefusalData(
        agency=agency_header(dossier.receiving_agency),
        dossier_code=dossier.code or "",
        applicant=applicant_of(dossier),
        request=_request(dossier),
        reason=dossier.refusal_reason or str(data.get("reason") or ""),
        receiver_name=_name(event.actor if event else None),
        issued_on=_issued_on(event),
    )


def apology_data(dossier: Dossier) -> ApologyData:
    """Mẫu 04 of the dossier's (single) extension, issued by the agency handling it."""
    event = _last_event(dossier, EventKind.EXTENDED)
    data = event.data if event is not None else {}
    received_at = dossier.received_at or timezone.now()
    old_due = (
        _moment(data.get("previous_due_at"))
        or _moment(data.get("old_due_at"))
        or dossier.legal_due_at
        or dossier.due_at
        or received_at
    )
    new_due = dossier.extended_due_at or _moment(data.get("new_due_at")) or dossier.due_at
    return ApologyData(
        agency=agency_header(dossier.handling_agency, desk=False),
        dossier_code=dossier.code or "",
        applicant=applicant_of(dossier),
        request=_request(dossier),
        receiving_agency=dossier.receiving_agency.name,
        received_at=received_at,
        due_at=old_due,
        new_due_at=new_due or old_due,
        reason=dossier.extension_reason or str(data.get("reason") or ""),
        signer_title=HEAD_TITLE,
        signer_name=_name(event.actor if event else None),
        issued_on=_issued_on(event),
    )


def control_rows(dossier: Dossier) -> list[ControlRow]:
    """One Mẫu 05 row per hand-over: from whoever held it before to the step's agency."""
    rows: list[ControlRow] = []
    previous = DESK_UNIT
    steps = dossier.steps.select_related("agency", "assignee", "sender").order_by(
        "received_at", "pk"
    )
    for step in steps:
        receiver = step.agency.name
        rows.append(
            ControlRow(
                from_name=previous,
                to_name=f"{receiver} ({step.name})" if step.name else receiver,
                at=step.received_at,
                sender_name=_name(step.sender),
                receiver_name=_name(step.assignee),
                outcome=step.outcome,
                note=step.note,
            )
        )
        previous = receiver
    return rows


def control_sheet_data(dossier: Dossier) -> ControlSheetData:
    """Mẫu 05: the hand-overs so far; coordinating bodies are the other agencies involved."""
    rows = control_rows(dossier)
    others = {
        step.agency.name
        for step in dossier.steps.select_related("agency")
        if step.agency_id != dossier.handling_agency_id
    }
    others |= {
        child.handling_agency.name for child in dossier.children.select_related("handling_agency")
    }
    return ControlSheetData(
        agency=agency_header(dossier.receiving_agency),
        dossier_code=dossier.code or "",
        rows=rows,
        receipt_number=dossier.receipt_number,
        lead_agency=dossier.handling_agency.name,
        coordinating_agencies=sorted(others),
        due_at=dossier.extended_due_at or dossier.due_at,
    )


def _book_note(dossier: Dossier) -> str:
    due = dossier.extended_due_at or dossier.due_at
    done = dossier.finished_at or dossier.returned_at
    notes: list[str] = []
    if dossier.extended_due_at:
        notes.append("Đã gia hạn (Mẫu 04)")
    if due is not None and done is not None:
        if done > due:
            notes.append(OUTCOMES["late"])
        elif timezone.localdate(done) < timezone.localdate(due):
            notes.append(OUTCOMES["early"])
        else:
            notes.append(OUTCOMES["on_time"])
    if dossier.status == "refused":
        notes.append("Từ chối tiếp nhận")
    return "; ".join(notes)


def _book_rows(agency: Any, start: date, end: date) -> Iterator[TrackingRow]:
    tz = timezone.get_current_timezone()
    since = datetime.combine(start, time.min, tzinfo=tz)
    until = datetime.combine(end, time.max, tzinfo=tz)
    dossiers = (
        Dossier.objects.filter(
            receiving_agency=agency,
            parent__isnull=True,
            received_at__gte=since,
            received_at__lte=until,
        )
        .select_related("procedure", "handling_agency")
        .annotate(forwarded_at=Min("steps__received_at"))
        .order_by("received_at", "pk")
    )
    for seq, dossier in enumerate(dossiers.iterator(chunk_size=500), start=1):
        address_phone = "; ".join(
            p for p in (dossier.applicant_address, dossier.applicant_phone) if p
        )
        yield TrackingRow(
            seq=dossier.register_seq or seq,
            dossier_code=dossier.code or "",
            procedure_name=dossier.procedure.name,
            applicant_name=dossier.applicant_name,
            address_phone=address_phone,
            lead_agency=dossier.handling_agency.name,
            received_at=dossier.received_at,
            due_at=dossier.extended_due_at or dossier.due_at,
            forwarded_at=dossier.forwarded_at,
            result_received_at=dossier.finished_at,
            returned_at=dossier.returned_at,
            note=_book_note(dossier),
        )


def tracking_book_data(agency: Any, start: date, end: date) -> TrackingBookData:
    """Mẫu 06 of a receiving agency for the days `start`…`end` (by time of receipt)."""
    return TrackingBookData(
        agency=agency_header(agency),
        period_start=start,
        period_end=end,
        rows=_book_rows(agency, start, end),
        book_number=str(start.year) if start.year == end.year else f"{start.year}–{end.year}",
    )


def stop_notice_data(dossier: Dossier) -> StopNoticeData:
    """The notice that handling stops, from the dossier's STOPPED event (reason, signer, date)."""
    event = _last_event(dossier, EventKind.STOPPED)
    data = event.data if event is not None else {}
    return StopNoticeData(
        agency=agency_header(dossier.handling_agency, desk=False),
        dossier_code=dossier.code or "",
        applicant=applicant_of(dossier),
        request=_request(dossier),
        receiving_agency=dossier.receiving_agency.name,
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        reason=str(data.get("reason") or ""),
        receipt_number=dossier.receipt_number,
        desk_unit=DESK_UNIT,
        signer_title=HEAD_TITLE,
        signer_name=_name(event.actor if event else None),
        issued_on=_issued_on(event),
    )
