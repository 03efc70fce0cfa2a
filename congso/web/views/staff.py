"""The staff workspace (màn hình làm việc của cán bộ)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from congso.documents.selectors.incoming import assignments_of_user
from congso.documents.selectors.outgoing import outgoing_pending_review_for
from congso.web.guards import staff_required

TASKS_SHOWN = 10

# The parts in service, with the page each opens.
MODULES = [
    (
        _("Văn bản đến"),
        _("Tiếp nhận, vào sổ và phân xử lý văn bản đến."),
        "documents:incoming-list",
    ),
    (
        _("Văn bản đi"),
        _("Soạn thảo, trình ký, cấp số và phát hành văn bản đi."),
        "documents:outgoing-list",
    ),
    (
        _("Việc của tôi"),
        _("Văn bản được giao xử lý, hạn xử lý, văn bản quá hạn."),
        "documents:incoming-tasks",
    ),
    (
        _("Tra cứu văn bản"),
        _("Tìm theo nội dung, số, ký hiệu, loại, cơ quan ban hành."),
        "documents:search",
    ),
    (
        _("Hồ sơ công việc"),
        _("Lập hồ sơ, sắp xếp văn bản, xuất PDF và XML."),
        "documents:casefile-list",
    ),
    (
        _("Sổ đăng ký, báo cáo"),
        _("Sổ văn bản đến, đi và báo cáo giải quyết văn bản (PDF, Excel)."),
        "documents:reports",
    ),
]
# Parts of the platform that arrive with later modules; listed so staff see what is coming.
UPCOMING_MODULES = [
    (_("Hồ sơ một cửa"), _("Tiếp nhận và giải quyết hồ sơ thủ tục hành chính.")),
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
            "assignments": list(assignments_of_user(user=user)[:TASKS_SHOWN]),
            "reviews": list(outgoing_pending_review_for(user=user)[:TASKS_SHOWN]),
            "modules": MODULES,
            "upcoming_modules": UPCOMING_MODULES,
            "can_use_admin": user.is_active and user.is_staff,
        },
    )
