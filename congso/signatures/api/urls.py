from django.urls import path

from congso.signatures.api import external_views, views

app_name = "signatures-api"
urlpatterns = [
    path("validations/", views.ValidationListApi.as_view(), name="validations"),
    path("validations/<int:record_id>/", views.ValidationDetailApi.as_view(), name="validation"),
    path(
        "validations/<int:record_id>/recheck/",
        views.ValidationRecheckApi.as_view(),
        name="validation-recheck",
    ),
    path(
        "validations/<int:record_id>/pdf/", views.ValidationPdfApi.as_view(), name="validation-pdf"
    ),
    path("sign/person/", views.SignAsPersonApi.as_view(), name="sign-person"),
    path("sign/agency/", views.SignAsAgencyApi.as_view(), name="sign-agency"),
    path("external/prepare/", external_views.ExternalPrepareApi.as_view(), name="external-prepare"),
    path(
        "external/<uuid:session_id>/finish/",
        external_views.ExternalFinishApi.as_view(),
        name="external-finish",
    ),
]
