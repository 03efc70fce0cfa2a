from django.urls import path

from congso.procedures.api import views

app_name = "procedures-api"
urlpatterns = [
    path("", views.ProcedureListApi.as_view(), name="list"),
    path("import/", views.ProcedureImportApi.as_view(), name="import"),
    path("export/", views.ProcedureExportApi.as_view(), name="export"),
    path("drift/", views.ProcedureDriftApi.as_view(), name="drift"),
    path("<str:code>/", views.ProcedureDetailApi.as_view(), name="detail"),
]
