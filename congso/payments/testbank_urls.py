"""The local test bank, mounted at /thanh-toan-thu/ (a separate site in spirit: its own URLs)."""

from django.urls import path

from congso.payments import views

app_name = "testbank"
urlpatterns = [
    path("", views.test_bank_pay, name="pay"),
]
