"""Outbox of messages to the national portal and the results of nightly reconciliation."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from congso.core.models import TimeStampedModel
from congso.portalsync.constants import OutboxKind, OutboxStatus, ReconciliationIssue


class PortalOutbox(TimeStampedModel):
    """One message for the portal, written in the dossier's transaction (transactional outbox).

    Rows of one dossier are sent in id order; a newer DongBoHoSoMC snapshot supersedes an older
    one still waiting. Failed sends retry with exponential back-off until the attempt budget is
    spent, then the row is FAILED and shown to staff, who can resend it.
    """

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="portal_outbox"
    )
    event_id = models.PositiveBigIntegerField(_("sự kiện hồ sơ"), null=True, blank=True)
    kind = models.CharField(_("loại"), max_length=10, choices=OutboxKind.choices)
    madonvi = models.CharField(_("mã đơn vị (MaDinhDanhDV)"), max_length=40)
    ma_ho_so = models.CharField(_("mã hồ sơ"), max_length=40)
    portal_status = models.PositiveSmallIntegerField(_("mã trạng thái Cổng"))
    payload = models.JSONField(_("nội dung gửi"))
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("số lần thử"), default=0)
    next_attempt_at = models.DateTimeField(_("lần thử tiếp theo"), null=True, blank=True)
    sent_at = models.DateTimeField(_("thời điểm gửi được"), null=True, blank=True)
    last_error = models.CharField(_("lỗi gần nhất"), max_length=1000, blank=True)
    last_error_field = models.CharField(_("trường bị Cổng từ chối"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("bản tin đồng bộ Cổng DVC")
        verbose_name_plural = _("hàng đợi đồng bộ Cổng DVC")
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="portal_outbox_due"),
            models.Index(fields=["dossier", "status"], name="portal_outbox_dossier"),
        ]

    def __str__(self) -> str:
        return f"{self.ma_ho_so} {self.kind} → {self.portal_status} ({self.status})"


class PortalReconciliationRun(TimeStampedModel):
    started_at = models.DateTimeField(_("bắt đầu"))
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    checked = models.PositiveIntegerField(_("số hồ sơ đã đối soát"), default=0)
    differing = models.PositiveIntegerField(_("số hồ sơ lệch"), default=0)
    error = models.CharField(_("lỗi (lượt dừng giữa chừng)"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("lượt đối soát Cổng DVC")
        verbose_name_plural = _("các lượt đối soát Cổng DVC")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M}: {self.differing}/{self.checked}"


class PortalReconciliation(models.Model):
    """A dossier whose status differs between congso and the portal in one run."""

    run = models.ForeignKey(
        PortalReconciliationRun, on_delete=models.CASCADE, related_name="differences"
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="portal_reconciliations"
    )
    ma_ho_so = models.CharField(_("mã hồ sơ"), max_length=40)
    local_status = models.CharField(_("trạng thái trên congso"), max_length=24)
    expected_portal_status = models.PositiveSmallIntegerField(_("mã Cổng tương ứng"))
    portal_status = models.PositiveSmallIntegerField(_("mã trên Cổng"), null=True, blank=True)
    issue = models.CharField(_("vấn đề"), max_length=20, choices=ReconciliationIssue.choices)
    has_pending_outbox = models.BooleanField(_("còn bản tin chờ gửi"), default=False)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("hồ sơ lệch trạng thái với Cổng DVC")
        verbose_name_plural = _("hồ sơ lệch trạng thái với Cổng DVC")
        ordering = ["run", "ma_ho_so"]

    def __str__(self) -> str:
        return f"{self.ma_ho_so}: {self.local_status} ≠ {self.portal_status}"
