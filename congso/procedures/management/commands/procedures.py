"""`congso procedures drift --national FILE [--json] [--xlsx OUT]`,
`congso procedures import FILE` and `congso procedures export OUT` (.json or .xlsx).

drift exits 0 when the catalogue matches the national list, 1 when it differs.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from congso.core.errors import CongsoError
from congso.procedures.drift import (
    DRIFT_HEADER,
    drift_rows,
    drift_to_xlsx,
    parse_national_list,
    procedure_drift,
)
from congso.procedures.services import (
    procedure_export,
    procedure_export_xlsx,
    procedure_import_json,
    procedure_import_xlsx,
)


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(cells[i])) for cells in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()
        for cells in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Danh mục thủ tục hành chính: so sánh với danh sách quốc gia, nhập, xuất."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        drift = sub.add_parser("drift", help="So sánh danh mục với danh sách TTHC quốc gia (JSON).")
        drift.add_argument("--national", required=True, help="Tệp JSON danh sách quốc gia")
        drift.add_argument("--json", action="store_true", help="In báo cáo dạng JSON")
        drift.add_argument("--xlsx", help="Ghi báo cáo ra tệp Excel")
        imp = sub.add_parser(
            "import", help="Nhập danh mục từ tệp .json hoặc .xlsx (tất cả hoặc không)."
        )
        imp.add_argument("file")
        exp = sub.add_parser("export", help="Xuất danh mục ra tệp .json hoặc .xlsx.")
        exp.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except CongsoError as error:
            details = error.details.get("errors", [])
            extra = "".join(f"\n  {e['path']}: {e['message']} [{e['code']}]" for e in details)
            raise CommandError(f"{error.message}{extra}") from error

    def _read(self, name: str) -> bytes:
        path = Path(name)
        if not path.is_file():
            raise CommandError(f"Không thấy tệp {path}")
        return path.read_bytes()

    def _drift(self, options: dict[str, Any]) -> None:
        try:
            data = json.loads(self._read(options["national"]))
        except ValueError as error:
            raise CommandError(f"Tệp {options['national']} không phải JSON hợp lệ.") from error
        report = procedure_drift(parse_national_list(data))
        if options["xlsx"]:
            Path(options["xlsx"]).write_bytes(drift_to_xlsx(report))
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(text_table(DRIFT_HEADER, drift_rows(report)))
            self.stdout.write(
                f"\nQuốc gia: {report.national_count} thủ tục; địa phương: {report.local_count}; "
                f"thiếu ở địa phương: {len(report.missing_locally)}; chỉ có ở địa phương: "
                f"{len(report.only_local)}; khác nhau: {len(report.differences)}."
            )
        if not report.is_clean:
            sys.exit(1)

    def _import(self, options: dict[str, Any]) -> None:
        content = self._read(options["file"])
        if options["file"].lower().endswith(".xlsx"):
            result = procedure_import_xlsx(actor=None, content=content)
        else:
            result = procedure_import_json(actor=None, content=content)
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã nhập: {len(result.created)} mới, {len(result.updated)} cập nhật, "
                f"{len(result.unchanged)} không đổi."
            )
        )

    def _export(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        if path.suffix.lower() == ".xlsx":
            path.write_bytes(procedure_export_xlsx())
        else:
            text = json.dumps(procedure_export(), ensure_ascii=False, indent=1)
            path.write_text(text, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Đã xuất danh mục ra {path}"))
