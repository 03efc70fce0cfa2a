"""The search index: one row per document, folded text for diacritic-insensitive matching."""

from __future__ import annotations

from django.db import models

from congso.documents.constants import Direction


class SearchEntry(models.Model):
    """Maintained by `documents.services.search` after each change (on commit). On PostgreSQL the
    `folded_text` column carries trigram/full-text indexes; on SQLite an FTS5 table mirrors it."""

    direction = models.CharField(max_length=10, choices=Direction.choices)
    document_id = models.BigIntegerField()
    agency_id = models.BigIntegerField(db_index=True)
    is_secret = models.BooleanField(default=False)
    year = models.PositiveSmallIntegerField()
    document_type_id = models.BigIntegerField()
    status = models.CharField(max_length=12)
    issuer_name = models.CharField(max_length=200)
    number_notation = models.CharField(max_length=50)
    subject = models.CharField(max_length=500)
    folded_text = models.TextField()
    sort_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["direction", "document_id"], name="search_unique_doc"),
        ]
        indexes = [
            models.Index(fields=["agency_id", "-sort_at"], name="search_agency_sort"),
            models.Index(fields=["number_notation"], name="search_number_notation"),
        ]

    def __str__(self) -> str:
        return f"{self.direction}:{self.document_id}"
