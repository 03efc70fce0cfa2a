"""`congso verify-audit`: check the hash chain of the audit log from the first entry to the last."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from congso.audit.verification import CHUNK_SIZE, audit_chain_verify


class Command(BaseCommand):
    help = (
        "Kiểm tra tính toàn vẹn của nhật ký kiểm toán (chuỗi băm): mọi mục còn nguyên, đúng thứ "
        "tự, không thiếu, đầu chuỗi khớp mục cuối. Mã thoát 0 = toàn vẹn, 1 = có mục hỏng "
        "(in mục hỏng đầu tiên)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=CHUNK_SIZE,
            help="số mục đọc mỗi lần (mặc định %(default)s)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_chain_verify(chunk_size=max(1, options["chunk_size"]))
        if result.first_break is None:
            self.stdout.write(f"Nhật ký kiểm toán toàn vẹn: {result.checked} mục.")
            return
        raise CommandError(
            f"Nhật ký kiểm toán bị hỏng. {result.first_break.describe()} "
            f"({result.checked} mục trước đó còn nguyên).",
            returncode=1,
        )
