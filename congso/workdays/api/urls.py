from django.urls import path

from congso.workdays.api.views import AddWorkingDaysApi, HolidaysApi, IsWorkingDayApi

app_name = "workdays-api"
urlpatterns = [
    path("add-working-days/", AddWorkingDaysApi.as_view(), name="add-working-days"),
    path("is-working-day/", IsWorkingDayApi.as_view(), name="is-working-day"),
    path("holidays/", HolidaysApi.as_view(), name="holidays"),
]
