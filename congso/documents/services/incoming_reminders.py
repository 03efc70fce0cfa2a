"""Deadline reminders for assignments (đôn đốc, Nghị định 30/2020/NĐ-CP, Điều 24).

Each open assignment with a deadline gets at most two e-mails: one when the deadline is
`CONGSO_REMINDER_DAYS_BEFORE` working days away or closer, one on the due day. The timestamps
`reminded_before_at` / `reminded_due_at` make a second run on the same day (Celery may deliver a
task twice) send nothing. Reminders go out on working days only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.audit.services import audit_record
from congso.documents.constants import AssignmentStatus
from congso.documents.models import Assignment
from congso.documents.services.distribution import responsible_people
from congso.documents.services.incoming_common import IncomingAction
from congso.workdays.calendar import is_working_day, working_days_between

ACTIVE = (AssignmentStatus.PENDING, AssignmentStatus.IN_PROGRESS)
LONGEST_BREAK_DAYS = 14


@dataclass(frozen=True)
class ReminderRun:
    before: int
    due: int


def _recipients(assignment: Assignment) -> list[str]:
    return sorted({person.email for person in responsible_people(assignment) if person.email})


def _message(assignment: Assignment, kind: str) -> tuple[str, str]:
    document = assignment.document
    due = assignment.due_on.strftime("%d/%m/%Y") if assignment.due_on else ""
    number = document.number_notation or _("(không số)")
    if kind == "due":
        subject = _("[congso] Hôm nay đến hạn xử lý văn bản %(number)s") % {"number": number}
    else:
        subject = _("[congso] Sắp đến hạn xử lý văn bản %(number)s (hạn %(due)s)") % {
            "number": number,
            "due": due,
        }
    body = _(
        "Văn bản đến số %(arrival)s, %(number)s của %(organ)s\n"
        "Trích yếu: %(subject)s\n"
        "Vai trò: %(role)s\n"
        "Hạn xử lý: %(due)s\n"
    ) % {
        "arrival": document.arrival_number or "",
        "number": number,
        "organ": document.organ_name,
        "subject": "[văn bản mật]" if document.is_secret else document.subject,
        "role": assignment.get_role_display(),
        "due": due,
    }
    return str(subject), str(body)


def _remind_one(assignment_id: int, kind: str) -> bool:
    """Lock, re-check, send and stamp one assignment; False when another run got there first."""
    stamp = "reminded_due_at" if kind == "due" else "reminded_before_at"
    with transaction.atomic():
        rows = Assignment.objects.select_related("document", "assignee").filter(
            pk=assignment_id, status__in=ACTIVE, **{f"{stamp}__isnull": True}
        )
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True, of=("self",))
        assignment = rows.first()
        if assignment is None:
            return False
        recipients = _recipients(assignment)
        if recipients:
            subject, body = _message(assignment, kind)
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
        setattr(assignment, stamp, timezone.now())
        assignment.save(update_fields=[stamp])
        audit_record(
            actor=None,
            action=IncomingAction.REMINDED,
            target=assignment.document,
            agency_id=assignment.document.agency_id,
            data={"assignment_id": assignment.pk, "kind": kind, "recipients": len(recipients)},
        )
    return True


def assignment_reminders_send(*, on: date) -> ReminderRun:
    """Send the reminders due on day `on` and return how many of each kind went out.

    The e-mail is sent before the stamp is committed: a crash in between means one duplicate
    reminder later, never a lost one.
    """
    if not is_working_day(on):
        return ReminderRun(before=0, due=0)
    days_before = int(getattr(settings, "CONGSO_REMINDER_DAYS_BEFORE", 2))
    open_with_deadline = Assignment.objects.filter(status__in=ACTIVE, due_on__gte=on)
    due_today = open_with_deadline.filter(due_on=on, reminded_due_at__isnull=True)
    due = sum(_remind_one(pk, "due") for pk in due_today.values_list("pk", flat=True))
    # N working days never span more than N weeks plus the longest break (Tết): bound the scan.
    horizon = on + timedelta(days=7 * days_before + LONGEST_BREAK_DAYS)
    soon: list[Any] = list(
        open_with_deadline.filter(
            due_on__gt=on, due_on__lte=horizon, reminded_before_at__isnull=True
        ).values_list("pk", "due_on")
    )
    before = sum(
        _remind_one(pk, "before")
        for pk, due_on in soon
        if working_days_between(on, due_on) <= days_before
    )
    return ReminderRun(before=before, due=due)
