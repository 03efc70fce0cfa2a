"""`congso calendar ...`: ask the working-day calendar from the command line."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from congso.core.errors import CongsoError
from congso.workdays.calendar import (
    SETTINGS_CUTOFF,
    Cutoff,
    add_working_days,
    day_status,
    effective_receipt_day,
    holidays_in_year,
    parse_cutoff,
    weekday_name,
    working_days_between,
    working_weekend_days_in_year,
)
from congso.workdays.parsing import parse_day, parse_receipt

HELP = """Lịch ngày làm việc (standards.md §9).

  add-working-days START N [--cutoff HH:MM | --no-cutoff]
      In hạn giải quyết: ngày làm việc thứ N sau ngày tiếp nhận có hiệu lực.
      START là YYYY-MM-DD hoặc YYYY-MM-DDTHH:MM (giờ Việt Nam). Không có --cutoff/--no-cutoff
      thì dùng giờ chốt CONGSO_CALENDAR_CUTOFF. `congso calendar -v 2 add-working-days ...`
      in thêm ngày tiếp nhận có hiệu lực.
  is-working-day DAY
      In "có" hoặc "không" và lý do. Mã thoát: 0 = ngày làm việc, 1 = ngày nghỉ,
      2 = tham số sai (như `test` trong shell).
  working-days-between A B
      In số ngày làm việc sau A đến hết B (âm nếu B trước A).
  holidays YEAR
      Liệt kê các ngày nghỉ lễ, Tết, nghỉ bù của năm và các ngày cuối tuần phải làm việc.

Tên lệnh con viết bằng gạch ngang; dạng gạch dưới (add_working_days) cũng được nhận.
Tham số sai → thông báo lỗi, mã thoát 2."""

USAGE_ERROR = 2


def _argument_type(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    def convert(value: str) -> Any:
        try:
            return parse(value)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    convert.__name__ = parse.__name__
    return convert


def _year(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ValueError(
            _("Năm “%(value)s” không hợp lệ; viết 4 chữ số, ví dụ 2019.") % {"value": value}
        ) from None


def _day_count(value: str) -> int:
    message = _("Số ngày “%(value)s” không hợp lệ; viết một số nguyên ≥ 0.") % {"value": value}
    try:
        days = int(value)
    except ValueError:
        raise ValueError(message) from None
    if days < 0:
        raise ValueError(message)
    return days


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")

        add = commands.add_parser(
            "add-working-days",
            aliases=["add_working_days"],
            help="hạn giải quyết sau N ngày làm việc",
        )
        add.set_defaults(handler="add_working_days")
        add.add_argument("start", type=_argument_type(parse_receipt), metavar="START")
        add.add_argument("days", type=_argument_type(_day_count), metavar="N")
        cutoff = add.add_mutually_exclusive_group()
        cutoff.add_argument(
            "--cutoff",
            type=_argument_type(parse_cutoff),
            metavar="HH:MM",
            help="giờ chốt: nhận sau giờ này tính từ ngày làm việc kế tiếp",
        )
        cutoff.add_argument("--no-cutoff", action="store_true", help="không áp dụng giờ chốt")

        check = commands.add_parser(
            "is-working-day",
            aliases=["is_working_day"],
            help="có phải ngày làm việc không (mã thoát 0/1)",
        )
        check.set_defaults(handler="is_working_day")
        check.add_argument("day", type=_argument_type(parse_day), metavar="DAY")

        between = commands.add_parser(
            "working-days-between",
            aliases=["working_days_between"],
            help="số ngày làm việc sau A đến hết B",
        )
        between.set_defaults(handler="working_days_between")
        between.add_argument("start", type=_argument_type(parse_day), metavar="A")
        between.add_argument("end", type=_argument_type(parse_day), metavar="B")

        listing = commands.add_parser("holidays", help="các ngày nghỉ trong năm")
        listing.set_defaults(handler="holidays")
        listing.add_argument("year", type=_argument_type(_year), metavar="YEAR")

    def handle(self, *args: Any, **options: Any) -> None:
        handler = getattr(self, f"_{options['handler']}")
        try:
            handler(options)
        except CongsoError as error:
            raise CommandError(error.message, returncode=USAGE_ERROR) from error

    def _add_working_days(self, options: dict[str, Any]) -> None:
        cutoff: Cutoff = SETTINGS_CUTOFF
        if options["no_cutoff"]:
            cutoff = None
        elif options["cutoff"] is not None:
            cutoff = options["cutoff"]
        due_on = add_working_days(options["start"], options["days"], cutoff)
        if options["verbosity"] >= 2:
            effective = effective_receipt_day(options["start"], cutoff)
            self.stdout.write(f"Ngày tiếp nhận có hiệu lực: {effective.isoformat()}")
        self.stdout.write(due_on.isoformat())

    def _is_working_day(self, options: dict[str, Any]) -> None:
        status = day_status(options["day"])
        answer = "có" if status.is_working_day else "không"
        self.stdout.write(f"{answer} ({status.reason})")
        if not status.is_working_day:
            raise SystemExit(1)

    def _working_days_between(self, options: dict[str, Any]) -> None:
        self.stdout.write(str(working_days_between(options["start"], options["end"])))

    def _holidays(self, options: dict[str, Any]) -> None:
        year = options["year"]
        days_off = holidays_in_year(year)
        self.stdout.write(f"Ngày nghỉ lễ, Tết, nghỉ bù năm {year}: {len(days_off)}")
        for day, reason in days_off.items():
            self.stdout.write(_line(day, reason))
        extra = working_weekend_days_in_year(year)
        if extra:
            self.stdout.write(f"Ngày cuối tuần làm việc năm {year}: {len(extra)}")
            for day, reason in extra.items():
                self.stdout.write(_line(day, reason))


def _line(day: date, reason: str) -> str:
    return f"  {day.isoformat()}  {weekday_name(day):<8}  {reason}"
