"""Reading days and receipt times written by people (command line, query strings)."""

from __future__ import annotations

import re
from datetime import date, datetime

from django.utils.translation import gettext as _

from congso.workdays.calendar import LOCAL_TZ

_DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_day(value: str) -> date:
    """Read a day written YYYY-MM-DD. Raises ValueError with a Vietnamese message."""
    value = value.strip()
    try:
        if not _DAY_RE.match(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(
            _("Ngày “%(value)s” không hợp lệ; viết theo dạng YYYY-MM-DD, ví dụ 2019-02-01.")
            % {"value": value}
        ) from None


def parse_receipt(value: str) -> date | datetime:
    """Read a receipt: a day (YYYY-MM-DD) or a time (YYYY-MM-DDTHH:MM, optionally with offset).

    A time without an offset is local time in Asia/Ho_Chi_Minh.
    """
    value = value.strip()
    if _DAY_RE.match(value):
        return parse_day(value)
    try:
        if not _DAY_RE.match(value[:10]) or len(value) < 16:
            raise ValueError(value)
        received = datetime.fromisoformat(value)
        if received.tzinfo is not None:
            received.astimezone(LOCAL_TZ)  # a time at the ends of the calendar may not exist here
        return received
    except (ValueError, OverflowError):
        raise ValueError(
            _(
                "Thời điểm nhận “%(value)s” không hợp lệ; viết YYYY-MM-DD hoặc "
                "YYYY-MM-DDTHH:MM, ví dụ 2019-04-26T16:00."
            )
            % {"value": value}
        ) from None
