"""Stopping a received dossier (dừng xử lý, portal status 8): final, with a written notice to the
applicant stating the reason (printed by `printing.stop_notice`; TT 03/2025 later made it
Mẫu 05 "Thông báo dừng giải quyết hồ sơ", in 2019–2020 it is a letter)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from congso.dossiers.constants import DossierAction, DossierStatus, EventKind
from congso.dossiers.errors import StepForbidden
from congso.dossiers.models import Dossier, DossierStep
from congso.dossiers.services.common import (
    audited_service,
    clean_text,
    lock,
    record_event,
    require_handler,
    require_status,
)

#: A dossier can be stopped once received and until its result exists.
STOPPABLE = (
    DossierStatus.RECEIVED,
    DossierStatus.PROCESSING,
    DossierStatus.SUPPLEMENT_REQUESTED,
    DossierStatus.FEE_REQUESTED,
)


def _close_family(dossier: Dossier, now: Any) -> list[str]:
    """Close the open steps of the dossier and of its open sub-dossiers, which stop too."""
    stopped: list[str] = []
    frontier = [dossier.pk]
    while frontier:
        DossierStep.objects.filter(dossier_id__in=frontier, finished_at__isnull=True).update(
            finished_at=now
        )
        children = list(
            Dossier.objects.select_for_update().filter(parent_id__in=frontier, status__in=STOPPABLE)
        )
        for child in children:
            child.status = DossierStatus.STOPPED
            child.paused_at = None
            child.status_before_pause = ""
            child.save(update_fields=["status", "paused_at", "status_before_pause", "updated_at"])
            stopped.append(child.code or str(child.pk))
        frontier = [child.pk for child in children]
    return stopped


@audited_service
def dossier_stop(officer: Any, dossier: Dossier, reason: str) -> Dossier:
    """Stop handling a received dossier for the stated reason; nothing moves it afterwards."""
    current = lock(dossier)
    if current.parent_id is not None:
        raise StepForbidden(_("Dừng xử lý qua hồ sơ gốc của hồ sơ liên thông."))
    require_status(current, *STOPPABLE)
    if current.received_at is None:
        raise StepForbidden(
            _("Hồ sơ chưa được tiếp nhận; dùng Phiếu từ chối tiếp nhận (Mẫu 03) thay vì dừng.")
        )
    require_handler(officer, current, _("Chỉ cơ quan đang giải quyết hồ sơ mới dừng xử lý được."))
    text = clean_text(reason, field="reason", required=True)
    now = timezone.now()
    previous = current.status
    current.status = DossierStatus.STOPPED
    current.paused_at = None
    current.status_before_pause = ""
    current.save()
    children = _close_family(current, now)
    record_event(
        dossier=current,
        kind=EventKind.STOPPED,
        actor=officer,
        action=DossierAction.STOPPED,
        data={"reason": text, "previous_status": previous, "sub_dossiers": children},
        at=now,
    )
    return current
