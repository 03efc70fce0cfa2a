from django.urls import path

from congso.exchange.api import views

app_name = "exchange-api"
urlpatterns = [
    path("incidents/", views.IncidentListApi.as_view(), name="incidents"),
    path("failed-sends/", views.FailedSendListApi.as_view(), name="failed-sends"),
    path(
        "failed-sends/<int:outbox_id>/retry/",
        views.FailedSendRetryApi.as_view(),
        name="failed-send-retry",
    ),
    path("sends/", views.ExternalSendListApi.as_view(), name="sends"),
    path(
        "recipients/<int:recipient_id>/statuses/",
        views.RecipientStatusListApi.as_view(),
        name="recipient-statuses",
    ),
    path(
        "recipients/<int:recipient_id>/revoke-request/",
        views.RevokeAskApi.as_view(),
        name="recipient-revoke-request",
    ),
    path("revoke-requests/", views.RevokeRequestListApi.as_view(), name="revoke-requests"),
    path(
        "revoke-requests/<int:request_id>/decide/",
        views.RevokeDecideApi.as_view(),
        name="revoke-request-decide",
    ),
]
