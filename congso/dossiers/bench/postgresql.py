"""The benchmark's one requirement, PostgreSQL, and the error raised without it."""

from __future__ import annotations

from django.db import connection


class BenchUnavailable(RuntimeError):
    """The benchmark needs PostgreSQL (COPY, a server in another process)."""


def require_postgresql() -> None:
    if connection.vendor != "postgresql":
        raise BenchUnavailable(
            "`congso bench services` chỉ chạy trên PostgreSQL (COPY, máy chủ ở tiến trình khác); "
            f"cơ sở dữ liệu hiện tại là {connection.vendor}. Đặt DATABASE_URL=postgres://…"
        )
