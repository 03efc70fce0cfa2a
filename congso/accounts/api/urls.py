from django.urls import path

from congso.accounts.api import views

app_name = "accounts-api"
urlpatterns = [
    path("me/", views.MeApi.as_view(), name="me"),
    path("users/", views.UserListCreateApi.as_view(), name="users"),
    path("users/<int:user_id>/unlock/", views.UserUnlockApi.as_view(), name="user-unlock"),
    path("delegations/", views.DelegationListCreateApi.as_view(), name="delegations"),
    path(
        "delegations/<int:delegation_id>/revoke/",
        views.DelegationRevokeApi.as_view(),
        name="delegation-revoke",
    ),
    path("citizens/register/", views.CitizenRegisterApi.as_view(), name="citizen-register"),
]
