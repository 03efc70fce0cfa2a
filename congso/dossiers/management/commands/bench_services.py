"""`congso bench_services` (wired as `congso bench services`): runs bench/services.py."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


def load_bench() -> Any:
    path = Path(settings.BASE_DIR) / "bench" / "services.py"
    if not path.exists():
        raise CommandError(f"Không thấy {path}")
    spec = importlib.util.spec_from_file_location("congso_bench_services", path)
    if spec is None or spec.loader is None:
        raise CommandError(f"Không nạp được {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def add_options(parser: CommandParser | Any) -> None:
    """The options of `bench_services`, shared with the `bench services` dispatcher."""
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--duration", type=float, default=10, help="giây mỗi lượt tải")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="tiến trình gunicorn")
    parser.add_argument("--threads", type=int, default=4, help="luồng mỗi tiến trình")
    parser.add_argument("--detail-samples", type=int, default=200)
    parser.add_argument("--submissions", type=int, default=200)
    parser.add_argument("--submit-threads", type=int, default=4)
    parser.add_argument(
        "--reuse", action="store_true", help="dùng lại hồ sơ đã sinh ở lần chạy trước (cùng CSDL)"
    )


OPTIONS = (
    "dossiers",
    "seed",
    "duration",
    "connections",
    "workers",
    "threads",
    "detail_samples",
    "submissions",
    "submit_threads",
    "reuse",
)


class Command(BaseCommand):
    help = (
        "Đo hiệu năng dịch vụ công (PostgreSQL): tra cứu hồ sơ công khai, chi tiết hồ sơ, "
        "quét hồ sơ quá hạn, nộp hồ sơ; in một đối tượng JSON ở dòng cuối."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_options(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        from congso.dossiers.bench import BenchUnavailable

        if options["dossiers"] < 1:
            raise CommandError("--dossiers phải lớn hơn 0.")
        bench = load_bench()
        try:
            bench.run(
                **{name: options[name] for name in OPTIONS},
                write=self.stdout.write,
                progress=self.stderr,
            )
        except BenchUnavailable as error:
            raise CommandError(str(error)) from error
