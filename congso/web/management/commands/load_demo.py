"""`congso load_demo`: the Kon Tum demo organisation and demo accounts, safe to run every start."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congso.accounts.demo import demo_accounts_load
from congso.core.errors import CongsoError
from congso.organizations.demo import kontum_demo_load
from congso.procedures.demo import procedure_demo_load

DEMO_URL = "http://127.0.0.1:8000/"
COLUMNS = (
    gettext_lazy("Tên đăng nhập"),
    gettext_lazy("Mật khẩu"),
    gettext_lazy("Vai trò"),
    gettext_lazy("Cơ quan"),
)


def format_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table that reads well on any console (no box-drawing fonts needed)."""
    widths = [len(title) for title in header]
    for row in rows:
        widths = [max(width, len(cell)) for width, cell in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.ljust(width) for cell, width in zip(cells, widths, strict=True)
        ).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(header), rule, *(line(row) for row in rows)])


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu Kon Tum: cơ quan, đơn vị hành chính, tài khoản minh họa."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with transaction.atomic():
                counts = kontum_demo_load()
                counts.update(procedure_demo_load())
                accounts = demo_accounts_load()
        except CongsoError as error:
            # Nothing was written (one transaction); say why in words, not a traceback.
            raise CommandError(error.message) from error

        summary = ", ".join(f"{name}: {count}" for name, count in sorted(counts.items()))
        self.stdout.write(
            self.style.SUCCESS(
                _("Dữ liệu mẫu Kon Tum đã sẵn sàng (thêm mới lần này: %(summary)s).")
                % {"summary": summary}
            )
        )
        self.stdout.write("")
        self.stdout.write(_("Tài khoản minh họa (chỉ dùng để thử nghiệm):"))
        rows = [
            (
                str(account.username),
                str(account.password),
                str(account.role_label),
                str(account.agency_name or "—"),
            )
            for account in accounts
        ]
        self.stdout.write(format_table([str(title) for title in COLUMNS], rows))
        self.stdout.write("")
        self.stdout.write(_("Mở trình duyệt tại: %(url)s") % {"url": DEMO_URL})
        self.stdout.write(_("  Cán bộ đăng nhập: %(url)s") % {"url": f"{DEMO_URL}dang-nhap/"})
        self.stdout.write(
            _("  Công dân đăng nhập: %(url)s") % {"url": f"{DEMO_URL}cong-dan/dang-nhap/"}
        )
