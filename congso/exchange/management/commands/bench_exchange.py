"""`congso bench_exchange` (wired as `congso bench exchange`): runs bench/exchange.py.

Needs PostgreSQL (DATABASE_URL names the server; the benchmark creates and drops its own
databases `{prefix}_a`, `{prefix}_b`, `{prefix}_hub`) and RabbitMQ at CELERY_BROKER_URL or
amqp://guest:guest@127.0.0.1:5672//."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


def load_bench(name: str = "exchange") -> Any:
    """bench/`name`.py, loaded as a module (bench/ is not a package)."""
    path = Path(settings.BASE_DIR) / "bench" / f"{name}.py"
    if not path.exists():
        raise CommandError(f"Không thấy {path}")
    spec = importlib.util.spec_from_file_location(f"congso_bench_{name}", path)
    if spec is None or spec.loader is None:
        raise CommandError(f"Không nạp được {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


class Command(BaseCommand):
    help = "Đo hiệu năng liên thông văn bản qua trục: gửi → trục → nhận → trạng thái 03 về."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--docs", type=int, default=200)
        parser.add_argument("--big-mb", type=int, default=200, help="0 = bỏ qua tệp lớn")
        parser.add_argument("--prefix", default="congso_bench_exchange", help="tên các CSDL")
        parser.add_argument(
            "--accept",
            choices=["auto", "clerk"],
            default="auto",
            help="auto: vào sổ ngay khi văn bản đến; clerk: văn thư tiếp nhận từng văn bản",
        )
        parser.add_argument(
            "--signed",
            action="store_true",
            help="văn bản ký số PAdES (PKI THỬ NGHIỆM, token SoftHSM2); bên nhận kiểm tra chữ ký",
        )
        parser.add_argument(
            "--hub-processes",
            type=int,
            default=1,
            help="số tiến trình của trục (congso hub serve --processes)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
            raise CommandError("Cần DATABASE_URL trỏ tới PostgreSQL (máy chủ chứa các CSDL thử).")
        import os

        bench = load_bench()
        bench.run(
            docs=options["docs"],
            big_mb=options["big_mb"],
            write=self.stdout.write,
            pg_url=os.environ["DATABASE_URL"],
            prefix=options["prefix"],
            accept=options["accept"],
            signed=options["signed"],
            hub_processes=options["hub_processes"],
        )
