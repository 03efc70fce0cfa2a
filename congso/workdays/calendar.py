"""The working-day calendar (lịch ngày làm việc) used for every deadline counted in working days.

A day is worked or not by these rules, later rules overriding earlier ones (standards.md §9, §5.4):

1. Monday to Friday are working days, Saturday and Sunday are not (40-hour week of state
   agencies, QĐ 188/1999/QĐ-TTg) [C].
2. Public holidays of the `holidays` package (`country_holidays("VN")`), with its observed days
   (nghỉ bù, Bộ luật Lao động 2012 Điều 115 / 2019 Điều 112) and the day swaps it knows of
   (a weekday off and a Saturday worked in exchange, e.g. 29/4/2019 ↔ 04/5/2019). Quốc khánh is
   one day up to 2020 and two from 2021; the package (0.109) already has the second day, which the
   tests pin.
3. The editable `CalendarDecision` table (`services.calendar_decision_set`), which overrides both.

A deadline of N working days ends on the Nth working day after the effective receipt day, the
receipt day itself not counted. A receipt on a day that is not worked, or after the cut-off time
when one applies, takes effect on the next working day. Times are read in Asia/Ho_Chi_Minh: an
aware datetime is converted first, a naive one is taken as local time already.

Cut-off: `add_working_days` applies `settings.CONGSO_CALENDAR_CUTOFF` unless told otherwise;
pass `cutoff=None` for no cut-off or a `time` for another one. `effective_receipt_day` has no
default: its caller says which cut-off applies, `SETTINGS_CUTOFF` included.

The whole calendar of a year is computed once per process and kept in memory; it is dropped after
a decision changes (on commit, by the services) and, for changes made by other processes, when a
cheap check of the decision table (at most every `CONGSO_CALENDAR_RECHECK_SECONDS`, default 60)
finds it changed.
"""

from __future__ import annotations

import enum
import re
import threading
import time as monotonic_clock
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache
from typing import Final, Literal, TypeAlias
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congso.core.errors import ValidationFailed
from congso.workdays.constants import DaySource
from congso.workdays.models import CalendarDayKind, CalendarDecision

LOCAL_TZ: Final = ZoneInfo("Asia/Ho_Chi_Minh")
# Years the calendar answers for: the rules above are those of the 40-hour week (since 1999).
FIRST_YEAR: Final = 2000
LAST_YEAR: Final = 2100
DEFAULT_RECHECK_SECONDS: Final = 60

_CUTOFF_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_WEEKDAY_NAMES: Final = (
    gettext_lazy("Thứ Hai"),
    gettext_lazy("Thứ Ba"),
    gettext_lazy("Thứ Tư"),
    gettext_lazy("Thứ Năm"),
    gettext_lazy("Thứ Sáu"),
    gettext_lazy("Thứ Bảy"),
    gettext_lazy("Chủ nhật"),
)


class CutoffDefault(enum.Enum):
    SETTINGS = "settings"


#: Use `settings.CONGSO_CALENDAR_CUTOFF` (the default of `add_working_days`).
SETTINGS_CUTOFF: Final = CutoffDefault.SETTINGS
Cutoff: TypeAlias = time | None | Literal[CutoffDefault.SETTINGS]


@dataclass(frozen=True, slots=True)
class DayStatus:
    day: date
    is_working_day: bool
    source: DaySource
    reason: str


# --- Cut-off ---------------------------------------------------------------------------------


def parse_cutoff(value: str) -> time | None:
    """Read a cut-off written "HH:MM" (24-hour); "" means no cut-off. Raises ValueError."""
    value = value.strip()
    if not value:
        return None
    match = _CUTOFF_RE.match(value)
    if match is None:
        raise ValueError(_("Giờ chốt phải có dạng HH:MM (ví dụ 15:00)."))
    return time(int(match.group(1)), int(match.group(2)))


@lru_cache(maxsize=8)
def _cutoff_from_setting(value: str) -> time | None:
    try:
        return parse_cutoff(value)
    except ValueError as error:
        raise ImproperlyConfigured(
            f"CONGSO_CALENDAR_CUTOFF={value!r} is not a time written HH:MM"
        ) from error


def default_cutoff() -> time | None:
    """The cut-off configured by `CONGSO_CALENDAR_CUTOFF` ("" = none)."""
    return _cutoff_from_setting(settings.CONGSO_CALENDAR_CUTOFF)


def _resolve_cutoff(cutoff: Cutoff) -> time | None:
    if cutoff is CutoffDefault.SETTINGS:
        return default_cutoff()
    return cutoff


