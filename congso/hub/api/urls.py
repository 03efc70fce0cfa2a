from django.urls import path, re_path

from congso.hub.api import views

app_name = "hub-api"

urlpatterns = [
    path("health/", views.HealthApi.as_view(), name="health"),
    path("wait/", views.WaitApi.as_view(), name="wait"),
    path("messages/", views.MessageSendApi.as_view(), name="message-send"),
    path("messages/batch/", views.MessageBatchApi.as_view(), name="message-batch"),
    path("messages/ack/", views.MessageAckManyApi.as_view(), name="message-ack-many"),
    path("messages/received/", views.MessageReceivedListApi.as_view(), name="message-received"),
    path("messages/<uuid:message_id>/", views.MessageContentApi.as_view(), name="message-get"),
    path("messages/<uuid:message_id>/ack/", views.MessageAckApi.as_view(), name="message-ack"),
    path("statuses/", views.StatusSendApi.as_view(), name="status-send"),
    path("statuses/batch/", views.StatusBatchApi.as_view(), name="status-batch"),
    path("statuses/ack/", views.StatusAckManyApi.as_view(), name="status-ack-many"),
    path("statuses/received/", views.StatusReceivedListApi.as_view(), name="status-received"),
    path("statuses/<uuid:message_id>/", views.StatusContentApi.as_view(), name="status-get"),
    path("statuses/<uuid:message_id>/ack/", views.StatusAckApi.as_view(), name="status-ack"),
    # last: any other path (an id that is not a canonical UUID, a missing slash, a typo) gets
    # the hub's JSON 404, not Django's HTML page
    re_path(r"^.*$", views.NotFoundApi.as_view(), name="not-found"),
]
