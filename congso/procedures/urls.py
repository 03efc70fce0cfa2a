from django.urls import path

from congso.procedures import views

app_name = "procedures"
urlpatterns = [
    path("", views.procedure_search_page, name="search"),
    path("quan-ly/sai-lech/", views.drift_page, name="drift"),
    path("<str:code>/", views.procedure_detail_page, name="detail"),
]
