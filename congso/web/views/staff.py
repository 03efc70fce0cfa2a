"""The staff workspace (màn hình làm việc của cán bộ)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from congso.web.guards import staff_required

# Parts of the platform that arrive with later modules; listed so staff see what is coming.
UPCOMING_MODULES = [
    (_("Văn bản đến"), _("Tiếp nhận, vào sổ và phân xử lý văn bản đến.")),
    (_("Văn bản đi"), _("Soạn thảo, trình ký, cấp số và phát hành văn bản đi.")),
    (_("Hồ sơ một cửa"), _("Tiếp nhận và giải quyết hồ sơ thủ tục hành chính.")),
    (_("Ký số"), _("Ký số văn bản bằng chứng thư số chuyên dùng.")),
    (_("Liên thông văn bản"), _("Gửi, nhận văn bản điện tử qua trục liên thông.")),
]


@staff_required
def staff_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "web/staff_home.html",
        {
            "staff": user,
            "tasks": [],  # filled by the documents module
            "upcoming_modules": UPCOMING_MODULES,
            "can_use_admin": user.is_active and user.is_staff,
        },
    )
