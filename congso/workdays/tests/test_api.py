"""The public calendar API: contract and stable error codes."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_add_working_days_answers_anonymous_callers(client):
    # when
    response = client.get(
        reverse("workdays-api:add-working-days"), {"start": "2019-02-01", "days": "5"}
    )
    # then
    assert response.status_code == 200
    assert response.json() == {
        "start": "2019-02-01",
        "effective_receipt_day": "2019-02-01",
        "days": 5,
        "cutoff": None,
        "due_on": "2019-02-15",
    }


def test_add_working_days_applies_a_cutoff(client):
    # when
    response = client.get(
        reverse("workdays-api:add-working-days"),
        {"start": "2019-04-26T16:00", "days": "3", "cutoff": "15:00"},
    )
    # then
    assert response.json() == {
        "start": "2019-04-26T16:00+07:00",
        "effective_receipt_day": "2019-05-02",
        "days": 3,
        "cutoff": "15:00",
        "due_on": "2019-05-06",
    }


@override_settings(CONGSO_CALENDAR_CUTOFF="15:00")
@pytest.mark.parametrize(
    ("params", "cutoff", "due_on"),
    [
        ({}, "15:00", "2019-05-06"),  # the configured cut-off
        ({"cutoff": ""}, "15:00", "2019-05-06"),  # empty is the same as not sent
        ({"cutoff": "none"}, None, "2019-05-04"),  # explicitly none
        ({"cutoff": "17:00"}, "17:00", "2019-05-04"),
    ],
)
def test_add_working_days_says_which_cutoff_it_applied(client, params, cutoff, due_on):
    response = client.get(
        reverse("workdays-api:add-working-days"),
        {"start": "2019-04-26T16:00", "days": "3", **params},
    )
    assert (response.json()["cutoff"], response.json()["due_on"]) == (cutoff, due_on)


def test_an_aware_start_is_shown_in_local_time(client):
    response = client.get(
        reverse("workdays-api:add-working-days"),
        {"start": "2019-04-26T09:00+00:00", "days": "0"},
    )
    assert response.json()["start"] == "2019-04-26T16:00+07:00"


@pytest.mark.parametrize(
    ("params", "code", "field"),
    [
        ({"days": "5"}, "invalid_date", "start"),
        ({"start": "2019-02-30", "days": "5"}, "invalid_date", "start"),
        ({"start": "01/02/2019", "days": "5"}, "invalid_date", "start"),
        ({"start": "1990-02-01", "days": "5"}, "invalid_date", None),
        ({"start": "2019-02-01"}, "invalid_days", "days"),
        ({"start": "2019-02-01", "days": "năm"}, "invalid_days", "days"),
        ({"start": "2019-02-01", "days": "-1"}, "invalid_days", "days"),
        ({"start": "2019-02-01", "days": "100000"}, "invalid_days", "days"),
        ({"start": "0001-01-01T00:00+14:00", "days": "0"}, "invalid_date", "start"),
        ({"start": "9999-12-31T23:59-12:00", "days": "0"}, "invalid_date", "start"),
        ({"start": "2019-02-01", "days": "5", "cutoff": "3pm"}, "invalid_cutoff", "cutoff"),
        ({"start": "2019-02-01", "days": "5", "cutoff": "15"}, "invalid_cutoff", "cutoff"),
    ],
)
def test_add_working_days_rejects_bad_input_with_a_stable_code(client, params, code, field):
    # when
    response = client.get(reverse("workdays-api:add-working-days"), params)
    # then
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert list(error["fields"]) == ([field] if field else [])


@pytest.mark.parametrize(
    ("day", "is_working", "rule", "reason"),
    [
        ("2019-02-05", False, "public_holiday", "Tết Nguyên Đán"),
        ("2019-05-04", True, "decision", "Thứ Bảy làm bù cho ngày nghỉ 29/4/2019"),
        ("2019-05-11", False, "weekend", "Thứ Bảy"),
        ("2019-05-13", True, "weekday", "Ngày làm việc"),
    ],
)
def test_is_working_day_gives_the_reason(client, day, is_working, rule, reason):
    # when
    response = client.get(reverse("workdays-api:is-working-day"), {"day": day})
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["day"] == day
    assert (body["is_working_day"], body["rule"], body["reason"]) == (is_working, rule, reason)
    assert body["weekday"]


@pytest.mark.parametrize("params", [{}, {"day": "2019-13-01"}, {"day": "hôm nay"}])
def test_is_working_day_rejects_a_bad_day(client, params):
    response = client.get(reverse("workdays-api:is-working-day"), params)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_date"


def test_holidays_lists_days_off_and_working_saturdays(client, django_assert_max_num_queries):
    # when
    with django_assert_max_num_queries(2):
        response = client.get(reverse("workdays-api:holidays"), {"year": "2019"})
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["year"] == 2019
    assert [d["day"] for d in body["days_off"]][:3] == ["2019-01-01", "2019-02-04", "2019-02-05"]
    assert {"day": "2019-02-05", "weekday": "Thứ Ba", "reason": "Tết Nguyên Đán"} in body[
        "days_off"
    ]
    assert [d["day"] for d in body["working_weekend_days"]] == ["2019-01-05", "2019-05-04"]


@pytest.mark.parametrize("year", ["", "hai nghìn", "1990", "3000"])
def test_holidays_rejects_a_bad_year(client, year):
    response = client.get(reverse("workdays-api:holidays"), {"year": year})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_year"
