"""Hub API errors: `{"code", "detail"}` as the hub contract says, plus the platform's
`error` block."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.response import Response

from congso.core.api.errors import api_exception_handler


def hub_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        detail = (
            str(exc.detail)
            if isinstance(exc, exceptions.AuthenticationFailed)
            else "Cần mã thông báo (JWT) của đơn vị thành viên."
        )
        return Response(
            {
                "code": "hub_unauthenticated",
                "detail": detail,
                "error": {"code": "hub_unauthenticated", "message": detail, "fields": {}},
            },
            status=401,
            headers={"WWW-Authenticate": 'Bearer realm="congso-hub"'},
        )
    handled = api_exception_handler(exc, context)
    if handled is not None and isinstance(handled.data, dict) and "error" in handled.data:
        error = handled.data["error"]
        handled.data = {"code": error["code"], "detail": error["message"], **handled.data}
    return handled
