"""Sign-in and sign-out for the staff portal and the citizen portal.

Password first; when the account has two-factor authentication the password step leaves only the
pending user id in the session (never the password) and the second step asks for the 6-digit code.
The services in `congso.accounts` decide; these views parse, call them, and render.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from congso.accounts.constants import PORTAL_KINDS, LoginFailureCode, LoginPortal
from congso.accounts.errors import LoginFailed
from congso.accounts.services import login_attempt, login_totp_verify
from congso.accounts.throttle import sign_in_failed, sign_in_guard
from congso.core.errors import RateLimited
from congso.core.throttle import client_address
from congso.web.forms import LoginForm, PublicLoginForm, TotpForm

AUTH_BACKEND = "congso.accounts.backends.LockoutModelBackend"
PENDING_SESSION_KEY = "congso_pending_login"
# A password that succeeded is good for the second step this long (seconds).
PENDING_TTL_SECONDS = 300
STAFF_PORTAL = str(LoginPortal.STAFF)
PUBLIC_PORTAL = str(LoginPortal.PUBLIC)
# A failure on the code step that keeps the user on it; any other one starts again.
CODE_STEP_RETRY = {LoginFailureCode.TOTP_INVALID, LoginFailureCode.TOTP_REQUIRED}

PORTALS: dict[str, dict[str, Any]] = {
    STAFF_PORTAL: {
        "form": LoginForm,
        "home": "web:staff-home",
        "url": "web:login",
        "template": "web/login.html",
        "kinds": PORTAL_KINDS[STAFF_PORTAL],
    },
    PUBLIC_PORTAL: {
        "form": PublicLoginForm,
        "home": "web:citizen-home",
        "url": "web:public-login",
        "template": "web/public_login.html",
        "kinds": PORTAL_KINDS[PUBLIC_PORTAL],
    },
}


def safe_next_url(request: HttpRequest, candidate: str | None) -> str | None:
    """`next` is honoured only for a path on this site (no scheme, no other host)."""
    if not candidate or not candidate.startswith("/") or candidate.startswith("//"):
        return None
    if "\\" in candidate:
        return None
    if not url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    return candidate


def _pending(request: HttpRequest, portal: str) -> dict[str, Any] | None:
    pending = request.session.get(PENDING_SESSION_KEY)
    if not isinstance(pending, dict) or pending.get("portal") != portal:
        return None
    if time.time() - float(pending.get("started_at", 0)) > PENDING_TTL_SECONDS:
        request.session.pop(PENDING_SESSION_KEY, None)
        return None
    return pending


def _finish(request: HttpRequest, user: Any, portal: str, next_url: str | None) -> HttpResponse:
    request.session.pop(PENDING_SESSION_KEY, None)
    login(request, user, backend=AUTH_BACKEND)
    messages.success(request, _("Đăng nhập thành công."))
    return HttpResponseRedirect(next_url or reverse(PORTALS[portal]["home"]))


def _pending_user_id(error: LoginFailed) -> int | None:
    user_id = error.details.get("user_id") if error.details else None
    return int(user_id) if user_id is not None else None


def _render(
    request: HttpRequest, portal: str, *, form: Any, step: str, next_url: str | None
) -> HttpResponse:
    config = PORTALS[portal]
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        config["template"],
        {"form": form, "step": step, "next": next_url or "", "portal": portal},
        status=status,
    )


def _password_step(request: HttpRequest, portal: str, next_url: str | None) -> HttpResponse:
    form = PORTALS[portal]["form"](request.POST)
    if not form.is_valid():
        return _render(request, portal, form=form, step="password", next_url=next_url)
    client = client_address(request)
    try:
        sign_in_guard(client)
    except RateLimited as error:
        form.add_error(None, error.message)
        response = _render(request, portal, form=form, step="password", next_url=next_url)
        response.status_code = 429
        return response
    try:
        user = login_attempt(
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
            totp_code=None,
            portal=portal,
        )
    except LoginFailed as error:
        if error.code != LoginFailureCode.TOTP_REQUIRED:
            sign_in_failed(client)
        user_id = _pending_user_id(error)
        if error.code == LoginFailureCode.TOTP_REQUIRED and user_id is not None:
            request.session[PENDING_SESSION_KEY] = {
                "user_id": user_id,
                "portal": portal,
                "next": next_url,
                "started_at": time.time(),
            }
            return redirect(PORTALS[portal]["url"])
        form.add_error(None, error.message)
        return _render(request, portal, form=form, step="password", next_url=next_url)
    return _finish(request, user, portal, next_url)


def _code_step(request: HttpRequest, portal: str, pending: dict[str, Any]) -> HttpResponse:
    next_url = safe_next_url(request, pending.get("next"))
    form = TotpForm(request.POST)
    if not form.is_valid():
        return _render(request, portal, form=form, step="code", next_url=next_url)
    try:
        user = login_totp_verify(
            user_id=pending["user_id"], totp_code=form.cleaned_data["code"], portal=portal
        )
    except LoginFailed as error:
        sign_in_failed(client_address(request))
        if error.code not in CODE_STEP_RETRY:
            # Locked or deactivated meanwhile: start again from the password.
            request.session.pop(PENDING_SESSION_KEY, None)
            messages.error(request, error.message)
            return redirect(PORTALS[portal]["url"])
        form.add_error("code", error.message)
        return _render(request, portal, form=form, step="code", next_url=next_url)
    return _finish(request, user, portal, next_url)


@sensitive_post_parameters("password", "code")
@csrf_protect
@never_cache
def _login_page(request: HttpRequest, portal: str) -> HttpResponse:
    config = PORTALS[portal]
    user = request.user
    next_url = safe_next_url(request, request.POST.get("next") or request.GET.get("next"))
    if user.is_authenticated and getattr(user, "kind", None) in config["kinds"]:
        return HttpResponseRedirect(next_url or reverse(config["home"]))
    if request.method == "POST" and request.POST.get("action") == "cancel":
        request.session.pop(PENDING_SESSION_KEY, None)
        return redirect(config["url"])
    pending = _pending(request, portal)
    if pending is not None:
        if request.method == "POST":
            return _code_step(request, portal, pending)
        return _render(
            request,
            portal,
            form=TotpForm(),
            step="code",
            next_url=safe_next_url(request, pending.get("next")),
        )
    if request.method == "POST":
        return _password_step(request, portal, next_url)
    return _render(request, portal, form=config["form"](), step="password", next_url=next_url)


def staff_login(request: HttpRequest) -> HttpResponse:
    return _login_page(request, STAFF_PORTAL)


def public_login(request: HttpRequest) -> HttpResponse:
    return _login_page(request, PUBLIC_PORTAL)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("Bạn đã đăng xuất."))
    return redirect("web:public-home")
