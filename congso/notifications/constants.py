from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("Thư điện tử")
    SMS = "sms", _("Tin nhắn SMS")


class NotificationStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ gửi")
    SENT = "sent", _("Đã gửi")
    # The development SMS provider only writes the message to the log: nothing left the system.
    LOGGED = "logged", _("Chỉ ghi nhật ký (chưa gửi thật)")
    FAILED = "failed", _("Gửi thất bại")


class NotificationAuditAction(models.TextChoices):
    QUEUED = "notification.queued", _("Xếp hàng gửi thông báo")
    SENT = "notification.sent", _("Gửi thông báo")
    LOGGED = "notification.logged", _("Ghi nhật ký thông báo (không gửi thật)")
    FAILED = "notification.failed", _("Gửi thông báo thất bại")


# Seconds to wait before attempt n+1 (index n-1); the last value repeats. About 2.5 hours in total,
# longer than the outages that lost Open Notificaties' messages after five quick retries.
RETRY_BACKOFF_SECONDS = (30, 120, 600, 1800, 3600, 3600)
