"""The one-stop desk (Bộ phận Một cửa): receive (Mẫu 01), ask for more (Mẫu 02), refuse (Mẫu 03),
apologise and extend (Mẫu 04), return the result."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from congso.core.errors import ValidationFailed
from congso.dossiers import deadlines
from congso.dossiers.constants import (
    CLOCK_RUNNING,
    DossierAction,
    DossierStatus,
    EventKind,
    ResultChannel,
)
from congso.dossiers.errors import ExtensionOnce, StepForbidden
from congso.dossiers.models import Dossier
from congso.dossiers.services.clock import clock_wait
from congso.dossiers.services.codes import register_number_take
from congso.dossiers.services.common import (
    audited_service,
    clean_text,
    is_handler,
    lock,
    record_event,
    refuse_nul,
    require_desk,
    require_handler,
    require_status,
)
from congso.dossiers.services.steps import next_process_step, open_step_for
from congso.workdays.calendar import LOCAL_TZ, is_working_day, local_day


@audited_service
def dossier_receive(desk_officer: Any, dossier: Dossier) -> Dossier:
    """Receive a complete dossier (tiếp nhận hợp lệ): Mẫu 01 number, Mẫu 06 book entry, the
    legal due date (from now, with the receipt cut-off) and the first internal step."""
    current = lock(dossier)
    require_desk(desk_officer, current)
    if current.parent_id is not None:
        raise StepForbidden(_("Hồ sơ liên thông được tiếp nhận cùng hồ sơ gốc."))
    require_status(current, DossierStatus.SUBMITTED)
    now = timezone.now()
    year = local_day(now).year
    seq = register_number_take(agency_id=current.receiving_agency_id, year=year)
    current.register_book = str(year)
    current.register_seq = seq
    current.receipt_number = f"{seq}/{year}"
    current.received_at = now
    current.processing_days = current.procedure.processing_days
    current.legal_due_at = current.due_at = deadlines.due_at_for(now, current.processing_days)
    current.status = DossierStatus.RECEIVED
    current.save()
    first = next_process_step(current, None)
    same_agency = (
        first is None or (first.agency_id or current.receiving_agency_id) == desk_officer.agency_id
    )
    open_step_for(
        dossier=current,
        process_step=first,
        sender=desk_officer,
        assignee=desk_officer if same_agency else None,
        now=now,
    )
    record_event(
        dossier=current,
        kind=EventKind.RECEIVED,
        actor=desk_officer,
        action=DossierAction.RECEIVED,
        data={
            "receipt_number": current.receipt_number,
            "processing_days": current.processing_days,
            "due_at": current.due_at,
            "effective_start": deadlines.effective_start_day(now),
        },
        at=now,
    )
    return current


def _items(items: Iterable[Any]) -> list[dict[str, Any]]:
    cleaned: list[dict[str, Any]] = []
    for item in items or []:
        if isinstance(item, str):
            entry: dict[str, Any] = {"name": item}
        elif isinstance(item, dict):
            entry = {
                key: item[key]
                for key in ("component_code", "name", "originals", "copies")
                if key in item
            }
        else:
            continue
        refuse_nul(entry, field="items")
        if str(entry.get("name") or entry.get("component_code") or "").strip():
            cleaned.append(entry)
    if not cleaned:
        raise ValidationFailed(
            _("Liệt kê ít nhất một giấy tờ cần bổ sung."),
            code="dossier_items_required",
            field="items",
        )
    return cleaned


def _may_request_supplement(officer: Any, dossier: Dossier) -> bool:
    if dossier.status == DossierStatus.SUBMITTED:
        try:
            require_desk(officer, dossier)
        except StepForbidden:
            return False
        return True
    return is_handler(officer, dossier)


@audited_service
def dossier_supplement_request(
    officer: Any, dossier: Dossier, items: Iterable[Any], reason: str
) -> Dossier:
    """Mẫu 02: ask for the missing or wrong papers, "một lần, đầy đủ". After receipt the legal
    clock pauses until the supplement arrives (portal status 5)."""
    current = lock(dossier)
    if current.parent_id is not None:
        raise StepForbidden(_("Yêu cầu bổ sung qua hồ sơ gốc của hồ sơ liên thông."))
    require_status(current, DossierStatus.SUBMITTED, *CLOCK_RUNNING)
    if not _may_request_supplement(officer, current):
        raise StepForbidden(_("Bạn không giữ hồ sơ này nên không yêu cầu bổ sung được."))
    listed = _items(items)
    text = clean_text(reason, field="reason", required=True)
    clock_wait(
        current,
        status=DossierStatus.SUPPLEMENT_REQUESTED,
        actor=officer,
        kind=EventKind.SUPPLEMENT_REQUESTED,
        action=DossierAction.SUPPLEMENT_REQUESTED,
        data={"items": listed, "reason": text},
    )
    return current


@audited_service
def dossier_refuse(officer: Any, dossier: Dossier, reason: str) -> Dossier:
    """Mẫu 03: refuse a dossier that is not eligible or not for this agency (before receipt)."""
    current = lock(dossier)
    require_desk(officer, current)
    require_status(current, DossierStatus.SUBMITTED, DossierStatus.SUPPLEMENT_REQUESTED)
    if current.received_at is not None:
        raise StepForbidden(_("Hồ sơ đã được tiếp nhận; không từ chối tiếp nhận được nữa."))
    current.refusal_reason = clean_text(reason, field="reason", required=True)
    current.status = DossierStatus.REFUSED
    current.status_before_pause = ""
    current.save()
    record_event(
        dossier=current,
        kind=EventKind.REFUSED,
        actor=officer,
        action=DossierAction.REFUSED,
        data={"reason": current.refusal_reason},
    )
    return current


def _as_due(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        if timezone.is_naive(value):
            return value.replace(tzinfo=LOCAL_TZ)
        return value
    return datetime.combine(value, deadlines.workday_end(), tzinfo=LOCAL_TZ)


@audited_service
def dossier_extend(
    officer: Any, dossier: Dossier, new_due: date | datetime, reason: str
) -> Dossier:
    """Mẫu 04: apologise and set a new return date — at most once (NĐ 107/2021) [C]."""
    current = lock(dossier)
    require_handler(officer, current, _("Chỉ cơ quan đang giải quyết hồ sơ mới gia hạn được."))
    require_status(current, *CLOCK_RUNNING)
    if current.extended_due_at is not None:
        raise ExtensionOnce(_("Hồ sơ đã được gia hạn một lần; không gia hạn lần thứ hai."))
    due = _as_due(new_due)
    if current.due_at is not None and due <= current.due_at:
        raise ValidationFailed(
            _("Ngày hẹn mới phải sau ngày hẹn trả hiện tại."),
            code="dossier_extension_not_later",
            field="new_due",
        )
    if not is_working_day(local_day(due)):
        raise ValidationFailed(
            _("Ngày hẹn mới phải là ngày làm việc."),
            code="dossier_extension_not_working_day",
            field="new_due",
        )
    text = clean_text(reason, field="reason", required=True)
    old = current.due_at
    current.due_at = current.extended_due_at = due
    current.extension_reason = text
    current.save()
    record_event(
        dossier=current,
        kind=EventKind.EXTENDED,
        actor=officer,
        action=DossierAction.EXTENDED,
        data={"old_due_at": old, "new_due_at": due, "reason": text},
    )
    return current


@audited_service
def dossier_return(officer: Any, dossier: Dossier, channel: str = ResultChannel.COUNTER) -> Dossier:
    """Hand the result to the applicant at the counter, by post or online (portal status 10)."""
    current = lock(dossier)
    require_desk(officer, current)
    if current.parent_id is not None:
        raise StepForbidden(_("Kết quả được trả qua hồ sơ gốc."))
    require_status(current, DossierStatus.DONE)
    if channel not in ResultChannel.values:
        raise ValidationFailed(
            _("Hình thức trả kết quả không hợp lệ."),
            code="dossier_result_channel_invalid",
            field="channel",
        )
    current.result_channel = channel
    current.returned_at = timezone.now()
    current.status = DossierStatus.RETURNED
    current.save()
    record_event(
        dossier=current,
        kind=EventKind.RETURNED,
        actor=officer,
        action=DossierAction.RETURNED,
        data={"channel": channel},
        at=current.returned_at,
    )
    return current
