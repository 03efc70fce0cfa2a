"""`congso search-index-rebuild`: rebuild the document search index from the documents."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Xây dựng lại chỉ mục tra cứu văn bản từ dữ liệu văn bản (sau khi nhập hoặc khôi phục)."

    def handle(self, *args: Any, **options: Any) -> None:
        from congso.documents.services.search_index import search_index_rebuild

        count = search_index_rebuild()
        self.stdout.write(f"Đã xây dựng lại chỉ mục cho {count} văn bản.")
