"""Vietnamese wording shared by the forms: dates, times, working days, labels.

Dates follow Nghị định 30/2020 (days below 10 and the months 1 and 2 take a leading zero);
times on the one-stop forms read "… giờ … phút, ngày … tháng … năm …" (TT 01/2018/TT-VPCP).
Aware datetimes are shown in Vietnam's time (UTC+7, no summer time).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
BLANK = "…"
BLANK_LINE = "……………………………"

RESULT_CHANNELS = {
    "counter": "Bộ phận tiếp nhận và trả kết quả",
    "post": "Nhà riêng, trụ sở (qua dịch vụ bưu chính công ích)",
    "online": "Trực tuyến (Cổng dịch vụ công)",
}
OUTCOMES = {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn"}


def local(value: datetime) -> datetime:
    """A naive local datetime: aware values are converted to Vietnam's time first."""
    if value.tzinfo is not None:
        value = value.astimezone(VIETNAM)
    return value.replace(tzinfo=None)


def day_text(day: int) -> str:
    return f"{day:02d}"


def month_text(month: int) -> str:
    """Months 1 and 2 take a leading zero ("01", "02"); the others do not."""
    return f"{month:02d}" if month <= 2 else str(month)


def date_words(value: date | None) -> str:
    """ "ngày 05 tháng 3 năm 2020"; blanks to fill by hand when the date is unknown."""
    if value is None:
        return f"ngày {BLANK} tháng {BLANK} năm {BLANK}"
    if isinstance(value, datetime):
        value = local(value).date()
    return f"ngày {day_text(value.day)} tháng {month_text(value.month)} năm {value.year}"


def moment_words(value: datetime | None) -> str:
    """ "15 giờ 30 phút, ngày 05 tháng 3 năm 2020" (Mẫu 01, 05)."""
    if value is None:
        return f"{BLANK} giờ {BLANK} phút, {date_words(None)}"
    shown = local(value)
    return f"{shown.hour:02d} giờ {shown.minute:02d} phút, {date_words(shown.date())}"


def place_date_line(place: str, value: date | None) -> str:
    """ "Kon Tum, ngày 05 tháng 3 năm 2020" under the national motto."""
    return f"{place}, {date_words(value)}" if place else date_words(value).capitalize()


def short_moment(value: datetime | None) -> str:
    """ "05/03/2020 15:30" for the columns of the tracking book."""
    return local(value).strftime("%d/%m/%Y %H:%M") if value else ""


def number_text(value: Decimal | int | float) -> str:
    """10 → "10", Decimal("0.5") → "0,5" (Vietnamese decimal comma)."""
    amount = Decimal(str(value)).normalize()
    text = format(amount, "f")
    return text.replace(".", ",")


def working_days(value: Decimal | int | float) -> str:
    return f"{number_text(value)} ngày làm việc"


def count_text(value: int) -> str:
    """Counts on forms are written with two digits: 1 → "01"."""
    return f"{value:02d}"
