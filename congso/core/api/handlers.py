"""Django's error pages for requests that never reach a DRF view (a body too large, too many
fields, an unknown address, an unexpected crash): under /api/ they answer in the API's error
format, elsewhere with the site's pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

from congso.core.api.errors import error_body

API_PREFIX = "/api/"


def _api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not _api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        body = error_body("request_too_large", _("Dữ liệu gửi lên quá lớn."))
        return JsonResponse(body, status=413)
    if isinstance(exception, TooManyFieldsSent):
        body = error_body("too_many_fields", _("Yêu cầu có quá nhiều trường dữ liệu."))
        return JsonResponse(body, status=400)
    return JsonResponse(error_body("malformed_request", _("Yêu cầu không hợp lệ.")), status=400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not _api(request):
        return defaults.permission_denied(request, exception)
    body = error_body("permission_denied", _("Bạn không có quyền thực hiện thao tác này."))
    return JsonResponse(body, status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not _api(request):
        return defaults.page_not_found(request, exception)
    return JsonResponse(error_body("not_found", _("Không tìm thấy địa chỉ này.")), status=404)


def server_error(request: HttpRequest, *args: Any) -> HttpResponse:
    if not _api(request):
        return defaults.server_error(request)
    body = error_body("server_error", _("Lỗi máy chủ; sự cố đã được ghi lại."))
    return JsonResponse(body, status=500)


def api_not_found(request: HttpRequest) -> HttpResponse:
    """The last route under /api/v1/: an address that names nothing, whatever DEBUG says."""
    return page_not_found(request, Exception("no route"))
