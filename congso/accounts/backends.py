"""Password sign-in for the admin site and HTTP Basic, with the same lockout as the login pages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest
from django.utils import timezone

from congso.accounts.errors import LoginFailed
from congso.accounts.throttle import sign_in_failed, sign_in_guard
from congso.core.throttle import client_address


class LockoutModelBackend(ModelBackend):
    """`authenticate` goes through `password_login_check`, so a wrong password here counts
    towards the lockout, a locked account is refused and a two-factor account cannot bypass
    its code. The sign-in pages call `login_attempt` and then `login(..., backend=this)`.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        from congso.accounts.models import User
        from congso.accounts.services.login import password_login_check

        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        client = client_address(request) if request is not None else None
        if client is not None:
            sign_in_guard(client)  # RateLimited (429) reaches the API's error handler
        try:
            return password_login_check(username=username, password=password)
        except LoginFailed:
            if client is not None:
                sign_in_failed(client)
            return None

    def user_can_authenticate(self, user: Any) -> bool:
        locked_until = getattr(user, "locked_until", None)
        if locked_until is not None and locked_until > timezone.now():
            return False
        return super().user_can_authenticate(user)
