"""The internal process of a dossier: which step comes next, opening steps, sub-dossiers.

A procedure's `ProcessStep`s run in `order`. A step whose agency is the dossier's own handling
agency (or null = the receiving agency) is handled in the dossier itself; a run of consecutive
steps of another agency becomes a linked sub-dossier (hồ sơ liên thông, `parent` → `children`)
for that agency, and the parent keeps one step (with `sub_dossier`) that stays open until the
sub-dossier finishes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from congso.core.errors import ValidationFailed
from congso.dossiers import deadlines
from congso.dossiers.constants import DossierStatus
from congso.dossiers.models import Dossier, DossierStep
from congso.procedures.models import ProcessStep


@dataclass(frozen=True)
class Run:
    """Consecutive process steps handled by one agency."""

    agency_id: int
    steps: list[ProcessStep]

    @property
    def days(self) -> Decimal:
        return deadlines.total_days(step.days for step in self.steps)


def process_steps(procedure_id: int) -> list[ProcessStep]:
    return list(ProcessStep.objects.filter(procedure_id=procedure_id).order_by("order", "pk"))


def root_of(dossier: Dossier) -> Dossier:
    current = dossier
    while current.parent_id is not None:
        current = Dossier.objects.get(pk=current.parent_id)
    return current


def agency_of(step: ProcessStep, dossier: Dossier) -> int:
    return step.agency_id or dossier.receiving_agency_id


def run_from(steps: list[ProcessStep], start: ProcessStep, dossier: Dossier) -> Run:
    agency_id = agency_of(start, dossier)
    index = next(i for i, step in enumerate(steps) if step.pk == start.pk)
    run = [start]
    for step in steps[index + 1 :]:
        if agency_of(step, dossier) != agency_id:
            break
        run.append(step)
    return Run(agency_id=agency_id, steps=run)


def next_process_step(dossier: Dossier, current: ProcessStep | None) -> ProcessStep | None:
    """The step after `current` that this dossier handles (None: its part is done).

    A sub-dossier handles only its run; a parent skips past the run of a finished sub-dossier.
    """
    steps = process_steps(dossier.procedure_id)
    if not steps:
        return None
    if current is None:
        candidates = steps
    else:
        if dossier.parent_id is None and agency_of(current, dossier) != dossier.handling_agency_id:
            current = run_from(steps, current, dossier).steps[-1]
        candidates = [step for step in steps if (step.order, step.pk) > (current.order, current.pk)]
    if not candidates:
        return None
    following = candidates[0]
    if (
        dossier.parent_id is not None
        and agency_of(following, dossier) != dossier.handling_agency_id
    ):
        return None
    return following


def _check_assignee(assignee: Any, agency_id: int) -> None:
    if assignee is None:
        return
    if getattr(assignee, "kind", "") != "staff" or assignee.agency_id != agency_id:
        raise ValidationFailed(
            _("Người nhận phải là cán bộ của cơ quan thực hiện bước tiếp theo."),
            code="dossier_assignee_invalid",
            field="assignee",
        )


@dataclass(frozen=True)
class HandOver:
    """Who hands the dossier over, to whom, when, with what note."""

    sender: Any
    assignee: Any
    now: datetime
    note: str = ""


def _create_step(
    dossier: Dossier,
    hand_over: HandOver,
    *,
    agency_id: int,
    days: Decimal,
    process_step: ProcessStep | None = None,
    assignee: Any = None,
    sub_dossier: Dossier | None = None,
) -> DossierStep:
    sender = hand_over.sender
    return DossierStep.objects.create(
        dossier=dossier,
        process_step=process_step,
        order=process_step.order if process_step else 1,
        name=process_step.name if process_step else _("Giải quyết hồ sơ"),
        agency_id=agency_id,
        assignee=assignee,
        sender=sender if getattr(sender, "pk", None) else None,
        sub_dossier=sub_dossier,
        days=days,
        received_at=hand_over.now,
        due_at=deadlines.due_at_for(hand_over.now, days),
        note=hand_over.note,
    )


def open_step_for(
    *,
    dossier: Dossier,
    process_step: ProcessStep | None,
    sender: Any,
    assignee: Any,
    now: datetime,
    note: str = "",
) -> DossierStep:
    """Open the dossier's step for `process_step` (None: one implicit step for the whole legal
    time). For another agency's run, create the sub-dossier and open its first step."""
    hand_over = HandOver(sender=sender, assignee=assignee, now=now, note=note)
    if process_step is None:
        _check_assignee(assignee, dossier.handling_agency_id)
        return _create_step(
            dossier,
            hand_over,
            agency_id=dossier.handling_agency_id,
            days=dossier.processing_days,
            assignee=assignee,
        )
    agency_id = agency_of(process_step, dossier)
    _check_assignee(assignee, agency_id)
    if agency_id == dossier.handling_agency_id:
        return _create_step(
            dossier,
            hand_over,
            agency_id=agency_id,
            days=process_step.days,
            process_step=process_step,
            assignee=assignee,
        )
    run = run_from(process_steps(dossier.procedure_id), process_step, dossier)
    child = create_sub_dossier(dossier=dossier, agency_id=agency_id, run=run, now=now)
    _create_step(
        child,
        hand_over,
        agency_id=agency_id,
        days=process_step.days,
        process_step=process_step,
        assignee=assignee,
    )
    return _create_step(
        dossier,
        hand_over,
        agency_id=agency_id,
        days=run.days,
        process_step=process_step,
        sub_dossier=child,
    )


def create_sub_dossier(*, dossier: Dossier, agency_id: int, run: Run, now: datetime) -> Dossier:
    """The linked dossier of another agency's part: code `{parent code}.{n}`, same applicant."""
    count = Dossier.objects.filter(parent=dossier).count()
    due = deadlines.due_at_for(now, run.days)
    return Dossier.objects.create(
        code=f"{dossier.code}.{count + 1}",
        procedure_id=dossier.procedure_id,
        receiving_agency_id=dossier.receiving_agency_id,
        handling_agency_id=agency_id,
        parent=dossier,
        channel=dossier.channel,
        applicant_id=dossier.applicant_id,
        applicant_name=dossier.applicant_name,
        applicant_id_number=dossier.applicant_id_number,
        applicant_address=dossier.applicant_address,
        applicant_phone=dossier.applicant_phone,
        applicant_email=dossier.applicant_email,
        summary=dossier.summary,
        form_data=dossier.form_data,
        status=DossierStatus.PROCESSING,
        submitted_at=dossier.submitted_at,
        received_at=now,
        processing_days=run.days,
        legal_due_at=due,
        due_at=due,
        result_channel=dossier.result_channel,
    )


def close_step(step: DossierStep, *, now: datetime, note: str = "") -> DossierStep:
    step.finished_at = now
    step.outcome = deadlines.step_outcome(step.due_at, now)
    if note:
        step.note = f"{step.note}\n{note}".strip() if step.note else note
    step.save(update_fields=["finished_at", "outcome", "note"])
    return step
