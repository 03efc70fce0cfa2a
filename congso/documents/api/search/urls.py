"""/api/v1/documents/search/ (mounted by congso/documents/api/urls.py)."""

from django.urls import path

from congso.documents.api.search import views

urlpatterns = [
    path("search/", views.DocumentSearchApi.as_view(), name="document-search"),
]
