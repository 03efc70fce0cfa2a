"""The calendar reproduces standards.md §9 for 2019–2021 and counts deadlines as §5.4 says."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from congso.core.errors import ValidationFailed
from congso.workdays.calendar import (
    add_working_days,
    day_status,
    effective_receipt_day,
    holidays_in_year,
    is_working_day,
    next_working_day,
    parse_cutoff,
    working_days_between,
    working_weekend_days_in_year,
)
from congso.workdays.constants import DaySource

pytestmark = pytest.mark.django_db


def _span(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


# standards.md §9, weekdays off (weekend holidays are off anyway)
DAYS_OFF = {
    2019: [
        date(2019, 1, 1),
        *_span(date(2019, 2, 4), date(2019, 2, 8)),
        date(2019, 4, 15),
        date(2019, 4, 29),
        date(2019, 4, 30),
        date(2019, 5, 1),
        date(2019, 9, 2),
    ],
    2020: [
        date(2020, 1, 1),
        *[d for d in _span(date(2020, 1, 23), date(2020, 1, 29)) if d.weekday() < 5],
        date(2020, 4, 2),
        date(2020, 4, 30),
        date(2020, 5, 1),
        date(2020, 9, 2),
    ],
    2021: [
        date(2021, 1, 1),
        *[d for d in _span(date(2021, 2, 10), date(2021, 2, 16)) if d.weekday() < 5],
        date(2021, 4, 21),
        date(2021, 4, 30),
        date(2021, 5, 3),
        date(2021, 9, 2),
        date(2021, 9, 3),
    ],
}


@pytest.mark.parametrize(
    "day", [day for days in DAYS_OFF.values() for day in days], ids=lambda d: d.isoformat()
)
def test_standards_table_weekdays_off_are_not_working_days(day):
    # when
    status = day_status(day)
    # then
    assert day.weekday() < 5
    assert status.is_working_day is False
    assert status.source in {DaySource.PUBLIC_HOLIDAY, DaySource.DECISION}
    assert status.reason


@pytest.mark.parametrize("year", [2019, 2020, 2021])
def test_no_other_weekday_of_the_year_is_off(year):
    # when
    weekdays_off = [
        day for day in holidays_in_year(year) if day.weekday() < 5 and not is_working_day(day)
    ]
    # then
    assert weekdays_off == DAYS_OFF[year]


@pytest.mark.parametrize(
    ("day", "is_working", "reason_part"),
    [
        (date(2018, 12, 31), False, "05/01/2019"),  # swapped against Saturday 05/01/2019
        (date(2019, 1, 5), True, "31/12/2018"),  # working Saturday
        (date(2019, 4, 29), False, "04/5/2019"),  # swapped against Saturday 04/5/2019
        (date(2019, 5, 4), True, "29/4/2019"),  # working Saturday
        (date(2019, 4, 14), False, "Giỗ Tổ"),  # Giỗ Tổ on a Sunday …
        (date(2019, 4, 15), False, "nghỉ bù"),  # … observed on Monday
        (date(2019, 2, 5), False, "Tết Nguyên Đán"),
        (date(2020, 1, 25), False, "Tết Nguyên Đán"),
        (date(2021, 5, 3), False, "nghỉ bù"),
        (date(2019, 5, 11), False, "Thứ Bảy"),  # an ordinary Saturday
        (date(2019, 5, 12), False, "Chủ nhật"),
        (date(2019, 5, 13), True, "Ngày làm việc"),
    ],
)
def test_swaps_observed_days_and_weekends(day, is_working, reason_part):
    # when
    status = day_status(day)
    # then
    assert status.is_working_day is is_working
    assert reason_part in status.reason


@pytest.mark.parametrize(
    ("second_day", "is_working"),
    [
        (date(2019, 9, 3), True),  # Quốc khánh is one day up to 2020 (BLLĐ 2012, Art. 115)
        (date(2020, 9, 3), True),
        (date(2021, 9, 3), False),  # two days from 2021 (BLLĐ 2019, Art. 112)
        (date(2022, 9, 1), False),  # the adjacent day may be the one before
    ],
)
def test_national_day_grows_to_two_days_in_2021(second_day, is_working):
    assert is_working_day(second_day) is is_working


def test_working_saturdays_of_2019_are_listed():
    assert list(working_weekend_days_in_year(2019)) == [date(2019, 1, 5), date(2019, 5, 4)]
    assert working_weekend_days_in_year(2020) == {}


def test_due_date_counts_working_days_after_the_receipt_day():
    # given a Friday receipt with Tết (04–08/02/2019) in the way
    # when
    due_on = add_working_days(date(2019, 2, 1), 5, cutoff=None)
    # then: 11, 12, 13, 14, 15 February
    assert due_on == date(2019, 2, 15)


def test_zero_days_gives_the_effective_receipt_day():
    assert add_working_days(date(2019, 2, 2), 0, cutoff=None) == date(2019, 2, 11)


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (date(2019, 2, 2), date(2019, 2, 12)),  # Saturday before Tết → Monday 11/02 + 1
        (date(2019, 2, 5), date(2019, 2, 12)),  # on Tết itself
        (date(2019, 5, 4), date(2019, 5, 6)),  # on the working Saturday: counts that day
        (date(2019, 4, 28), date(2019, 5, 3)),  # Sunday before 29/4–1/5 → Thu 02/5 + 1
    ],
)
def test_receipt_on_a_day_off_takes_effect_on_the_next_working_day(received, expected):
    assert add_working_days(received, 1, cutoff=None) == expected


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        # Friday 26/4/2019 after 15:00 → Thursday 02/5 (29/4 swap, 30/4, 1/5 off);
        # +3 with Saturday 04/5 worked: 03/5, 04/5, 06/5
        (datetime(2019, 4, 26, 16, 0), date(2019, 5, 6)),
        (datetime(2019, 4, 26, 15, 0), date(2019, 5, 4)),  # at the cut-off still counts
        (datetime(2019, 4, 26, 15, 0, 1), date(2019, 5, 6)),
        (datetime(2019, 4, 26, 8, 0, 1, tzinfo=UTC), date(2019, 5, 6)),  # 15:00:01+07
        (datetime(2019, 4, 26, 7, 59, tzinfo=UTC), date(2019, 5, 4)),  # 14:59 local
        (datetime(2019, 4, 25, 20, 0, tzinfo=UTC), date(2019, 5, 4)),  # 03:00 on 26/4
    ],
)
def test_receipt_after_the_cutoff_counts_from_the_next_working_day(received, expected):
    assert add_working_days(received, 3, cutoff=time(15, 0)) == expected


def test_effective_receipt_day_of_a_late_friday_receipt():
    assert effective_receipt_day(datetime(2019, 4, 26, 16, 0), time(15, 0)) == date(2019, 5, 2)
    assert effective_receipt_day(datetime(2019, 4, 26, 16, 0), None) == date(2019, 4, 26)


@override_settings(CONGSO_CALENDAR_CUTOFF="15:00")
def test_configured_cutoff_applies_unless_the_caller_says_otherwise():
    late = datetime(2019, 4, 26, 16, 0)
    assert add_working_days(late, 3) == date(2019, 5, 6)
    assert add_working_days(late, 3, cutoff=None) == date(2019, 5, 4)
    assert add_working_days(late, 3, cutoff=time(17, 0)) == date(2019, 5, 4)


@override_settings(CONGSO_CALENDAR_CUTOFF="")
def test_no_cutoff_is_configured_by_default():
    assert add_working_days(datetime(2019, 4, 26, 23, 59), 3) == date(2019, 5, 4)


@override_settings(CONGSO_CALENDAR_CUTOFF="3pm")
def test_a_malformed_configured_cutoff_stops_loudly():
    with pytest.raises(ImproperlyConfigured):
        add_working_days(datetime(2019, 4, 26, 16, 0), 3)


@pytest.mark.parametrize(
    ("text", "expected"), [("15:00", time(15, 0)), ("8:30", time(8, 30)), ("", None)]
)
def test_parse_cutoff_reads_hours_and_minutes(text, expected):
    assert parse_cutoff(text) == expected


@pytest.mark.parametrize("text", ["15", "25:00", "15:60", "3pm", "15:00:00"])
def test_parse_cutoff_rejects_other_forms(text):
    with pytest.raises(ValueError, match="HH:MM"):
        parse_cutoff(text)


def test_negative_days_are_refused():
    with pytest.raises(ValidationFailed) as caught:
        add_working_days(date(2019, 2, 1), -1, cutoff=None)
    assert caught.value.code == "invalid_days"


def test_years_outside_the_calendar_are_refused():
    with pytest.raises(ValidationFailed) as caught:
        is_working_day(date(1990, 1, 2))
    assert caught.value.code == "invalid_date"


def test_counting_crosses_the_new_year():
    # given Tuesday 31/12/2019; 01/01/2020 is a holiday
    assert next_working_day(date(2019, 12, 31)) == date(2020, 1, 2)
    assert add_working_days(date(2019, 12, 31), 1, cutoff=None) == date(2020, 1, 2)
    assert working_days_between(date(2019, 12, 31), date(2020, 1, 2)) == 1


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2019, 2, 1), date(2019, 2, 15), 5),
        (date(2019, 2, 15), date(2019, 2, 1), -5),
        (date(2019, 2, 1), date(2019, 2, 1), 0),
        (date(2019, 2, 2), date(2019, 2, 3), 0),  # a weekend: nothing after Sat up to Sun
        (date(2019, 2, 3), date(2019, 2, 11), 1),  # start on a day off is not counted either
        (date(2019, 1, 1), date(2020, 1, 1), 252),  # 261 weekdays - 11 off + 2 Saturdays,
    ],
)
def test_working_days_between_counts_after_start_up_to_end(start, end, expected):
    assert working_days_between(start, end) == expected


def _naive_add(start: date, days: int) -> date:
    day = start
    while not is_working_day(day):
        day += timedelta(days=1)
    while days:
        day += timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def test_fast_counting_agrees_with_stepping_day_by_day():
    # given receipts on every day from mid-December 2018 to February 2022, several lengths
    starts = _span(date(2018, 12, 15), date(2022, 2, 1))[::3]
    for start in starts:
        for days in (1, 5, 15, 60, 200):
            # when
            due_on = add_working_days(start, days, cutoff=None)
            # then
            assert due_on == _naive_add(start, days), (start, days)
            if is_working_day(start):
                assert working_days_between(start, due_on) == days


def test_warm_calendar_answers_without_queries(django_assert_num_queries):
    # given the years are loaded once
    add_working_days(date(2019, 2, 1), 200, cutoff=None)
    # when / then
    with django_assert_num_queries(0):
        for offset in range(1000):
            add_working_days(date(2019, 1, 1) + timedelta(days=offset % 365), 200, cutoff=None)
