from django.urls import path

from congso.signatures import views

app_name = "signatures"
urlpatterns = [
    path("bien-ban/<int:record_id>/", views.report_page, name="report"),
    path("bien-ban/<int:record_id>/pdf/", views.report_page_pdf, name="report-pdf"),
]
