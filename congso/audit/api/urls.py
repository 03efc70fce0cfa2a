from django.urls import path

from congso.audit.api.views import AuditEntryListApi

app_name = "audit-api"
urlpatterns = [
    path("entries/", AuditEntryListApi.as_view(), name="entries"),
]
