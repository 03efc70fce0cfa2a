"""The API schema says how every operation fails: one error shape for all of them."""

from __future__ import annotations

from typing import Any

ERROR_SCHEMA = "ApiError"
METHODS = {"get", "put", "post", "patch", "delete"}


def _error_component() -> dict[str, Any]:
    return {
        "type": "object",
        "description": "Lỗi: `code` ổn định cho máy, `message` tiếng Việt cho người dùng.",
        "properties": {
            "error": {
                "type": "object",
                "properties": {
                    "code": {"type": "string", "example": "validation_failed"},
                    "message": {"type": "string"},
                    "fields": {
                        "type": "object",
                        "description": "Lỗi theo trường: danh sách thông báo, hoặc với trường "
                        "danh sách/lồng nhau, các lỗi theo vị trí (0, 1, …) hay trường con.",
                        "additionalProperties": {},
                    },
                    "details": {"type": "object", "additionalProperties": {}},
                },
                "required": ["code", "message", "fields"],
            }
        },
        "required": ["error"],
    }


def add_error_responses(result: dict[str, Any], **_: Any) -> dict[str, Any]:
    """drf-spectacular post-processing hook: every operation without a `default` response gets
    one, the API's error body (congso.core.api.errors), beside the statuses it documents."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(ERROR_SCHEMA, _error_component())
    reference = {"$ref": f"#/components/schemas/{ERROR_SCHEMA}"}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            responses.setdefault(
                "default",
                {
                    "description": "Lỗi (400, 401, 403, 404, 409, 413, 429, …): xem error.code.",
                    "content": {"application/json": {"schema": reference}},
                },
            )
    return result
