"""Messages to the applicant: on submission (from `services`) and on the status changes that
concern them (a `dossiers.hooks` callback, run after the dossiers service committed)."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.urls import reverse

from congso.core.errors import CongsoError
from congso.dossiers.constants import EventKind
from congso.dossiers.models import Dossier, DossierEvent
from congso.notifications.services import notification_send

logger = logging.getLogger(__name__)

# The events an applicant is told about (GOV.UK Notify exists because 1 in 4 calls asked for it).
NOTIFIED_KINDS = frozenset(
    {
        EventKind.RECEIVED,
        EventKind.SUPPLEMENT_REQUESTED,
        EventKind.REFUSED,
        EventKind.EXTENDED,
        EventKind.FINISHED,
        EventKind.RETURNED,
        EventKind.FEE_REQUESTED,
        EventKind.FEE_PAID,
        EventKind.STOPPED,
    }
)


def lookup_url() -> str:
    return settings.CONGSO_PORTAL_BASE_URL.rstrip("/") + reverse("portal:lookup")


def applicant_notify(
    dossier: Dossier, *, template_key: str, context: dict[str, Any], actor: Any = None
) -> int:
    """Queue the message to the applicant's e-mail and phone (each on its own: a bad phone
    number does not stop the e-mail). Returns how many were queued."""
    queued = 0
    for address in (
        {"recipient_email": dossier.applicant_email},
        {"recipient_phone": dossier.applicant_phone},
    ):
        if not next(iter(address.values())):
            continue
        try:
            queued += len(
                notification_send(
                    template_key=template_key,
                    context=context,
                    reference=f"dossier:{dossier.pk}",
                    actor=actor,
                    **address,
                )
            )
        except CongsoError as error:
            logger.warning("Dossier %s: notification not queued: %s", dossier.pk, error.code)
    return queued


def _note(kind: str, data: dict[str, Any]) -> str:
    """The reason, and for a financial obligation the amount to pay."""
    note = str(data.get("reason", "") or "")
    if kind == EventKind.FEE_REQUESTED and data.get("amount"):
        amount = f"{int(data['amount']):,}".replace(",", ".")
        note = f"Số tiền phải nộp: {amount} đồng. {note}".strip()
    return note[:500]


def dossier_event_notify(dossier_id: int, event_id: int) -> None:
    """`dossiers.hooks` callback: tell the applicant of a status change that concerns them."""
    try:
        kind = (
            DossierEvent.objects.filter(pk=event_id, dossier_id=dossier_id)
            .values_list("kind", flat=True)
            .first()
        )
        if kind not in NOTIFIED_KINDS:  # most events concern nobody outside: one cheap read
            return
        event = (
            DossierEvent.objects.select_related("dossier__procedure", "dossier__receiving_agency")
            .filter(pk=event_id, dossier_id=dossier_id)
            .first()
        )
        if event is None or event.kind not in NOTIFIED_KINDS or event.dossier.parent_id:
            return
        dossier = event.dossier
        data = event.data or {}
        applicant_notify(
            dossier,
            template_key="dossier_status_changed",
            context={
                "applicant_name": dossier.applicant_name,
                "dossier_code": dossier.code,
                "procedure_name": dossier.procedure.name,
                "status_label": str(dossier.get_status_display()),
                "note": _note(event.kind, data),
                "lookup_url": lookup_url(),
            },
        )
    except Exception:  # a hook runs after the caller committed: never fail its request
        logger.exception("Dossier %s: status notification failed", dossier_id)
