from django.urls import path

from congso.catalogues.api import views

app_name = "catalogues-api"
urlpatterns = [
    path("document-types/", views.DocumentTypeListApi.as_view(), name="document-type-list"),
    path("copy-kinds/", views.CopyKindListApi.as_view(), name="copy-kind-list"),
    path("urgency-levels/", views.UrgencyLevelListApi.as_view(), name="urgency-level-list"),
    path("secrecy-levels/", views.SecrecyLevelListApi.as_view(), name="secrecy-level-list"),
    path("procedure-fields/", views.ProcedureFieldListApi.as_view(), name="procedure-field-list"),
]
