"""Append-only audit log, each entry hash-chained to the one before it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One state change. Written only by `congso.audit.services.audit_record`, never updated.

    `entry_hash` = SHA-256(previous entry's hash + canonical JSON of this entry's fields), so an
    edited, deleted or reordered row breaks the chain at a point `verify-audit` names.
    """

    sequence = models.PositiveBigIntegerField(_("số thứ tự"), unique=True)
    occurred_at = models.DateTimeField(_("thời điểm"))
    actor_id = models.BigIntegerField(_("mã người thực hiện"), null=True, blank=True)
    actor_label = models.CharField(_("người thực hiện"), max_length=255, blank=True)
    agency_id = models.BigIntegerField(_("mã cơ quan"), null=True, blank=True, db_index=True)
    action = models.CharField(_("hành động"), max_length=100, db_index=True)
    target_type = models.CharField(_("loại đối tượng"), max_length=100, blank=True)
    target_id = models.CharField(_("mã đối tượng"), max_length=64, blank=True)
    data = models.JSONField(_("dữ liệu"), default=dict, blank=True)
    prev_hash = models.CharField(_("băm trước"), max_length=64)
    entry_hash = models.CharField(_("băm"), max_length=64, unique=True)

    class Meta:
        ordering = ["sequence"]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        verbose_name = _("mục nhật ký")
        verbose_name_plural = _("nhật ký kiểm toán")

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.target_type}:{self.target_id}"


class AuditChainHead(models.Model):
    """A single row locked by every append so the chain has exactly one tip."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_single_head")]

    def __str__(self) -> str:
        return f"audit head #{self.last_sequence}"
