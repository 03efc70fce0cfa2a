"""`congso portalsim serve --port 8200 --db FILE` — runs the national portal simulator.

The simulator is a separate system (congso.portalsim, no Django): this command only launches it
in the foreground, exactly like `python -m congso.portalsim ...`.
"""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from congso.portalsim.server import main


class Command(BaseCommand):
    help = "Chạy Cổng DVC quốc gia mô phỏng (serve | seed); xem python -m congso.portalsim -h."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("simulator_args", nargs=argparse.REMAINDER)

    def handle(self, *args: Any, **options: Any) -> None:
        code = main(list(options["simulator_args"]))
        if code:
            raise CommandError(f"portalsim kết thúc với mã {code}")
