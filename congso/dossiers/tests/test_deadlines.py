"""The deadline engine on the real 2019–2020 calendar (Tết 2020: 23–29/01; Tết 2019: 04–08/02)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from congso.dossiers import deadlines
from congso.workdays.calendar import LOCAL_TZ

pytestmark = pytest.mark.django_db


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL_TZ)


def test_friday_afternoon_receipt_of_three_day_procedure_crosses_tet_2020() -> None:
    # given: received Friday 17/01/2020 at 16:00, after the 15:00 cut-off
    received = at(2020, 1, 17, 16, 0)
    # when
    due = deadlines.due_at_for(received, Decimal("3"))
    # then: counts from Monday 20/01 → 21, 22, (Tết 23–29), 30/01 at the end of the day
    assert due == at(2020, 1, 30, 17, 0)


def test_receipt_before_the_cutoff_counts_from_the_same_day() -> None:
    # given: Friday 17/01/2020 at 14:59
    received = at(2020, 1, 17, 14, 59)
    # when
    due = deadlines.due_at_for(received, 3)
    # then: 20, 21, 22 January
    assert due == at(2020, 1, 22, 17, 0)


def test_cutoff_setting_is_honoured(settings: object) -> None:
    # given: no cut-off configured
    settings.DOSSIER_RECEIPT_CUTOFF = ""  # type: ignore[attr-defined]
    # when
    due = deadlines.due_at_for(at(2020, 1, 17, 16, 0), 3)
    # then
    assert due == at(2020, 1, 22, 17, 0)


def test_half_day_ends_at_noon_of_the_next_working_day() -> None:
    # given: Wednesday 22/01/2020 09:00, half a working day, Tết starting the next day
    # when
    due = deadlines.due_at_for(at(2020, 1, 22, 9, 0), Decimal("0.5"))
    # then
    assert due == at(2020, 1, 30, 12, 0)


def test_swapped_saturday_2019_is_a_working_day() -> None:
    # given: Friday 03/05/2019 (Saturday 04/05/2019 was worked in exchange for 29/04)
    # when
    due = deadlines.due_at_for(at(2019, 5, 3, 9, 0), 1)
    # then
    assert due == at(2019, 5, 4, 17, 0)


def test_pause_over_tet_2019_moves_the_due_date_by_working_days_only() -> None:
    # given: paused Friday 01/02/2019, resumed Monday 11/02/2019 (Tết 04–08/02)
    paused, resumed = at(2019, 2, 1, 10, 0), at(2019, 2, 11, 9, 0)
    # when
    days = deadlines.paused_working_days(paused, resumed)
    moved = deadlines.shift_by_working_days(at(2019, 2, 1, 17, 0), days)
    # then: only Monday 11/02 was a working day in between
    assert days == 1
    assert moved == at(2019, 2, 11, 17, 0)


def test_same_day_supplement_costs_nothing() -> None:
    assert deadlines.paused_working_days(at(2020, 3, 2, 9), at(2020, 3, 2, 16)) == 0


def test_step_outcomes() -> None:
    due = at(2020, 1, 30, 17, 0)
    assert deadlines.step_outcome(due, at(2020, 1, 22, 10, 0)) == "early"
    assert deadlines.step_outcome(due, at(2020, 1, 30, 16, 0)) == "on_time"
    assert deadlines.step_outcome(due, at(2020, 1, 31, 8, 0)) == "late"


def test_delay_is_attributed_to_whoever_held_the_dossier_each_day() -> None:
    # given: due Wed 22/01/2020; step A held it until Thu 30/01, step B from 30/01 to Mon 03/02
    due = at(2020, 1, 22, 17, 0)
    holdings = [
        deadlines.Holding("A", at(2020, 1, 20, 9), at(2020, 1, 30, 10)),
        deadlines.Holding("B", at(2020, 1, 30, 10), None),
    ]
    # when: the result is still not out on Monday 03/02
    attribution = deadlines.attribute_delay(due, at(2020, 2, 3, 11), holdings)
    # then: late days 30/01, 31/01, 03/02 (Tết and the weekend excluded), all held by B
    assert deadlines.delay_working_days(due, at(2020, 2, 3, 11)) == 3
    assert attribution == {"B": 3}


def test_delay_split_between_two_holders() -> None:
    # given: due Mon 02/03/2020; A holds to Wed 04/03, B from Thu 05/03
    due = at(2020, 3, 2, 17, 0)
    holdings = [
        deadlines.Holding("A", at(2020, 2, 25, 9), at(2020, 3, 4, 16)),
        deadlines.Holding("B", at(2020, 3, 5, 8), at(2020, 3, 6, 9)),
    ]
    # when
    attribution = deadlines.attribute_delay(due, at(2020, 3, 6, 9), holdings)
    # then: 03 and 04/03 → A, 05 and 06/03 → B
    assert attribution == {"A": 2, "B": 2}
