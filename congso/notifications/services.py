"""Queue and deliver notifications (GOV.UK Notify's shape: a row per message, a task per row).

`notification_send` stores the rendered message and enqueues its delivery after commit, so a
rolled-back use case never mails anyone. `notification_deliver` is what the Celery task runs:
it claims the row, hands the message to its channel outside any transaction, and records the
outcome; a failed attempt is retried with back-off until `CONGSO_NOTIFY_MAX_ATTEMPTS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.audit.services import audit_record
from congso.notifications.channels import DeliveryError, DeliveryResult, EmailChannel, sms_provider
from congso.notifications.constants import (
    RETRY_BACKOFF_SECONDS,
    Channel,
    NotificationAuditAction,
    NotificationStatus,
)
from congso.notifications.errors import NotificationRejected
from congso.notifications.models import Notification
from congso.notifications.templates_registry import TEMPLATE_KEYS, render_part, render_subject

# A queued row nobody claimed for this long lost its task (broker restart): the sweep resends it.
ORPHAN_AFTER = timedelta(minutes=5)
PHONE_DIGITS = range(9, 16)


@dataclass(frozen=True)
class DeliveryOutcome:
    status: str
    retry_in: int | None = None


def _clean_phone(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    if phone.strip().startswith("+"):
        digits = "+" + digits
    if len(digits.lstrip("+")) not in PHONE_DIGITS:
        raise NotificationRejected(
            _("Số điện thoại nhận tin nhắn không hợp lệ."), code="invalid_phone", field="phone"
        )
    return digits


def _enqueue(notification_ids: list[int]) -> None:
    from congso.notifications.tasks import notification_deliver_task

    for notification_id in notification_ids:
        notification_deliver_task.delay(notification_id)


@transaction.atomic
def notification_send(
    *,
    template_key: str,
    context: dict[str, Any],
    recipient_email: str = "",
    recipient_phone: str = "",
    reference: str = "",
    actor: Any = None,
) -> list[Notification]:
    """Queue one message per given address (e-mail and/or SMS); sent after the caller commits."""
    if template_key not in TEMPLATE_KEYS:
        raise NotificationRejected(
            _("Mẫu thông báo %(key)s không tồn tại.") % {"key": template_key},
            code="unknown_template",
        )
    email = (recipient_email or "").strip()
    phone = (recipient_phone or "").strip()
    if not email and not phone:
        raise NotificationRejected(
            _("Cần ít nhất một địa chỉ thư điện tử hoặc số điện thoại để gửi thông báo."),
            code="no_recipient",
        )
    rows: list[Notification] = []
    if email:
        try:
            validate_email(email)
        except ValidationError as error:
            raise NotificationRejected(
                _("Địa chỉ thư điện tử không hợp lệ."), code="invalid_email", field="email"
            ) from error
        rows.append(
            Notification(
                channel=Channel.EMAIL,
                recipient=email,
                subject=render_subject(template_key, context),
                body=render_part(template_key, "email", context),
            )
        )
    if phone:
        rows.append(
            Notification(
                channel=Channel.SMS,
                recipient=_clean_phone(phone),
                body=render_part(template_key, "sms", context),
            )
        )
    for row in rows:
        row.template_key = template_key
        row.context = context
        row.reference = reference[:64]
        row.full_clean()
        row.save()
    audit_record(
        actor=actor,
        action=NotificationAuditAction.QUEUED,
        target=rows[0],
        data={
            "template_key": template_key,
            "notifications": [row.pk for row in rows],
            "channels": [row.channel for row in rows],
            "reference": reference,
        },
    )
    ids = [int(row.pk) for row in rows]
    transaction.on_commit(lambda: _enqueue(ids))
    return rows


def _claim(notification_id: int) -> Notification | None:
    """Take the row for one attempt; None when it is not due or another worker has it."""
    now = timezone.now()
    row = Notification.objects.filter(pk=notification_id).first()
    if row is None or row.status != NotificationStatus.QUEUED:
        return None
    if row.next_attempt_at is not None and row.next_attempt_at > now:
        return None
    # A lease: until the attempt is recorded, no one else may take the row.
    claimed = Notification.objects.filter(
        pk=row.pk, status=NotificationStatus.QUEUED, attempts=row.attempts
    ).update(attempts=row.attempts + 1, next_attempt_at=now + timedelta(minutes=10))
    if claimed != 1:
        return None
    row.attempts += 1
    return row


def _hand_over(row: Notification) -> DeliveryResult:
    if row.channel == Channel.EMAIL:
        return EmailChannel().send(to=row.recipient, subject=row.subject, body=row.body)
    return sms_provider().send(phone=row.recipient, text=row.body)


def _backoff(attempts: int) -> int:
    return RETRY_BACKOFF_SECONDS[min(attempts, len(RETRY_BACKOFF_SECONDS)) - 1]


def notification_deliver(*, notification_id: int) -> DeliveryOutcome:
    """One delivery attempt; idempotent (a sent, logged or failed row is left alone)."""
    row = _claim(notification_id)
    if row is None:
        current = Notification.objects.filter(pk=notification_id).values_list("status", flat=True)
        return DeliveryOutcome(status=current.first() or "missing")
    try:
        result = _hand_over(row)
    except DeliveryError as error:
        return _record_failure(row, str(error))
    with transaction.atomic():
        row.status = NotificationStatus.SENT if result.delivered else NotificationStatus.LOGGED
        row.sent_at = timezone.now()
        row.next_attempt_at = None
        row.last_error = ""
        row.provider_note = result.note[:255]
        row.save(
            update_fields=[
                "status",
                "sent_at",
                "next_attempt_at",
                "last_error",
                "provider_note",
                "updated_at",
            ]
        )
        audit_record(
            actor=None,
            action=NotificationAuditAction.SENT
            if result.delivered
            else NotificationAuditAction.LOGGED,
            target=row,
            data={"channel": row.channel, "attempts": row.attempts, "note": result.note},
        )
    return DeliveryOutcome(status=row.status)


def _record_failure(row: Notification, error: str) -> DeliveryOutcome:
    with transaction.atomic():
        row.last_error = error[:2000]
        if row.attempts >= settings.CONGSO_NOTIFY_MAX_ATTEMPTS:
            row.status = NotificationStatus.FAILED
            row.next_attempt_at = None
            retry_in = None
        else:
            retry_in = _backoff(row.attempts)
            row.next_attempt_at = timezone.now() + timedelta(seconds=retry_in - 1)
        row.save(update_fields=["status", "last_error", "next_attempt_at", "updated_at"])
        if row.status == NotificationStatus.FAILED:
            audit_record(
                actor=None,
                action=NotificationAuditAction.FAILED,
                target=row,
                data={"channel": row.channel, "attempts": row.attempts, "error": row.last_error},
            )
    return DeliveryOutcome(status=row.status, retry_in=retry_in)


def notifications_due_ids(*, now: Any = None) -> list[int]:
    """Queued rows whose retry time has come, or whose task was lost."""
    now = now or timezone.now()
    due = Q(next_attempt_at__lte=now) | Q(
        next_attempt_at__isnull=True, created_at__lte=now - ORPHAN_AFTER
    )
    return list(
        Notification.objects.filter(due, status=NotificationStatus.QUEUED)
        .order_by("id")
        .values_list("id", flat=True)[:1000]
    )
