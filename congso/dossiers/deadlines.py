"""The deadline engine of dossiers: pure functions over the working-day calendar.

Rules (standards.md §5.2, §5.4, §9; anchors.md §2.4 rule 1):
- The legal time of a procedure and the budget of each internal step are working days
  (Decimal, halves allowed). The clock starts at the receipt of a complete dossier; a receipt
  on a day off or after the receipt cut-off (`DOSSIER_RECEIPT_CUTOFF`, default 15:00 [C]) counts
  from the next working day.
- A due date of N whole working days is the Nth working day after the effective receipt day, at
  the end of the working day (`DOSSIER_WORKDAY_END`, default 17:00). A half day (N.5) ends at
  noon of working day N+1: "half of the next working day".
- A request to supplement pauses the clock; on resume the due dates move by the working days
  paused (`paused_working_days`: working days after the pause day up to and including the
  resume day, so a same-day supplement costs nothing), keeping their time of day.
- A step ends early (before its due day), on time (on its due day, not after the due time) or
  late.
- Delay (working days after the legal due day until the result, or until now) is attributed day
  by day to whoever held the dossier on that day (`attribute_delay`).

The calendar (congso.workdays.calendar) reads the holiday table; nothing here writes anything.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_CEILING, Decimal

from django.conf import settings

from congso.workdays.calendar import (
    LOCAL_TZ,
    add_working_days,
    local_day,
    next_working_day,
    parse_cutoff,
    working_days_between,
)

NOON = time(12, 0)
MAX_DELAY_DAYS = 2000  # a safety bound for the day-by-day attribution


def receipt_cutoff() -> time | None:
    return parse_cutoff(getattr(settings, "DOSSIER_RECEIPT_CUTOFF", "15:00") or "")


def workday_end() -> time:
    return parse_cutoff(getattr(settings, "DOSSIER_WORKDAY_END", "17:00") or "17:00") or time(17, 0)


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=LOCAL_TZ)


def due_at_for(start: datetime, days: Decimal | int | float, *, cutoff: bool = True) -> datetime:
    """When `days` working days counted from `start` end (an aware local datetime).

    `cutoff=False` for internal hand-overs received before the cut-off rule applies (not used
    by default: hand-overs "sau 15 giờ" also count from the next working day, §5.2).
    """
    amount = Decimal(str(days))
    if amount < 0:
        raise ValueError("days must not be negative")
    whole = int(amount)
    limit = receipt_cutoff() if cutoff else None
    if amount == whole:
        return _at(add_working_days(start, whole, cutoff=limit), workday_end())
    rounded = int(amount.to_integral_value(rounding=ROUND_CEILING))
    return _at(add_working_days(start, rounded, cutoff=limit), NOON)


def effective_start_day(start: datetime) -> date:
    """The working day the clock starts on (after the cut-off: the next one)."""
    return add_working_days(start, 0, cutoff=receipt_cutoff())


def paused_working_days(paused_at: datetime, resumed_at: datetime) -> int:
    """Working days the clock stood still: after the pause day, up to the resume day."""
    return max(0, working_days_between(local_day(paused_at), local_day(resumed_at)))


def shift_by_working_days(moment: datetime, days: int) -> datetime:
    """`moment` moved `days` working days later, same local time of day."""
    if days <= 0:
        return moment
    local = moment.astimezone(LOCAL_TZ)
    day = add_working_days(local.date(), days, cutoff=None)
    return datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=LOCAL_TZ)


def step_outcome(due_at: datetime, finished_at: datetime) -> str:
    """ "early", "on_time" or "late" (Mẫu 05 column "Kết quả giải quyết hồ sơ")."""
    if finished_at > due_at:
        return "late"
    if local_day(finished_at) < local_day(due_at):
        return "early"
    return "on_time"


def delay_working_days(due_at: datetime, until: datetime) -> int:
    """Working days after the due day up to `until` (0 when not late)."""
    if until <= due_at:
        return 0
    return max(0, working_days_between(local_day(due_at), local_day(until)))


def remaining_working_days(due_at: datetime, now: datetime) -> int:
    """Working days from today until the due day (0 on the due day, negative once late)."""
    return working_days_between(local_day(now), local_day(due_at))


@dataclass(frozen=True, slots=True)
class Holding:
    """Who held the dossier from `start` to `end` (None: still holds it)."""

    key: Hashable
    start: datetime
    end: datetime | None


def late_days(due_at: datetime, until: datetime) -> list[date]:
    """The working days of delay: after the due day, up to the day of `until`."""
    if until <= due_at:
        return []
    days: list[date] = []
    day = local_day(due_at)
    last = local_day(until)
    while len(days) < MAX_DELAY_DAYS:
        day = next_working_day(day)
        if day > last:
            break
        days.append(day)
    return days


def attribute_delay(
    due_at: datetime, until: datetime, holdings: Sequence[Holding]
) -> dict[Hashable, int]:
    """Each working day of delay, attributed to the holding that had the dossier that day.

    When hand-overs happen on a delayed day, the holding that received it last that day gets it
    (it held the dossier at the end of the day). Days no holding covers go to the key None.
    """
    result: dict[Hashable, int] = {}
    ordered = sorted(holdings, key=lambda holding: holding.start)
    for day in late_days(due_at, until):
        holder: Hashable = None
        for holding in ordered:
            if local_day(holding.start) > day:
                break
            if holding.end is None or local_day(holding.end) >= day:
                holder = holding.key
        result[holder] = result.get(holder, 0) + 1
    return result


def total_days(values: Iterable[Decimal]) -> Decimal:
    return sum(values, Decimal("0"))
