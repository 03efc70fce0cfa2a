"""Content-addressed file store: a file is kept once per SHA-256 and never rewritten."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class StoredFile(models.Model):
    """One immutable blob, stored under MEDIA_ROOT/blobs/<aa>/<bb>/<sha256>.

    The same bytes uploaded twice are the same row; registered documents point at rows, so what
    was registered can always be reproduced byte for byte (anchors.md §1.4 rule 6).
    """

    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    size = models.PositiveBigIntegerField(_("kích thước (byte)"))
    media_type = models.CharField(_("kiểu tệp"), max_length=100)
    page_count = models.PositiveIntegerField(_("số trang"), null=True, blank=True)
    text_content = models.TextField(_("nội dung văn bản (trích xuất)"), blank=True)
    created_at = models.DateTimeField(_("thời điểm lưu"), auto_now_add=True)

    class Meta:
        verbose_name = _("tệp lưu trữ")
        verbose_name_plural = _("tệp lưu trữ")

    def __str__(self) -> str:
        return f"{self.sha256[:12]} ({self.size} B)"
