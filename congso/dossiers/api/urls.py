"""/api/v1/dossiers/… (mounted in config/urls.py)."""

from django.urls import path

from congso.dossiers.api import fees_stop, queue_state, views

app_name = "dossiers-api"
one = "<int:dossier_id>/"

urlpatterns = [
    path("", views.DossierListApi.as_view(), name="dossier-list"),
    path("lookup/", views.PublicLookupApi.as_view(), name="dossier-lookup"),
    path("counter/", views.CounterCreateApi.as_view(), name="dossier-counter-create"),
    path("overdue/", views.OverdueListApi.as_view(), name="dossier-overdue"),
    path("nearing-due/", views.NearingDueListApi.as_view(), name="dossier-nearing-due"),
    path(one, views.DossierDetailApi.as_view(), name="dossier-detail"),
    path(one + "events/", views.EventListApi.as_view(), name="dossier-events"),
    path(one + "files/", views.FileListApi.as_view(), name="dossier-files"),
    path(one + "files/upload/", views.FileAddApi.as_view(), name="dossier-file-add"),
    path(one + "submit/", views.SubmitApi.as_view(), name="dossier-submit"),
    path(one + "steps/", views.StepListApi.as_view(), name="dossier-steps"),
    path(one + "delay/", views.DelayApi.as_view(), name="dossier-delay"),
    path(one + "receive/", views.ReceiveApi.as_view(), name="dossier-receive"),
    path(
        one + "supplement-request/",
        views.SupplementRequestApi.as_view(),
        name="dossier-supplement-request",
    ),
    path(one + "supplement/", views.SupplementApi.as_view(), name="dossier-supplement"),
    path(one + "refuse/", views.RefuseApi.as_view(), name="dossier-refuse"),
    path(one + "forward/", views.ForwardApi.as_view(), name="dossier-forward"),
    path(one + "complete-step/", views.CompleteStepApi.as_view(), name="dossier-complete-step"),
    path(one + "extend/", views.ExtendApi.as_view(), name="dossier-extend"),
    path(one + "finish/", views.FinishApi.as_view(), name="dossier-finish"),
    path(one + "return/", views.ReturnApi.as_view(), name="dossier-return"),
    path(one + "rate/", views.RateApi.as_view(), name="dossier-rate"),
    path(one + "withdraw/", views.WithdrawApi.as_view(), name="dossier-withdraw"),
    path(one + "fee-request/", fees_stop.FeeRequestApi.as_view(), name="dossier-fee-request"),
    path(one + "fee-paid/", fees_stop.FeePaidApi.as_view(), name="dossier-fee-paid"),
    path(one + "stop/", fees_stop.StopApi.as_view(), name="dossier-stop"),
    path("queue/state/", queue_state.QueueStateApi.as_view(), name="queue-state"),
    path("queue/counters/<int:counter_id>/take/", views.QueueTakeApi.as_view(), name="queue-take"),
    path(
        "queue/counters/<int:counter_id>/call-next/",
        views.QueueCallNextApi.as_view(),
        name="queue-call-next",
    ),
]
