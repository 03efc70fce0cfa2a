from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxKind(models.TextChoices):
    DOSSIER = "dossier", _("Đồng bộ hồ sơ (DongBoHoSoMC)")
    PROGRESS = "progress", _("Cập nhật tiến độ (CapNhatTienDoHoSoMC)")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENT = "sent", _("Đã gửi")
    SUPERSEDED = "superseded", _("Đã thay bằng bản mới hơn")
    FAILED = "failed", _("Gửi thất bại")


class ReconciliationIssue(models.TextChoices):
    STATUS_DIFFERS = "status_differs", _("Trạng thái khác nhau")
    MISSING_ON_PORTAL = "missing_on_portal", _("Cổng chưa có hồ sơ")
    LOOKUP_FAILED = "lookup_failed", _("Không tra cứu được trên Cổng")


class PortalsyncAction(models.TextChoices):
    """Audit actions of the app."""

    OUTBOX_FAILED = "portalsync.outbox_failed", _("Đồng bộ Cổng DVC thất bại")
    OUTBOX_RESENT = "portalsync.outbox_resent", _("Gửi lại đồng bộ Cổng DVC")
    RECONCILED = "portalsync.reconciled", _("Đối soát với Cổng DVC quốc gia")
    CATALOGUE_PULLED = "portalsync.catalogue_pulled", _("Lấy danh mục thủ tục từ Cổng")
