"""URLs of the interchange hub deployment (`config.settings.hub`): its API and operator pages."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

urlpatterns = [
    path("api/v1/hub/", include("congso.hub.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="hub-api-schema"),
    path("hub/", include("congso.hub.urls")),
]
