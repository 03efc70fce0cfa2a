"""Deadline reminders, sent through a real SMTP server (aiosmtpd) listening on 127.0.0.1."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from datetime import timedelta
from email.header import decode_header, make_header
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from congso.audit.models import AuditEntry
from congso.documents.constants import AssignmentRole
from congso.documents.models import Assignment, SecretAccessGrant
from congso.documents.services.distribution import AssignmentEntry, incoming_document_assign
from congso.documents.services.incoming_common import IncomingAction, local_today
from congso.documents.services.incoming_reminders import assignment_reminders_send
from congso.documents.tasks import deadline_reminders_send
from congso.documents.tests.factories import secrecy
from congso.workdays.calendar import add_working_days, next_working_day

pytestmark = pytest.mark.django_db


class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], email.message.Message]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append((list(envelope.rcpt_tos), email.message_from_bytes(envelope.content)))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp(settings: Any) -> Iterator[Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.CONGSO_REMINDER_DAYS_BEFORE = 2
    try:
        yield inbox
    finally:
        controller.stop()


def subject_of(message: email.message.Message) -> str:
    return str(make_header(decode_header(message["Subject"])))


@pytest.fixture
def day() -> Any:
    """A working day to run the reminders on (whatever day the suite runs)."""
    return next_working_day(local_today())


def _assign(register: Any, leader: Any, person: Any, due_on: Any) -> Assignment:
    document = register()
    assignment = incoming_document_assign(
        actor=leader,
        document=document,
        entries=[AssignmentEntry(role=AssignmentRole.LEAD, assignee=person)],
    )[0]
    Assignment.objects.filter(pk=assignment.pk).update(due_on=due_on)
    return assignment


def test_reminds_before_and_on_the_due_day_once_each(
    smtp, day, register, leader, specialist, colleague, unit_head
):
    # given
    due_today = _assign(register, leader, specialist, day)
    due_soon = _assign(register, leader, unit_head, add_working_days(day, 2, cutoff=None))
    _assign(register, leader, colleague, add_working_days(day, 5, cutoff=None))  # not yet
    # when
    run = assignment_reminders_send(on=day)
    again = assignment_reminders_send(on=day)
    # then
    assert (run.due, run.before) == (1, 1)
    assert (again.due, again.before) == (0, 0)
    received = {tuple(to): subject_of(message) for to, message in smtp.messages}
    assert len(smtp.messages) == 2
    assert "Hôm nay đến hạn" in received[("lan@example.vn",)]
    assert "Sắp đến hạn" in received[("truongphong@example.vn",)]
    due_today.refresh_from_db()
    due_soon.refresh_from_db()
    assert due_today.reminded_due_at is not None
    assert due_soon.reminded_before_at is not None
    assert AuditEntry.objects.filter(action=IncomingAction.REMINDED).count() == 2


def test_the_body_names_the_document_and_the_deadline(smtp, day, register, leader, specialist):
    _assign(register, leader, specialist, day)
    assignment_reminders_send(on=day)
    ((_, message),) = smtp.messages
    body = message.get_payload(decode=True).decode("utf-8")
    assert "UBND tỉnh Kon Tum" in body
    assert day.strftime("%d/%m/%Y") in body


def test_a_secret_documents_subject_is_not_mailed(smtp, day, register, leader, clerk, specialist):
    document = register(secrecy=secrecy("mat"))
    SecretAccessGrant.objects.create(incoming=document, user=leader, granted_by=clerk)
    assignment = incoming_document_assign(
        actor=leader,
        document=document,
        entries=[AssignmentEntry(role=AssignmentRole.LEAD, assignee=specialist)],
    )[0]
    Assignment.objects.filter(pk=assignment.pk).update(due_on=day)
    assignment_reminders_send(on=day)
    ((_, message),) = smtp.messages
    body = message.get_payload(decode=True).decode("utf-8")
    assert document.subject not in body
    assert "[văn bản mật]" in body


def test_people_without_email_are_stamped_but_not_mailed(smtp, day, register, leader, colleague):
    colleague.email = ""
    colleague.save(update_fields=["email"])
    assignment = _assign(register, leader, colleague, day)
    run = assignment_reminders_send(on=day)
    assert run.due == 1
    assert smtp.messages == []
    assignment.refresh_from_db()
    assert assignment.reminded_due_at is not None


def test_closed_or_overdue_assignments_get_no_reminder(smtp, day, register, leader, specialist):
    done = _assign(register, leader, specialist, day)
    Assignment.objects.filter(pk=done.pk).update(status="done")
    _assign(register, leader, specialist, day - timedelta(days=1))
    run = assignment_reminders_send(on=day)
    assert (run.due, run.before) == (0, 0)
    assert smtp.messages == []


def test_no_reminders_on_a_day_off(smtp, register, leader, specialist):
    sunday = local_today() + timedelta(days=(6 - local_today().weekday()) or 7)
    _assign(register, leader, specialist, next_working_day(sunday))
    run = assignment_reminders_send(on=sunday)
    assert (run.due, run.before) == (0, 0)


def test_the_celery_task_runs_for_today(monkeypatch, day, register, leader, specialist, mailoutbox):
    # given
    _assign(register, leader, specialist, day)
    monkeypatch.setattr("congso.documents.services.incoming_common.local_today", lambda: day)
    # when
    result = deadline_reminders_send()
    # then
    assert result == {"before": 0, "due": 1}
    assert len(mailoutbox) == 1
