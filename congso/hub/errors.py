"""Errors of the hub API: stable codes the platform connector relies on (docs/hub.md)."""

from __future__ import annotations

from typing import Any

from congso.core.errors import CongsoError, NotFound, PermissionDenied, ValidationFailed


class HubUnauthenticated(CongsoError):
    code = "hub_unauthenticated"
    http_status = 401


class HubSenderMismatch(PermissionDenied):
    code = "hub_sender_mismatch"


class HubSignerMismatch(HubSenderMismatch):
    """The package's XML signature was made with a key that is not the sending member's."""

    code = "hub_signer_mismatch"


class HubUnprocessable(ValidationFailed):
    """The package was read but the hub will not take it (422, code names the reason)."""

    http_status = 422

    def __init__(self, message: str, *, code: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message, code=code, details=details)


class HubTooLarge(CongsoError):
    code = "hub_too_large"
    http_status = 413


class HubMessageNotFound(NotFound):
    """Missing, or not addressed to/sent by the caller: both look the same."""

    code = "hub_not_found"

    def __init__(self) -> None:
        super().__init__("Không tìm thấy gói tin hoặc đơn vị không có quyền nhận gói tin này.")


class HubPathNotFound(NotFound):
    """A path under the hub's API that names no verb (a package id that is not a UUID in its
    canonical lowercase form included): the same code as a package the caller may not read."""

    code = "hub_not_found"

    def __init__(self) -> None:
        super().__init__("Không có địa chỉ này trong API của trục (hoặc không có gói tin này).")


class HubMemberInvalid(ValidationFailed):
    code = "hub_member_invalid"


class HubBatchInvalid(ValidationFailed):
    """A batch call without items, with too many, or not in the form the contract says (400)."""

    code = "hub_batch_invalid"
