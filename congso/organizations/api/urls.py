from django.urls import path

from congso.organizations.api import views

app_name = "organizations-api"
urlpatterns = [
    path("agencies/", views.AgencyListApi.as_view(), name="agency-list"),
    path("agencies/tree/", views.AgencyTreeApi.as_view(), name="agency-tree"),
    path("agencies/<int:agency_id>/", views.AgencyDetailApi.as_view(), name="agency-detail"),
    path(
        "administrative-units/",
        views.AdministrativeUnitListApi.as_view(),
        name="administrative-unit-list",
    ),
]
