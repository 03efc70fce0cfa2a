"""Explicit read grants for secret documents (văn bản mật)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SecretAccessGrant(models.Model):
    """`user` may read this secret document. Nobody else may, whatever their role."""

    incoming = models.ForeignKey(
        "documents.IncomingDocument",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="secret_grants",
    )
    outgoing = models.ForeignKey(
        "documents.OutgoingDocument",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="secret_grants",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="secret_grants"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("quyền xem văn bản mật")
        verbose_name_plural = _("quyền xem văn bản mật")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(incoming__isnull=False, outgoing__isnull=True)
                    | models.Q(incoming__isnull=True, outgoing__isnull=False)
                ),
                name="secret_grant_one_document",
            ),
            models.UniqueConstraint(fields=["incoming", "user"], name="secret_grant_incoming_user"),
            models.UniqueConstraint(fields=["outgoing", "user"], name="secret_grant_outgoing_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.incoming_id or self.outgoing_id}"
