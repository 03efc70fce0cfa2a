from __future__ import annotations

from django.urls import path

from congso.portalsync import views

app_name = "portalsync"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("gui-lai/<int:outbox_id>/", views.resend, name="resend"),
    path("doi-soat/<int:run_id>.<str:fmt>", views.export, name="export"),
]
