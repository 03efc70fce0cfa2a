from django.urls import path

from congso.web import views

app_name = "web"
urlpatterns = [
    path("", views.public_home, name="public-home"),
]
