"""The simulator's own database (SQLite through the standard library).

One connection per call; WAL mode so the read API and the integration endpoint do not block each
other. Dossiers are stored as received (JSON) plus the columns the portal indexes.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS session (
    token TEXT PRIMARY KEY, username TEXT NOT NULL, expires_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS dossier (
    ma_ho_so TEXT PRIMARY KEY, madonvi TEXT NOT NULL, ma_tthc TEXT NOT NULL,
    trang_thai INTEGER NOT NULL, payload TEXT NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, versions INTEGER NOT NULL DEFAULT 1);
CREATE TABLE IF NOT EXISTS progress (
    id INTEGER PRIMARY KEY AUTOINCREMENT, ma_ho_so TEXT NOT NULL REFERENCES dossier(ma_ho_so),
    trang_thai INTEGER NOT NULL, payload TEXT NOT NULL, received_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS progress_dossier ON progress(ma_ho_so, id);
CREATE TABLE IF NOT EXISTS procedure (
    ma_tthc TEXT PRIMARY KEY, payload TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS request_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, service TEXT NOT NULL,
    error_code TEXT NOT NULL, field TEXT NOT NULL);
"""


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


class Store:
    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._lock = threading.Lock()  # one writer at a time inside this process
        with self.connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=20)
        db.row_factory = sqlite3.Row
        try:
            with db:
                yield db
        finally:
            db.close()

    # --- sessions ------------------------------------------------------------------------------
    def session_open(self, username: str, ttl_seconds: int) -> str:
        token = secrets.token_urlsafe(24)
        with self._lock, self.connect() as db:
            db.execute("DELETE FROM session WHERE expires_at < ?", (time.time(),))
            db.execute(
                "INSERT INTO session VALUES (?, ?, ?)", (token, username, time.time() + ttl_seconds)
            )
        return token

    def session_valid(self, token: Any) -> bool:
        if not isinstance(token, str) or not token:
            return False
        with self.connect() as db:
            row = db.execute("SELECT expires_at FROM session WHERE token = ?", (token,)).fetchone()
        return row is not None and row["expires_at"] >= time.time()

    def sessions_expire_all(self) -> None:
        with self._lock, self.connect() as db:
            db.execute("DELETE FROM session")

    # --- dossiers ------------------------------------------------------------------------------
    def existing_codes(self, codes: list[str]) -> set[str]:
        if not codes:
            return set()
        marks = ",".join("?" * len(codes))
        with self.connect() as db:
            rows = db.execute(
                f"SELECT ma_ho_so FROM dossier WHERE ma_ho_so IN ({marks})",  # noqa: S608
                codes,
            ).fetchall()
        return {row["ma_ho_so"] for row in rows}

    def dossiers_save(self, madonvi: str, items: list[dict[str, Any]]) -> None:
        now = _now()
        with self._lock, self.connect() as db:
            for item in items:
                db.execute(
                    """INSERT INTO dossier
                       (ma_ho_so, madonvi, ma_tthc, trang_thai, payload, created_at, updated_at)
                       VALUES (?, ?, ?, ?, ?, ?, ?)
                       ON CONFLICT(ma_ho_so) DO UPDATE SET
                         madonvi = excluded.madonvi, ma_tthc = excluded.ma_tthc,
                         trang_thai = excluded.trang_thai, payload = excluded.payload,
                         updated_at = excluded.updated_at, versions = dossier.versions + 1""",
                    (
                        item["MaHoSo"],
                        madonvi,
                        str(item["MaTTHC"]),
                        int(item["TrangThaiHoSo"]),
                        json.dumps(item, ensure_ascii=False),
                        now,
                        now,
                    ),
                )

    def progress_append(self, items: list[dict[str, Any]]) -> None:
        now = _now()
        with self._lock, self.connect() as db:
            for item in items:
                status = int(item["TrangThai"])
                db.execute(
                    "INSERT INTO progress (ma_ho_so, trang_thai, payload, received_at) "
                    "VALUES (?, ?, ?, ?)",
                    (item["MaHoSo"], status, json.dumps(item, ensure_ascii=False), now),
                )
                row = db.execute(
                    "SELECT payload FROM dossier WHERE ma_ho_so = ?", (item["MaHoSo"],)
                ).fetchone()
                payload = json.loads(row["payload"])
                payload["TrangThaiHoSo"] = str(status)
                db.execute(
                    "UPDATE dossier SET trang_thai = ?, payload = ?, updated_at = ? "
                    "WHERE ma_ho_so = ?",
                    (status, json.dumps(payload, ensure_ascii=False), now, item["MaHoSo"]),
                )

    def dossier_get(self, code: str) -> dict[str, Any] | None:
        with self.connect() as db:
            row = db.execute("SELECT * FROM dossier WHERE ma_ho_so = ?", (code,)).fetchone()
            if row is None:
                return None
            progress = db.execute(
                "SELECT payload, received_at FROM progress WHERE ma_ho_so = ? ORDER BY id", (code,)
            ).fetchall()
        result = _dossier_row(row)
        result["progress"] = [
            {**json.loads(p["payload"]), "received_at": p["received_at"]} for p in progress
        ]
        return result

    def dossier_list(self, status: int | None = None, limit: int = 1000) -> list[dict[str, Any]]:
        query = "SELECT * FROM dossier"
        params: list[Any] = []
        if status is not None:
            query += " WHERE trang_thai = ?"
            params.append(status)
        query += " ORDER BY updated_at DESC, ma_ho_so LIMIT ?"
        params.append(limit)
        with self.connect() as db:
            rows = db.execute(query, params).fetchall()
        return [_dossier_row(row) for row in rows]

    # --- catalogue -----------------------------------------------------------------------------
    def catalogue_load(self, procedures: list[dict[str, Any]]) -> int:
        with self._lock, self.connect() as db:
            for procedure in procedures:
                db.execute(
                    "INSERT INTO procedure VALUES (?, ?) ON CONFLICT(ma_tthc) DO UPDATE "
                    "SET payload = excluded.payload",
                    (procedure["MATTHC"], json.dumps(procedure, ensure_ascii=False)),
                )
        return len(procedures)

    def catalogue(self, code: str | None = None) -> list[dict[str, Any]]:
        with self.connect() as db:
            if code:
                rows = db.execute(
                    "SELECT payload FROM procedure WHERE ma_tthc = ?", (code,)
                ).fetchall()
            else:
                rows = db.execute("SELECT payload FROM procedure ORDER BY ma_tthc").fetchall()
        return [json.loads(row["payload"]) for row in rows]

    # --- request log (what the demo page shows) -------------------------------------------------
    def log(self, service: str, error_code: str, field: str) -> None:
        with self._lock, self.connect() as db:
            db.execute(
                "INSERT INTO request_log (at, service, error_code, field) VALUES (?, ?, ?, ?)",
                (_now(), service, error_code, field),
            )

    def recent_requests(self, limit: int = 20) -> list[dict[str, Any]]:
        with self.connect() as db:
            rows = db.execute(
                "SELECT * FROM request_log ORDER BY id DESC LIMIT ?", (limit,)
            ).fetchall()
        return [dict(row) for row in rows]


def _dossier_row(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "MaHoSo": row["ma_ho_so"],
        "madonvi": row["madonvi"],
        "MaTTHC": row["ma_tthc"],
        "TrangThaiHoSo": row["trang_thai"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "versions": row["versions"],
        "data": json.loads(row["payload"]),
    }
