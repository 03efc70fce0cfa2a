"""Errors shared by every app: a stable code for the API, a Vietnamese message for people."""

from __future__ import annotations

from typing import Any


class CongsoError(Exception):
    """A business rule said no: `code` is stable for API clients; `message` is Vietnamese."""

    code = "error"
    http_status = 400

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        field: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.field = field
        self.details = details or {}


class ValidationFailed(CongsoError):
    code = "validation_failed"


class NotFound(CongsoError):
    """Missing and forbidden look the same to the caller."""

    code = "not_found"
    http_status = 404


class Conflict(CongsoError):
    code = "conflict"
    http_status = 409


class PermissionDenied(CongsoError):
    code = "permission_denied"
    http_status = 403


class RateLimited(CongsoError):
    """Too many tries from one client in the current window (HTTP 429)."""

    code = "rate_limited"
    http_status = 429
