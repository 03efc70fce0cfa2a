"""The search index: one row per document, folded text for diacritic-insensitive matching."""

from __future__ import annotations

from django.db import models

from congso.documents.constants import Direction


class SearchEntry(models.Model):
    """Maintained by `documents.services.search_index` after each change (on commit).

    `folded_head` holds the fields a person names a document by (trích yếu, số/ký hiệu, tên loại,
    cơ quan ban hành, người ký); `folded_text` everything else (other metadata, the text layer of
    the files). Both are folded (`documents.text.fold`) and reduced to words separated by single
    spaces. On PostgreSQL a generated `search_vector` column (weight A for the head) carries a GIN
    index; on SQLite the FTS5 table `documents_searchentry_fts` mirrors both columns (rowid = id).
    Neither is known to the ORM: both come from migration 0004 and `congso.documents.search`.
    Since migration 0008 the vector also holds one word per facet value of the row
    (`d:incoming`, `t:<type id>`, `s:<status>`, `y:<year>`, `i:<issuer>`, built by the database
    from these columns), so the GIN index intersects facet filters with the words.
    """

    direction = models.CharField(max_length=10, choices=Direction.choices)
    document_id = models.BigIntegerField()
    agency_id = models.BigIntegerField()
    is_secret = models.BooleanField(default=False)
    year = models.PositiveSmallIntegerField()
    document_type_id = models.BigIntegerField()
    status = models.CharField(max_length=12)
    issuer_name = models.CharField(max_length=200)
    number_notation = models.CharField(max_length=50)
    # number_notation folded, upper case, without leading zeros: "5/QD-UBND" for "05/QĐ-UBND".
    notation_key = models.CharField(max_length=50, blank=True, default="")
    subject = models.CharField(max_length=500)
    issued_on = models.DateField(null=True, blank=True)
    folded_head = models.TextField(blank=True, default="")
    folded_text = models.TextField()
    sort_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["direction", "document_id"], name="search_unique_doc"),
        ]
        indexes = [
            models.Index(fields=["agency_id", "-sort_at", "-id"], name="search_agency_sort"),
            models.Index(fields=["agency_id", "notation_key"], name="search_agency_notation"),
            # A newest-first walk narrowed to one document type or one status reads only those
            # rows (`selectors.search._matching_rows` puts a single selected value inside it).
            models.Index(
                fields=["agency_id", "document_type_id", "-sort_at", "-id"],
                name="search_agency_type_sort",
            ),
            models.Index(
                fields=["agency_id", "status", "-sort_at", "-id"], name="search_agency_status_sort"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.direction}:{self.document_id}"
