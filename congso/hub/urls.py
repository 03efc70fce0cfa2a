from django.urls import path

from congso.hub.views import operator

app_name = "hub-ui"

urlpatterns = [
    path("", operator.dashboard, name="dashboard"),
    path("thanh-vien/", operator.members, name="members"),
    path("dang-nhap/", operator.OperatorLoginView.as_view(), name="login"),
    path("dang-xuat/", operator.OperatorLogoutView.as_view(), name="logout"),
]
