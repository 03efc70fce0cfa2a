from django.urls import path

from congso.web.views import auth, directory, public, registration, staff

app_name = "web"
urlpatterns = [
    path("", public.public_home, name="public-home"),
    path("dang-nhap/", auth.staff_login, name="login"),
    path("dang-xuat/", auth.logout_view, name="logout"),
    path("cong-dan/", public.citizen_home, name="citizen-home"),
    path("cong-dan/dang-nhap/", auth.public_login, name="public-login"),
    path("cong-dan/dang-ky/", registration.register, name="register"),
    path("lam-viec/", staff.staff_home, name="staff-home"),
    path("to-chuc/", directory.agency_tree_page, name="agency-tree"),
    path("to-chuc/<int:agency_id>/", directory.agency_detail, name="agency-detail"),
    path("don-vi-hanh-chinh/", directory.admin_units_page, name="admin-units"),
]
