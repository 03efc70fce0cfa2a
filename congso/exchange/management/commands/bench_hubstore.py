"""`congso bench_hubstore` (wired as `congso bench hubstore`): runs bench/hubstore.py.

Needs PostgreSQL (DATABASE_URL names the server; the benchmark creates and drops its own
database `{prefix}_hub`)."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from congso.exchange.management.commands.bench_exchange import load_bench


class Command(BaseCommand):
    help = "Đo các thao tác của trục khi kho đã chứa nhiều năm gói tin (so với trục gần rỗng)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--docs", type=int, default=1_000_000)
        parser.add_argument("--rounds", type=int, default=100)
        parser.add_argument("--prefix", default="congso_bench_hubstore", help="tên CSDL")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
            raise CommandError("Cần DATABASE_URL trỏ tới PostgreSQL (máy chủ chứa các CSDL thử).")
        if options["docs"] < 1 or options["rounds"] < 1:
            raise CommandError("--docs và --rounds phải là số dương.")
        bench = load_bench("hubstore")
        bench.run(
            docs=options["docs"],
            rounds=options["rounds"],
            pg_url=os.environ["DATABASE_URL"],
            prefix=options["prefix"],
            write=self.stdout.write,
        )
