"""Queue a notification, deliver it after commit through a real local SMTP server."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from congso.audit.models import AuditEntry
from congso.core.errors import ValidationFailed
from congso.notifications.constants import Channel, NotificationAuditAction, NotificationStatus
from congso.notifications.models import Notification
from congso.notifications.services import (
    notification_deliver,
    notification_send,
    notifications_due_ids,
)
from congso.notifications.tasks import notifications_retry_due

pytestmark = pytest.mark.django_db

CONTEXT = {
    "applicant_name": "Nguyễn Thị Hương",
    "dossier_code": "000.00.15.H34-250301-0007",
    "procedure_name": "Cấp giấy phép xây dựng nhà ở riêng lẻ",
    "submitted_at": "01/03/2025 09:30",
    "lookup_url": "http://congso.test/dich-vu-cong/tra-cuu/",
    "agency_name": "UBND huyện Đăk Hà",
}


def test_email_is_sent_through_smtp_after_commit_in_vietnamese(
    smtp_server, django_capture_on_commit_callbacks
):
    # given: a citizen's e-mail and the "dossier submitted" template
    # when: the notification is queued and the transaction commits
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        rows = notification_send(
            template_key="dossier_submitted",
            context=CONTEXT,
            recipient_email="huong.nguyen@example.vn",
            reference="dossier:7",
        )
        # then: nothing has left before the commit
        assert smtp_server.messages == []
    # then: the SMTP server received one UTF-8 message with the Vietnamese subject and body
    assert len(callbacks) == 1
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert smtp_server.recipients == [["huong.nguyen@example.vn"]]
    assert message["To"] == "huong.nguyen@example.vn"
    assert (
        message["Subject"].strip() == "[UBND huyện Đăk Hà] Đã nộp hồ sơ 000.00.15.H34-250301-0007"
    )
    body = message.get_content()
    assert "Kính gửi Ông/Bà Nguyễn Thị Hương" in body
    assert "Cấp giấy phép xây dựng nhà ở riêng lẻ" in body
    assert message.get_content_charset() == "utf-8"
    row = Notification.objects.get(pk=rows[0].pk)
    assert row.status == NotificationStatus.SENT
    assert row.attempts == 1
    assert row.sent_at is not None
    actions = list(AuditEntry.objects.order_by("sequence").values_list("action", flat=True))
    assert actions == [NotificationAuditAction.QUEUED, NotificationAuditAction.SENT]


def test_sms_through_the_log_provider_is_recorded_as_not_sent(
    django_capture_on_commit_callbacks, caplog
):
    # given: a phone number and the development (log) SMS provider
    # when
    with django_capture_on_commit_callbacks(execute=True):
        (row,) = notification_send(
            template_key="dossier_submitted", context=CONTEXT, recipient_phone="0905 123 456"
        )
    # then: the row says the message was only logged, never that it was sent
    row.refresh_from_db()
    assert row.channel == Channel.SMS
    assert row.recipient == "0905123456"
    assert row.status == NotificationStatus.LOGGED
    assert "không gửi tới nhà mạng" in row.provider_note
    assert "not sent, log provider" in caplog.text
    assert "000.00.15.H34-250301-0007" in caplog.text


def test_one_row_per_channel_when_both_addresses_are_given(smtp_server):
    # when
    rows = notification_send(
        template_key="payment_received",
        context={"payment_reference": "TT1", "amount_text": "50.000 đ", "dossier_ref": "HS1"},
        recipient_email="a@example.vn",
        recipient_phone="+84905123456",
    )
    # then
    assert [row.channel for row in rows] == [Channel.EMAIL, Channel.SMS]
    assert rows[0].subject == "Đã nhận thanh toán 50.000 đ cho hồ sơ HS1"
    assert rows[1].recipient == "+84905123456"


def _queue_then_fail() -> None:
    with transaction.atomic():
        notification_send(
            template_key="dossier_submitted", context=CONTEXT, recipient_email="x@example.vn"
        )
        raise RuntimeError("use case failed")


def test_a_rolled_back_use_case_sends_nothing(smtp_server, django_capture_on_commit_callbacks):
    # given / when: the surrounding transaction fails after queueing
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            _queue_then_fail()
    # then
    assert callbacks == []
    assert smtp_server.messages == []
    assert not Notification.objects.exists()


def test_a_failed_attempt_is_kept_and_retried_later(smtp_down, django_capture_on_commit_callbacks):
    # given: the SMTP server is down
    # when
    with django_capture_on_commit_callbacks(execute=True):
        (row,) = notification_send(
            template_key="dossier_submitted", context=CONTEXT, recipient_email="x@example.vn"
        )
    # then: still queued, with the error and the time of the next attempt
    row.refresh_from_db()
    assert row.status == NotificationStatus.QUEUED
    assert row.attempts == 1
    assert "ConnectionRefusedError" in row.last_error
    assert row.next_attempt_at is not None
    assert row.next_attempt_at > timezone.now()
    # then: not due yet, due once its time has come
    assert notifications_due_ids() == []
    assert notifications_due_ids(now=row.next_attempt_at + timedelta(seconds=1)) == [row.pk]


def test_the_retry_sweep_delivers_once_the_server_is_back(smtp_server):
    # given: a message whose first attempt failed and whose retry time has passed
    (row,) = notification_send(
        template_key="dossier_submitted", context=CONTEXT, recipient_email="x@example.vn"
    )
    Notification.objects.filter(pk=row.pk).update(
        attempts=1, next_attempt_at=timezone.now() - timedelta(seconds=1), last_error="down"
    )
    # when
    count = notifications_retry_due()
    # then
    row.refresh_from_db()
    assert count == 1
    assert row.status == NotificationStatus.SENT
    assert row.attempts == 2
    assert row.last_error == ""
    assert len(smtp_server.messages) == 1


def test_after_the_last_attempt_the_message_is_failed_and_audited(smtp_down, settings):
    # given
    settings.CONGSO_NOTIFY_MAX_ATTEMPTS = 2
    (row,) = notification_send(
        template_key="dossier_submitted", context=CONTEXT, recipient_email="x@example.vn"
    )
    Notification.objects.filter(pk=row.pk).update(attempts=1)
    # when
    outcome = notification_deliver(notification_id=row.pk)
    # then
    row.refresh_from_db()
    assert outcome.status == NotificationStatus.FAILED
    assert outcome.retry_in is None
    assert row.status == NotificationStatus.FAILED
    assert AuditEntry.objects.filter(action=NotificationAuditAction.FAILED).count() == 1


def test_delivering_twice_sends_once(smtp_server):
    # given
    (row,) = notification_send(
        template_key="dossier_submitted", context=CONTEXT, recipient_email="x@example.vn"
    )
    # when: the task is delivered twice (Celery at-least-once)
    first = notification_deliver(notification_id=row.pk)
    second = notification_deliver(notification_id=row.pk)
    # then
    assert first.status == second.status == NotificationStatus.SENT
    assert len(smtp_server.messages) == 1


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        (
            {"template_key": "no_such_template", "recipient_email": "a@example.vn"},
            "unknown_template",
        ),
        ({"template_key": "dossier_submitted"}, "no_recipient"),
        (
            {"template_key": "dossier_submitted", "recipient_email": "không-phải-thư"},
            "invalid_email",
        ),
        ({"template_key": "dossier_submitted", "recipient_phone": "12"}, "invalid_phone"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_queued(kwargs, code):
    # when
    with pytest.raises(ValidationFailed) as caught:
        notification_send(context=CONTEXT, **kwargs)
    # then
    assert caught.value.code == code
    assert not Notification.objects.exists()
    assert not AuditEntry.objects.exists()
