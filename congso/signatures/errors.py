"""Errors of the signatures app (Vietnamese message, stable code)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from congso.core.errors import NotFound, ValidationFailed


class SigningRefusedError(ValidationFailed):
    code = "signing_refused"


class ValidationRecordNotFound(NotFound):
    code = "validation_report_not_found"

    def __init__(self, record_id: object) -> None:
        super().__init__(
            _("Không tìm thấy biên bản kiểm tra chữ ký số."), details={"id": record_id}
        )


class SigningKeyNotFound(NotFound):
    code = "signing_key_not_found"

    def __init__(self) -> None:
        super().__init__(_("Chưa có khóa ký số phù hợp cho người dùng hoặc cơ quan này."))
