"""Cursor pagination everywhere: stable under inserts and no exact COUNT on large lists."""

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination
from rest_framework.request import Request

from congso.core.errors import ValidationFailed


class CursorPagination(pagination.CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-pk"

    def get_page_size(self, request: Request) -> int:
        """`page_size` from 1 to `max_page_size` (larger is capped, as DRF does); anything else
        is a 400 naming it, as the search API answers, not silently the default."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        if not raw.isdigit() or int(raw) < 1:
            raise ValidationFailed(
                _("Số dòng mỗi trang phải là số nguyên dương."),
                code="validation_failed",
                field=self.page_size_query_param,
            )
        return min(int(raw), self.max_page_size)

    def decode_cursor(self, request: Request) -> Any:
        """A cursor we did not write is the caller's mistake (400 invalid_cursor, as search
        answers), not a missing page (DRF's 404)."""
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound:
            raise ValidationFailed(
                _("Con trỏ phân trang không hợp lệ; hãy tải lại từ trang đầu."),
                code="invalid_cursor",
                field=self.cursor_query_param,
            ) from None
