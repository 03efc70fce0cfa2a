"""Staff pages of the documents app, mounted at /van-ban/."""

from django.urls import include, path

app_name = "documents"
urlpatterns = [
    path("", include("congso.documents.urls.incoming")),
    path("di/", include("congso.documents.urls.outgoing")),
    path("tra-cuu/", include("congso.documents.urls.search")),
    path("bao-cao/", include("congso.documents.urls.reports")),
    path("ho-so/", include("congso.documents.urls.casefiles")),
]
