"""`congso exchange-harness setup|issue|accept|counts`: the per-installation steps of the
exchange reliability test and benchmark (congso/exchange/reliability/). Run with the settings
of one installation (its DATABASE_URL, EXCHANGE_*, CELERY_*); prints JSON on its last line."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Công cụ thử nghiệm liên thông: tạo cơ quan, ban hành N văn bản, tiếp nhận, đếm."

    def add_arguments(self, parser: CommandParser) -> None:
        steps = parser.add_subparsers(dest="step", required=True)
        setup = steps.add_parser("setup", help="Cơ quan và cán bộ của hệ thống này.")
        setup.add_argument("--code", required=True)
        setup.add_argument("--name", required=True)
        setup.add_argument("--abbreviation", required=True)
        issue = steps.add_parser("issue", help="Ban hành N công văn gửi cơ quan ngoài.")
        issue.add_argument("--code", required=True)
        issue.add_argument("--peer", required=True)
        issue.add_argument("--peer-name", default="Cơ quan nhận")
        issue.add_argument("--count", type=int, required=True)
        issue.add_argument("--attachment", type=Path, default=None, help="tệp đính kèm mỗi văn bản")
        accept = steps.add_parser("accept", help="Văn thư tiếp nhận văn bản đến qua trục.")
        accept.add_argument("--code", required=True)
        accept.add_argument("--expected", type=int, default=0, help="0 = một lượt")
        accept.add_argument("--deadline", type=float, default=600.0)
        accept.add_argument("--pause", type=float, default=0.5)
        counts = steps.add_parser("counts", help="Đếm gói tin, trạng thái, văn bản đến.")
        counts.add_argument("--code", required=True)
        counts.add_argument("--peer", required=True)
        timeline = steps.add_parser("timeline", help="Mốc thời gian của từng gói tin.")
        timeline.add_argument("--code", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        from congso.exchange.reliability import harness

        step = options["step"]
        started = time.monotonic()
        result: dict[str, Any]
        if step == "setup":
            people = harness.installation_setup(
                code=options["code"], name=options["name"], abbreviation=options["abbreviation"]
            )
            result = {"agency": people.agency.pk, "code": people.agency.code_qcvn102}
        elif step == "issue":

            def progress(done: int) -> None:
                if done % 100 == 0:
                    sys.stderr.write(f"issued {done}\n")

            issued = harness.documents_issue(
                code=options["code"],
                peer_code=options["peer"],
                peer_name=options["peer_name"],
                count=options["count"],
                attachment=options["attachment"],
                progress=progress,
            )
            result = {"issued": len(issued)}
        elif step == "accept":
            if options["expected"]:
                done = harness.received_accept_until(
                    code=options["code"],
                    expected=options["expected"],
                    deadline_s=options["deadline"],
                    pause=options["pause"],
                )
            else:
                done = harness.received_accept(code=options["code"])
            result = {"accepted": done}
        elif step == "timeline":
            result = {"timeline": harness.timeline(code=options["code"])}
        else:
            result = harness.counts(code=options["code"], peer_code=options["peer"])
        result["seconds"] = round(time.monotonic() - started, 3)
        self.stdout.write(json.dumps(result, ensure_ascii=False))
