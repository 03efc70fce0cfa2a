"""One row per message to one recipient on one channel: what was sent, when, and how it went."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from congso.core.models import TimeStampedModel
from congso.notifications.constants import Channel, NotificationStatus


class Notification(TimeStampedModel):
    channel = models.CharField(_("kênh"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("người nhận"), max_length=254)
    template_key = models.CharField(_("mẫu thông báo"), max_length=64)
    context = models.JSONField(_("dữ liệu mẫu"), default=dict, blank=True)
    subject = models.CharField(_("tiêu đề"), max_length=255, blank=True)
    body = models.TextField(_("nội dung"))
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=NotificationStatus.choices,
        default=NotificationStatus.QUEUED,
    )
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    last_error = models.TextField(_("lỗi lần gửi gần nhất"), blank=True)
    next_attempt_at = models.DateTimeField(_("gửi lại lúc"), null=True, blank=True)
    sent_at = models.DateTimeField(_("thời điểm gửi"), null=True, blank=True)
    provider_note = models.CharField(_("ghi chú của nhà cung cấp"), max_length=255, blank=True)
    # What the message is about ("dossier:12"), for finding a dossier's messages; free text.
    reference = models.CharField(_("liên quan đến"), max_length=64, blank=True, db_index=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notif_status_next_idx")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.recipient}: {self.template_key}"
