from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from congso.core.api.handlers import api_not_found

api_patterns = [
    path("calendar/", include("congso.workdays.api.urls")),
    path("organizations/", include("congso.organizations.api.urls")),
    path("accounts/", include("congso.accounts.api.urls")),
    path("catalogues/", include("congso.catalogues.api.urls")),
    path("audit/", include("congso.audit.api.urls")),
    path("documents/", include("congso.documents.api.urls")),
    path("exchange/", include("congso.exchange.api.urls")),
    path("dossiers/", include("congso.dossiers.api.urls")),
    path("signatures/", include("congso.signatures.api.urls")),
    path("procedures/", include("congso.procedures.api.urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_patterns)),
    # any other address under api/v1/: the API's JSON 404, with DEBUG on too (handler404 is not)
    re_path(r"^api/v1/", api_not_found),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("van-ban/", include("congso.documents.urls")),
    path("lien-thong/", include("congso.exchange.urls")),
    path("chu-ky-so/", include("congso.signatures.urls")),
    path("thu-tuc/", include("congso.procedures.urls")),
    path("thanh-toan/", include("congso.payments.urls")),
    path("thanh-toan-thu/", include("congso.payments.testbank_urls")),
    path("dich-vu-cong/", include("congso.portal.urls")),
    path("mot-cua/", include("congso.dossiers.urls")),
    path("dong-bo-cong-dvc/", include("congso.portalsync.urls")),
    path("", include("congso.web.urls")),
]

# under /api/ Django's own error answers use the API's error format (congso.core.api.handlers)
handler400 = "congso.core.api.handlers.bad_request"
handler403 = "congso.core.api.handlers.permission_denied"
handler404 = "congso.core.api.handlers.page_not_found"
handler500 = "congso.core.api.handlers.server_error"
