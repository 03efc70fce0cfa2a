from django.urls import path

from congso.payments import views

app_name = "payments"
urlpatterns = [
    path("ket-qua/", views.callback, name="callback"),
    path("doi-soat/", views.reconciliation, name="reconciliation"),
    path("doi-soat/xuat/", views.reconciliation_export, name="reconciliation-export"),
]
