"""`congso portalsync <action>`: the national portal sync by hand.

- `reconcile [--csv FILE] [--xlsx FILE]`  compare every synced dossier with the portal
- `drain`                                 send every due outbox row now
- `lookup MAHOSO [--madonvi CODE]`        what the portal holds for a dossier
- `catalogue-pull [--madonvi CODE] [--out FILE] [--drift]`  LayThuTuc (+ drift report)
- `catalogue-export FILE`                 the local catalogue in LayThuTuc shape (seeds portalsim)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from congso.core.errors import CongsoError
from congso.portalsync.adapter import PortalRejected, PortalUnavailable


class Command(BaseCommand):
    help = (
        "Đồng bộ với Cổng DVC quốc gia: "
        "reconcile | drain | lookup | catalogue-pull | catalogue-export"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        reconcile = sub.add_parser("reconcile")
        reconcile.add_argument("--csv", type=Path)
        reconcile.add_argument("--xlsx", type=Path)
        sub.add_parser("drain")
        lookup = sub.add_parser("lookup")
        lookup.add_argument("ma_ho_so")
        lookup.add_argument("--madonvi")
        pull = sub.add_parser("catalogue-pull")
        pull.add_argument("--madonvi")
        pull.add_argument("--out", type=Path)
        pull.add_argument("--drift", action="store_true")
        export = sub.add_parser("catalogue-export")
        export.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["action"].replace("-", "_"))(options)
        except PortalUnavailable as error:
            raise CommandError(f"Không kết nối được Cổng DVC: {error}") from error
        except PortalRejected as error:
            raise CommandError(f"Cổng DVC từ chối: {error} (trường {error.field})") from error
        except CongsoError as error:
            raise CommandError(error.message) from error

    def _reconcile(self, options: dict[str, Any]) -> None:
        from congso.portalsync.exports import reconciliation_csv, reconciliation_xlsx
        from congso.portalsync.services.reconciliation import portal_reconcile

        run = portal_reconcile(actor=None)
        for item in run.differences.order_by("ma_ho_so"):
            shown = "-" if item.portal_status is None else item.portal_status
            self.stdout.write(
                f"{item.ma_ho_so}\t{item.local_status}\t{item.expected_portal_status}\t"
                f"{shown}\t{item.issue}"
            )
        if options["csv"]:
            options["csv"].write_text(reconciliation_csv(run), encoding="utf-8")
        if options["xlsx"]:
            options["xlsx"].write_bytes(reconciliation_xlsx(run))
        self.stdout.write(f"Đã đối soát {run.checked} hồ sơ, {run.differing} hồ sơ lệch.")
        if run.error:
            raise CommandError(run.error)

    def _drain(self, options: dict[str, Any]) -> None:
        from congso.portalsync.services.outbox import portal_outbox_drain

        result = portal_outbox_drain()
        self.stdout.write(f"Đã gửi {result['sent']} bản tin.")
        if result["unavailable"]:
            raise CommandError("Cổng DVC không trả lời; các bản tin còn lại sẽ gửi lại sau.")

    def _lookup(self, options: dict[str, Any]) -> None:
        from congso.portalsync.services.catalogue import portal_dossier_lookup

        found = portal_dossier_lookup(ma_ho_so=options["ma_ho_so"], madonvi=options["madonvi"])
        if found is None:
            raise CommandError(f"Cổng DVC không có hồ sơ {options['ma_ho_so']}.")
        self.stdout.write(json.dumps(found, ensure_ascii=False, indent=2))

    def _catalogue_pull(self, options: dict[str, Any]) -> None:
        from congso.portalsync.services.catalogue import (
            portal_catalogue_drift,
            portal_catalogue_pull,
        )

        if options["drift"]:
            report = portal_catalogue_drift(actor=None, madonvi=options["madonvi"])
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
            return
        procedures = portal_catalogue_pull(actor=None, madonvi=options["madonvi"])
        text = json.dumps(procedures, ensure_ascii=False, indent=2)
        if options["out"]:
            options["out"].write_text(text, encoding="utf-8")
            self.stdout.write(f"Đã lấy {len(procedures)} thủ tục vào {options['out']}.")
        else:
            self.stdout.write(text)

    def _catalogue_export(self, options: dict[str, Any]) -> None:
        from congso.portalsync.services.catalogue import catalogue_as_lay_thu_tuc

        procedures = catalogue_as_lay_thu_tuc()
        options["file"].write_text(
            json.dumps({"procedures": procedures}, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        self.stdout.write(f"Đã ghi {len(procedures)} thủ tục vào {options['file']}.")
