"""Errors of the documents domain, each with a stable code for the API."""

from __future__ import annotations

from congso.core.errors import Conflict, NotFound, ValidationFailed


class DocumentNotFound(NotFound):
    """Missing, of another agency, or secret without a grant: all look the same."""

    code = "document_not_found"

    def __init__(self, document_id: object = None) -> None:
        super().__init__("Không tìm thấy văn bản hoặc bạn không có quyền truy cập.")
        self.document_id = document_id


class FileRejected(ValidationFailed):
    code = "file_rejected"


class InvalidTransition(Conflict):
    code = "invalid_transition"


class SecretDocumentRule(ValidationFailed):
    code = "secret_document_rule"
