"""Printed forms of the one-stop desk (TT 01/2018/TT-VPCP Mẫu 01–06), Django-free.

Renderers take the plain dataclasses of `data` and return bytes; `builders` (Django side) fills
the dataclasses from a dossier.
"""

from congso.dossiers.printing.book import render_tracking_book_pdf, render_tracking_book_xlsx
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
from congso.dossiers.printing.forms import (
    render_apology,
    render_control_sheet,
    render_receipt,
    render_refusal,
    render_supplement_request,
)
from congso.dossiers.printing.stop_notice import StopNoticeData, render_stop_notice

__all__ = [
    "AgencyHeader",
    "Applicant",
    "ApologyData",
    "ComponentLine",
    "ControlRow",
    "ControlSheetData",
    "ReceiptData",
    "RefusalData",
    "StopNoticeData",
    "SupplementRequestData",
    "TrackingBookData",
    "TrackingRow",
    "render_apology",
    "render_control_sheet",
    "render_receipt",
    "render_refusal",
    "render_stop_notice",
    "render_supplement_request",
    "render_tracking_book_pdf",
    "render_tracking_book_xlsx",
]
