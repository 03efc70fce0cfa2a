"""`congso bench_signatures` (wired as `congso bench signatures`): runs bench/signatures.py."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


def load_bench() -> Any:
    path = Path(settings.BASE_DIR) / "bench" / "signatures.py"
    if not path.exists():
        raise CommandError(f"Không thấy {path}")
    spec = importlib.util.spec_from_file_location("congso_bench_signatures", path)
    if spec is None or spec.loader is None:
        raise CommandError(f"Không nạp được {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # worker processes find its functions by name
    spec.loader.exec_module(module)
    return module


class Command(BaseCommand):
    help = "Đo hiệu năng ký số và kiểm tra chữ ký số (so với pyHanko thuần)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--docs", type=int, default=30)
        parser.add_argument("--big-mb", type=int, default=100, help="0 = bỏ qua tệp lớn")

    def handle(self, *args: Any, **options: Any) -> None:
        bench = load_bench()
        bench.run(docs=options["docs"], big_mb=options["big_mb"], write=self.stdout.write)
