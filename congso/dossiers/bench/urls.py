"""The urlconf of the benchmark server: the project's URLs plus a bare view as the baseline."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import include, path

BARE_PATH = "/__bench__/bare/"


def bare_view(request: HttpRequest) -> JsonResponse:
    """The baseline: a Django view that does nothing, behind the same middleware."""
    return JsonResponse({"ok": True})


urlpatterns = [path(BARE_PATH.strip("/") + "/", bare_view), path("", include("config.urls"))]
