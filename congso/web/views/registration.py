"""Opening a citizen or business account on the public portal (rate-limited per client address)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from congso.accounts.services import business_register, citizen_register
from congso.accounts.throttle import registration_throttle
from congso.core.errors import CongsoError, RateLimited
from congso.core.throttle import client_address
from congso.web.forms import RegistrationForm
from congso.web.views.auth import AUTH_BACKEND, safe_next_url

# The services name the field they refuse; the form shows the message next to it.
FIELD_OF = {
    "citizen_id_number": "number",
    "tax_code": "number",
    "full_name": "full_name",
    "name": "full_name",
    "password": "password",
    "email": "email",
    "phone": "phone",
}


@never_cache
@csrf_protect
@sensitive_post_parameters("password", "password_again")
def register(request: HttpRequest) -> HttpResponse:
    next_url = safe_next_url(request, request.POST.get("next") or request.GET.get("next"))
    form = RegistrationForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                registration_throttle(client_address(request))
                if data["kind"] == "business":
                    user = business_register(
                        tax_code=data["number"],
                        name=data["full_name"],
                        password=data["password"],
                        email=data["email"],
                    )
                else:
                    user = citizen_register(
                        citizen_id_number=data["number"],
                        full_name=data["full_name"],
                        password=data["password"],
                        email=data["email"],
                        phone=data["phone"],
                    )
            except RateLimited as error:
                form.add_error(None, error.message)
                status = 429
            except CongsoError as error:
                field = FIELD_OF.get(error.field or "")
                form.add_error(field, error.message)
            else:
                login(request, user, backend=AUTH_BACKEND)
                messages.success(
                    request, _("Đã tạo tài khoản. Chào mừng bạn đến Cổng dịch vụ công.")
                )
                return HttpResponseRedirect(next_url or reverse("web:citizen-home"))
    return render(
        request, "web/register.html", {"form": form, "next": next_url or ""}, status=status
    )
