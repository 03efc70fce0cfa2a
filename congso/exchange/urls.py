"""Connector pages under /lien-thong/ (namespace "exchange")."""

from django.urls import path

from congso.exchange import views

app_name = "exchange"
urlpatterns = [
    path("", views.exchange_overview, name="overview"),
    path("gui-lai/<int:outbox_id>/", views.failed_send_retry, name="failed-send-retry"),
    path("gui-di/", views.external_send_list, name="sends"),
    path("noi-nhan/<int:recipient_id>/yeu-cau-thu-hoi/", views.revoke_ask, name="revoke-ask"),
    path("thu-hoi/<int:request_id>/quyet-dinh/", views.revoke_decide, name="revoke-decide"),
]
