from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

api_patterns = [
    path("calendar/", include("congso.workdays.api.urls")),
    path("organizations/", include("congso.organizations.api.urls")),
    path("accounts/", include("congso.accounts.api.urls")),
    path("catalogues/", include("congso.catalogues.api.urls")),
    path("audit/", include("congso.audit.api.urls")),
    path("documents/", include("congso.documents.api.urls")),
    path("signatures/", include("congso.signatures.api.urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_patterns)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("van-ban/", include("congso.documents.urls")),
    path("chu-ky-so/", include("congso.signatures.urls")),
    path("", include("congso.web.urls")),
]
