"""The search page under /van-ban/tra-cuu/ (namespace "documents")."""

from django.urls import path

from congso.documents.views import search

urlpatterns = [
    path("", search.search_page, name="search"),
]
