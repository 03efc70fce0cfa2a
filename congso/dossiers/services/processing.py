"""Processing along the internal process: hand-overs (Mẫu 05 rows), sub-dossiers, the result.

An officer acts only on the open step held by their agency (`dossier_step_forbidden` otherwise).
Forwarding closes that step (early / on time / late) and opens the next one, for a named
assignee; when the next step belongs to another agency the part goes to a sub-dossier. The
result is a PDF (checked by its bytes) whose signatures the signatures app validates.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.core.errors import ValidationFailed
from congso.dossiers.constants import DossierAction, DossierStatus, EventKind
from congso.dossiers.errors import InvalidTransition, StepForbidden
from congso.dossiers.models import Dossier, DossierStep
from congso.dossiers.services.common import (
    audited_service,
    clean_text,
    is_staff,
    lock,
    open_step,
    record_event,
    require_status,
    require_step_holder,
)
from congso.dossiers.services.files import PDF, check_upload
from congso.dossiers.services.steps import agency_of, close_step, next_process_step, open_step_for
from congso.signatures.constants import ValidationVerdict
from congso.signatures.services import file_signatures_check

logger = logging.getLogger(__name__)
HANDLING = (DossierStatus.RECEIVED, DossierStatus.PROCESSING)


def _advance(
    *,
    officer: Any,
    dossier: Dossier,
    to_agency: Any,
    assignee: Any,
    note: str,
    now: datetime,
) -> tuple[DossierStep, DossierStep | None]:
    current = require_step_holder(officer, dossier, open_step(dossier))
    following = next_process_step(dossier, current.process_step)
    target_agency_id = getattr(to_agency, "pk", to_agency)
    if following is None and (target_agency_id or assignee is not None):
        raise ValidationFailed(
            _("Đây là bước cuối của quy trình; không còn bước nào để chuyển."),
            code="dossier_no_next_step",
        )
    if (
        following is not None
        and target_agency_id
        and int(target_agency_id) != agency_of(following, dossier)
    ):
        raise ValidationFailed(
            _("Bước tiếp theo của quy trình do cơ quan khác thực hiện."),
            code="dossier_step_agency_mismatch",
            field="to_agency",
        )
    close_step(current, now=now, note=note)
    opened = None
    if following is not None:
        opened = open_step_for(
            dossier=dossier,
            process_step=following,
            sender=officer,
            assignee=assignee,
            now=now,
            note=note,
        )
    return current, opened


def _step_data(closed: DossierStep, opened: DossierStep | None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "from_step": closed.pk,
        "from_agency": closed.agency_id,
        "outcome": closed.outcome,
    }
    if opened is not None:
        data.update(
            to_step=opened.pk,
            to_agency=opened.agency_id,
            assignee=opened.assignee_id,
            step_due_at=opened.due_at,
            sub_dossier=opened.sub_dossier.code if opened.sub_dossier else None,
        )
    return data


def _hand_over(
    officer: Any,
    dossier: Dossier,
    *,
    to_agency: Any,
    assignee: Any,
    note: str,
    complete: bool,
) -> Dossier:
    current = lock(dossier)
    require_status(current, *HANDLING)
    text = clean_text(note, field="note", required=False)
    now = timezone.now()
    closed, opened = _advance(
        officer=officer, dossier=current, to_agency=to_agency, assignee=assignee, note=text, now=now
    )
    current.status = DossierStatus.PROCESSING
    current.save()
    if complete:
        kind, action = EventKind.STEP_COMPLETED, DossierAction.STEP_COMPLETED
    elif opened is not None and opened.sub_dossier_id:
        kind, action = EventKind.SUB_DOSSIER_CREATED, DossierAction.FORWARDED
    else:
        kind, action = EventKind.FORWARDED, DossierAction.FORWARDED
    record_event(
        dossier=current,
        kind=kind,
        actor=officer,
        action=action,
        data={**_step_data(closed, opened), "note": text},
        at=now,
    )
    return current


@audited_service
def dossier_step_forward(
    officer: Any,
    dossier: Dossier,
    to_agency: Any = None,
    assignee: Any = None,
    note: str = "",
) -> Dossier:
    """Hand the dossier over to the next step of the process (giao / nhận, Mẫu 05)."""
    return _hand_over(
        officer, dossier, to_agency=to_agency, assignee=assignee, note=note, complete=False
    )


@audited_service
def dossier_step_complete(officer: Any, dossier: Dossier, note: str = "") -> Dossier:
    """Finish the officer's step; the next step of the process opens unassigned (its agency's
    leader or desk picks it up), or the dossier waits for its result after the last step."""
    return _hand_over(officer, dossier, to_agency=None, assignee=None, note=note, complete=True)


def _signature_check(officer: Any, data: bytes, name: str, code: str) -> tuple[str, str]:
    """The verdict of the signatures app on the result; never blocks finishing."""
    try:
        with transaction.atomic():  # a savepoint: a failing check leaves the service intact
            check = file_signatures_check(
                actor=officer, data=data, file_name=name, document_ref=code
            )
        return str(check.verdict), str(check.summary)[:500]
    except Exception:
        logger.exception("signature check of dossier result %s failed", code)
        return str(ValidationVerdict.INDETERMINATE), _(
            "Không kiểm tra được chữ ký số do lỗi hệ thống."
        )


def _may_finish(officer: Any, dossier: Dossier, step: DossierStep | None) -> DossierStep | None:
    if step is not None:
        return require_step_holder(officer, dossier, step)
    last = dossier.steps.order_by("-received_at", "-pk").first()
    allowed = {dossier.handling_agency_id, last.agency_id if last else None}
    if not is_staff(officer) or officer.agency_id not in allowed:
        raise StepForbidden(_("Chỉ cơ quan giải quyết hồ sơ mới trả kết quả xử lý được."))
    return None


@audited_service
def dossier_finish(officer: Any, dossier: Dossier, result_file: Any) -> Dossier:
    """Record the decision (the signed result PDF) and finish the dossier (portal status 9).

    A sub-dossier's finish closes the parent's step for it; the parent moves on, or finishes
    with this result when that was the last part of the process.
    """
    current = lock(dossier)
    require_status(current, *HANDLING)
    step = open_step(current)
    _may_finish(officer, current, step)
    if current.children.exclude(status__in=[DossierStatus.DONE, DossierStatus.WITHDRAWN]).exists():
        raise InvalidTransition(
            _("Hồ sơ liên thông chưa xử lý xong; chưa kết thúc được hồ sơ gốc."),
            code="dossier_children_open",
        )
    if step is None and next_process_step_after_last(current):
        raise InvalidTransition(
            _("Quy trình còn bước chưa thực hiện."), code="dossier_steps_remaining"
        )
    if step is not None and next_process_step(current, step.process_step) is not None:
        raise InvalidTransition(
            _("Quy trình còn bước chưa thực hiện."), code="dossier_steps_remaining"
        )
    checked = check_upload(result_file, (PDF,))
    now = timezone.now()
    if step is not None:
        close_step(step, now=now)
    verdict, summary = _signature_check(officer, checked.data, checked.name, current.code or "")
    current.result_file.save(checked.name, ContentFile(checked.data), save=False)
    current.result_signed = verdict == ValidationVerdict.VALID
    current.result_signature_verdict = verdict
    current.result_signature_summary = summary
    current.finished_at = now
    current.status = DossierStatus.DONE
    current.save()
    record_event(
        dossier=current,
        kind=EventKind.FINISHED,
        actor=officer,
        action=DossierAction.FINISHED,
        data={"result_signed": current.result_signed, "verdict": verdict, "sha256": checked.sha256},
        at=now,
    )
    if current.parent_id is not None:
        _sub_dossier_finished(officer=officer, child=current, now=now)
    return current


def next_process_step_after_last(dossier: Dossier) -> bool:
    last = dossier.steps.order_by("-received_at", "-pk").first()
    if last is None:
        return next_process_step(dossier, None) is not None
    return next_process_step(dossier, last.process_step) is not None


def _sub_dossier_finished(*, officer: Any, child: Dossier, now: datetime) -> None:
    parent = lock(child.parent_id or 0)
    holder = (
        DossierStep.objects.select_for_update()
        .filter(dossier=parent, sub_dossier=child, finished_at__isnull=True)
        .first()
    )
    if holder is None:
        return
    close_step(holder, now=now)
    following = next_process_step(parent, holder.process_step)
    opened = None
    if following is not None:
        opened = open_step_for(
            dossier=parent, process_step=following, sender=officer, assignee=None, now=now
        )
        parent.status = DossierStatus.PROCESSING
    else:
        parent.result_file.name = child.result_file.name
        parent.result_signed = child.result_signed
        parent.result_signature_verdict = child.result_signature_verdict
        parent.result_signature_summary = child.result_signature_summary
        parent.finished_at = now
        parent.status = DossierStatus.DONE
    parent.save()
    record_event(
        dossier=parent,
        kind=EventKind.SUB_DOSSIER_FINISHED if opened else EventKind.FINISHED,
        actor=officer,
        action=DossierAction.SUB_DOSSIER_FINISHED if opened else DossierAction.FINISHED,
        data={"sub_dossier": child.code, **_step_data(holder, opened)},
        at=now,
    )


__all__ = [
    "dossier_finish",
    "dossier_step_complete",
    "dossier_step_forward",
]
