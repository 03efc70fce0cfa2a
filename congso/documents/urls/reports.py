"""The reports page under /van-ban/bao-cao/ (namespace "documents")."""

from django.urls import path

from congso.documents.views import reports

urlpatterns = [
    path("", reports.reports_page, name="reports"),
]
