from django.urls import include, path

app_name = "documents-api"
urlpatterns = [
    path("", include("congso.documents.api.incoming.urls")),
    path("", include("congso.documents.api.outgoing.urls")),
    path("", include("congso.documents.api.search.urls")),
    path("", include("congso.documents.api.reports.urls")),
]
