"""Fallback URLconf for these tests while config/urls.py mounts apps still being written.

`conftest.py` uses it only when `config.urls` cannot be imported.
"""

from django.urls import include, path

urlpatterns = [
    path("api/v1/procedures/", include("congso.procedures.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("van-ban/", include("congso.documents.urls")),
    path("thu-tuc/", include("congso.procedures.urls")),
    path("", include("congso.web.urls")),
]
