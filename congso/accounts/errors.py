"""Errors raised by the accounts services."""

from __future__ import annotations

from congso.core.errors import CongsoError


class LoginFailed(CongsoError):
    """A sign-in attempt was refused; `code` is one of `LoginFailureCode`.

    `details["user_id"]` is set only with `totp_required`, i.e. once the password was right, so the
    web view can keep the pending user for the second step; it never tells an unknown name apart.
    """

    code = "invalid_credentials"
    http_status = 400


class DemoPrerequisiteMissing(CongsoError):
    """The demo accounts need the organisations demo tree, which is not loaded."""

    code = "demo_organisations_missing"