# --- The cached year tables ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _YearTable:
    year: int
    jan1: int  # ordinal of 1 January
    flags: bytes  # one byte per day of the year: 1 = working day
    working: tuple[int, ...]  # ordinals of the working days, ascending
    notes: dict[date, tuple[DaySource, str]]  # holidays, swaps and decisions, with their reason

    def is_working(self, day: date) -> bool:
        return self.flags[day.toordinal() - self.jan1] == 1


_Decisions: TypeAlias = dict[date, tuple[str, str]]
_Signature: TypeAlias = tuple[int, int | None, datetime | None]


class _Cache:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.tables: dict[int, _YearTable] = {}
        self.decisions: _Decisions | None = None
        self.signature: _Signature | None = None
        self.checked_at = float("-inf")


_cache = _Cache()


def calendar_cache_clear() -> None:
    """Forget every computed year; the next question reloads holidays and decisions."""
    with _cache.lock:
        _cache.tables = {}
        _cache.decisions = None
        _cache.signature = None
        _cache.checked_at = float("-inf")


def _recheck_seconds() -> float:
    return float(getattr(settings, "CONGSO_CALENDAR_RECHECK_SECONDS", DEFAULT_RECHECK_SECONDS))


def _decisions_signature() -> _Signature:
    row = CalendarDecision.objects.aggregate(
        count=Count("id"), last_id=Max("id"), last_change=Max("updated_at")
    )
    return (row["count"], row["last_id"], row["last_change"])


def _refresh_if_due() -> None:
    """Drop the tables when the decision table changed in another process (or was rolled back)."""
    now = monotonic_clock.monotonic()
    if now - _cache.checked_at < _recheck_seconds():
        return
    signature = _decisions_signature()
    with _cache.lock:
        if _cache.signature is not None and signature != _cache.signature:
            _cache.tables = {}
            _cache.decisions = None
        _cache.signature = signature
        _cache.checked_at = now


def _load_decisions() -> tuple[_Decisions, _Signature]:
    rows = list(CalendarDecision.objects.values_list("id", "day", "kind", "reason", "updated_at"))
    decisions = {day: (kind, reason) for _id, day, kind, reason, _at in rows}
    signature: _Signature = (
        len(rows),
        max((row[0] for row in rows), default=None),
        max((row[4] for row in rows), default=None),
    )
    return decisions, signature


def _build_year(year: int, decisions: _Decisions) -> _YearTable:
    # Swaps that cross a year boundary (31/12/2018 off for Saturday 05/01/2019) are listed by
    # the package under the neighbouring year, hence the three years.
    package = holidays.country_holidays("VN", years=(year - 1, year, year + 1), language="vi")
    notes: dict[date, tuple[DaySource, str]] = {}
    overrides: dict[date, bool] = {}
    for day, name in package.items():
        if day.year == year:
            notes[day] = (DaySource.PUBLIC_HOLIDAY, str(name))
            overrides[day] = False
    for day in package.weekend_workdays:
        if day.year == year:
            notes[day] = (DaySource.SUBSTITUTE_WORKDAY, _("Ngày làm việc bù (hoán đổi ngày nghỉ)"))
            overrides[day] = True
    for day, (kind, reason) in decisions.items():
        if day.year == year:
            notes[day] = (DaySource.DECISION, reason)
            overrides[day] = kind == CalendarDayKind.WORKING_DAY
    jan1 = date(year, 1, 1).toordinal()
    length = date(year + 1, 1, 1).toordinal() - jan1
    flags = bytearray(length)
    for offset in range(length):
        flags[offset] = 1 if (jan1 + offset) % 7 not in (6, 0) else 0  # ordinal % 7: 6=Sat, 0=Sun
    for day, is_working in overrides.items():
        flags[day.toordinal() - jan1] = 1 if is_working else 0
    working = tuple(jan1 + offset for offset in range(length) if flags[offset])
    return _YearTable(year=year, jan1=jan1, flags=bytes(flags), working=working, notes=notes)


