"""`congso bench documents --docs N`: the documents benchmark (issue 3, Performance).

Writes a synthetic corpus into the database the settings point at (use a scratch database),
shows progress on stderr and prints one JSON object on its last stdout line.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from congso.core.errors import CongsoError


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


# Subjects measured by another app's command: (command, the options handed to it).
DELEGATED: dict[str, tuple[str, tuple[str, ...]]] = {
    "services": (
        "bench_services",
        ("dossiers", "duration", "connections", "workers", "threads", "submissions", "reuse"),
    ),
    "exchange": (
        "bench_exchange",
        ("docs", "big_mb", "prefix", "accept", "signed", "hub_processes"),
    ),
    "hubstore": ("bench_hubstore", ("docs", "rounds", "prefix")),
    "signatures": ("bench_signatures", ("docs", "big_mb")),
}


class Command(BaseCommand):
    help = (
        "Đo hiệu năng. `bench documents --docs N`: vào sổ hàng loạt, tìm kiếm, danh sách, "
        "đánh số đồng thời; in một đối tượng JSON ở dòng cuối."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(
            dest="subject", required=True, metavar="documents|signatures|exchange|hubstore|services"
        )
        documents = commands.add_parser("documents", help="Văn bản đến/đi: vào sổ, tìm kiếm.")
        documents.add_argument("--docs", type=_positive, default=10_000)
        documents.add_argument("--batch", type=_positive, default=2_000)
        documents.add_argument("--queries", type=_positive, default=120)
        documents.add_argument("--concurrent", type=_positive, default=50)
        documents.add_argument("--seed", type=int, default=2019)
        # `congso bench signatures …` is the signatures app's `bench_signatures` command.
        signatures = commands.add_parser("signatures", help="Ký số (lệnh bench_signatures).")
        signatures.add_argument("--docs", type=_positive, default=30)
        signatures.add_argument("--big-mb", type=int, default=100, help="0 = bỏ qua tệp lớn")
        # `congso bench exchange …` is the exchange app's `bench_exchange` command.
        exchange = commands.add_parser("exchange", help="Liên thông qua trục (bench_exchange).")
        exchange.add_argument("--docs", type=_positive, default=200)
        exchange.add_argument("--big-mb", type=int, default=200, help="0 = bỏ qua tệp lớn")
        exchange.add_argument("--prefix", default="congso_bench_exchange")
        exchange.add_argument("--accept", choices=["auto", "clerk"], default="auto")
        exchange.add_argument("--signed", action="store_true")
        exchange.add_argument("--hub-processes", type=_positive, default=1)
        # `congso bench hubstore …` is the exchange app's `bench_hubstore` command.
        hubstore = commands.add_parser("hubstore", help="Trục chứa nhiều năm gói tin.")
        hubstore.add_argument("--docs", type=_positive, default=1_000_000)
        hubstore.add_argument("--rounds", type=_positive, default=100)
        hubstore.add_argument("--prefix", default="congso_bench_hubstore")
        # `congso bench services …` is the dossiers app's `bench_services` command (same options).
        services = commands.add_parser("services", help="Dịch vụ công (lệnh bench_services).")
        services.add_argument("--dossiers", type=_positive, default=1_000_000)
        services.add_argument("--duration", type=float, default=10)
        services.add_argument("--connections", type=_positive, default=16)
        services.add_argument("--workers", type=_positive, default=2)
        services.add_argument("--threads", type=_positive, default=4)
        services.add_argument("--submissions", type=_positive, default=200)
        services.add_argument("--reuse", action="store_true", help="đo lại trên dữ liệu đã sinh")

    def handle(self, *args: Any, **options: Any) -> None:
        from congso.documents.bench import Progress, run

        delegated = DELEGATED.get(options["subject"])
        if delegated is not None:
            command, names = delegated
            call_command(
                command,
                **{name: options[name] for name in names},
                stdout=self.stdout,
                stderr=self.stderr,
            )
            return
        try:
            result = run(
                docs=options["docs"],
                batch=options["batch"],
                queries=options["queries"],
                concurrent=options["concurrent"],
                seed=options["seed"],
                progress=Progress(self.stderr),
            )
        except CongsoError as error:
            raise CommandError(error.message) from error
        self.stdout.write(json.dumps(result, ensure_ascii=False, default=str))
