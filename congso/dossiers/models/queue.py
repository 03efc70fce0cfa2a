"""Queue numbers (số thứ tự) at the counters of the Public Administration Service Center."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from congso.dossiers.constants import QueueTicketStatus


class ServiceCounter(models.Model):
    """A counter (quầy) of a one-stop desk; tickets are numbered per counter and day."""

    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan"),
        on_delete=models.PROTECT,
        related_name="service_counters",
    )
    code = models.CharField(_("mã quầy"), max_length=20)
    name = models.CharField(_("tên quầy"), max_length=255)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("quầy tiếp nhận")
        verbose_name_plural = _("quầy tiếp nhận")
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="service_counter_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class QueueTicket(models.Model):
    counter = models.ForeignKey(ServiceCounter, on_delete=models.PROTECT, related_name="tickets")
    day = models.DateField(_("ngày"))
    number = models.PositiveIntegerField(_("số thứ tự"))
    taken_at = models.DateTimeField(_("thời điểm lấy số"))
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=QueueTicketStatus.choices,
        default=QueueTicketStatus.WAITING,
    )
    called_at = models.DateTimeField(_("thời điểm gọi"), null=True, blank=True)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("số thứ tự")
        verbose_name_plural = _("số thứ tự")
        ordering = ["day", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["counter", "day", "number"], name="queue_ticket_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.counter_id} {self.day}: {self.number}"