def _check_year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationFailed(
            _("Lịch làm việc chỉ tính cho các năm từ %(first)d đến %(last)d.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
            code="invalid_date",
        )
    return year


def _table(year: int) -> _YearTable:
    _refresh_if_due()
    table = _cache.tables.get(year)
    if table is not None:
        return table
    _check_year(year)
    with _cache.lock:
        table = _cache.tables.get(year)
        if table is None:
            if _cache.decisions is None:
                _cache.decisions, _cache.signature = _load_decisions()
            table = _build_year(year, _cache.decisions)
            _cache.tables[year] = table
    return table


# --- Questions about days --------------------------------------------------------------------


def local_day(value: date | datetime) -> date:
    """The calendar day of `value` in Asia/Ho_Chi_Minh (naive datetimes are taken as local)."""
    if isinstance(value, datetime):
        if value.tzinfo is not None and value.utcoffset() is not None:
            value = value.astimezone(LOCAL_TZ)
        return value.date()
    return value


def weekday_name(day: date) -> str:
    return str(_WEEKDAY_NAMES[day.weekday()])


def is_working_day(day: date) -> bool:
    day = local_day(day)
    return _table(day.year).is_working(day)


def day_status(day: date) -> DayStatus:
    """Whether `day` is worked, which rule says so and why (the holiday's or decision's name)."""
    day = local_day(day)
    table = _table(day.year)
    working = table.is_working(day)
    note = table.notes.get(day)
    if note is not None:
        source, reason = note
    elif day.weekday() >= 5:
        source, reason = DaySource.WEEKEND, weekday_name(day)
    else:
        source, reason = DaySource.WEEKDAY, _("Ngày làm việc")
    return DayStatus(day=day, is_working_day=working, source=source, reason=reason)


def next_working_day(day: date) -> date:
    """The first working day strictly after `day`."""
    day = local_day(day)
    year = day.year
    table = _table(year)
    index = bisect_right(table.working, day.toordinal())
    while index >= len(table.working):
        year += 1
        table = _table(year)
        index = 0
    return date.fromordinal(table.working[index])


def effective_receipt_day(received: date | datetime, cutoff: Cutoff) -> date:
    """The working day from which a deadline runs (ngày tiếp nhận có hiệu lực).

    A receipt on a working day, at or before the cut-off when one applies, counts that day; one
    on a day off or after the cut-off counts from the next working day. A plain date has no time,
    so no cut-off applies to it. `cutoff`: a time, None for none, or `SETTINGS_CUTOFF`.
    """
    limit = _resolve_cutoff(cutoff)
    at: time | None = None
    if isinstance(received, datetime):
        if received.tzinfo is not None and received.utcoffset() is not None:
            received = received.astimezone(LOCAL_TZ)
        at = received.time()
    day = local_day(received)
    if at is not None and limit is not None and at > limit:
        return next_working_day(day)
    if is_working_day(day):
        return day
    return next_working_day(day)


def add_working_days(
    received: date | datetime, days: int, cutoff: Cutoff = SETTINGS_CUTOFF
) -> date:
    """The due date (hạn giải quyết) of `days` working days counted from a receipt.

    It is the `days`-th working day after the effective receipt day, which is not counted itself;
    0 days gives the effective receipt day. Deadlines of procedures are set in working days
    (standards.md §5.4); days off and swaps follow §9. `cutoff` defaults to the configured one.
    """
    if days < 0:
        raise ValidationFailed(
            _("Số ngày làm việc không được âm."), code="invalid_days", field="days"
        )
    start = effective_receipt_day(received, cutoff)
    table = _table(start.year)
    index = bisect_left(table.working, start.toordinal()) + days
    year = start.year
    while index >= len(table.working):
        index -= len(table.working)
        year += 1
        table = _table(year)
    return date.fromordinal(table.working[index])


def _working_days_up_to(table: _YearTable, day: date) -> int:
    return bisect_right(table.working, day.toordinal())


def working_days_between(start: date, end: date) -> int:
    """How many working days lie after `start`, up to and including `end`.

    `start` itself is never counted, so `working_days_between(d, add_working_days(d, n)) == n` for
    a working day `d` with no cut-off. The same day gives 0; an `end` before `start` gives the
    negative of `working_days_between(end, start)`.
    """
    start, end = local_day(start), local_day(end)
    if end < start:
        return -working_days_between(end, start)
    first = _table(start.year)
    count = -_working_days_up_to(first, start)
    for year in range(start.year, end.year):
        count += len(_table(year).working)
    return count + _working_days_up_to(_table(end.year), end)


def holidays_in_year(year: int) -> dict[date, str]:
    """The days off of `year` other than ordinary weekends, with their names, in date order.

    Holidays falling on a weekend are listed too (their observed day follows as its own entry);
    a holiday a decision turned into a working day is not.
    """
    table = _table(year)
    return {
        day: reason
        for day, (_source, reason) in sorted(table.notes.items())
        if not table.is_working(day)
    }


def working_weekend_days_in_year(year: int) -> dict[date, str]:
    """Saturdays and Sundays of `year` that are working days (làm bù), with the reason."""
    table = _table(year)
    return {
        day: reason
        for day, (_source, reason) in sorted(table.notes.items())
        if day.weekday() >= 5 and table.is_working(day)
    }
