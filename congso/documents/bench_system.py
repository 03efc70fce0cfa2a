"""System-side parts of `congso bench documents`: concurrent numbering, data size, machine."""

from __future__ import annotations

import os
import platform
import sys
import threading
import time
from typing import Any

from django.db import connection, connections
from django.utils import timezone

from congso.documents.constants import Direction
from congso.documents.models import DocumentRegister, IncomingDocument
from congso.documents.services.bulk import BulkIncomingRow, incoming_documents_bulk_register

_SEQUENTIAL: dict[str, str] = {
    "sqlite": "sequential (SQLite serialises writers)",
    "postgresql": "sequential (inside an open transaction: threads would not see its data)",
}


def concurrent_registrations(clerk: Any, threads: int, progress: Any) -> dict[str, Any]:
    """`threads` registrations at once into one book; then the book must have no gap."""
    from congso.accounts.models import User

    today = timezone.localdate()
    now = timezone.now()
    register = DocumentRegister.objects.filter(
        agency_id=clerk.agency_id, year=today.year, direction=Direction.INCOMING, is_secret=False
    ).first()
    before = register.last_number if register else 0
    errors: list[str] = []
    # Threads need their own connections and committed data: on SQLite (writers serialised)
    # and inside an open transaction (the test suite) the registrations run one by one.
    parallel = connection.vendor == "postgresql" and not connection.in_atomic_block
    barrier = threading.Barrier(threads) if parallel else None

    def one(index: int) -> None:
        try:
            user = User.objects.get(pk=clerk.pk)
            row = BulkIncomingRow(
                subject=f"Đăng ký đồng thời số {index}",
                organ_name="UBND tỉnh Kon Tum",
                issued_on=today,
                arrived_at=now,
                code_number=str(index + 1),
                code_notation="UBND-VX",
            )
            if barrier is not None:
                barrier.wait(timeout=60)
            incoming_documents_bulk_register(clerk=user, rows=[row])
        except Exception as error:  # noqa: BLE001 - reported in the result, not swallowed
            errors.append(f"{type(error).__name__}: {error}")
        finally:
            if parallel:
                connections.close_all()

    started = time.perf_counter()
    if parallel:
        workers = [threading.Thread(target=one, args=(i,)) for i in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    else:
        for index in range(threads):
            one(index)
    spent = time.perf_counter() - started
    numbers = sorted(
        number
        for number in IncomingDocument.objects.filter(
            agency_id=clerk.agency_id,
            register__year=today.year,
            register__is_secret=False,
            arrival_number__gt=before,
        ).values_list("arrival_number", flat=True)
        if number is not None
    )
    gap_free = not errors and numbers == list(range(before + 1, before + threads + 1))
    progress.say(f"{threads} concurrent registrations: gap-free={gap_free} in {spent:.2f}s")
    return {
        "registrations": threads,
        "mode": "threads, one connection each" if parallel else _SEQUENTIAL[connection.vendor],
        "gap_free": gap_free,
        "numbers": [numbers[0], numbers[-1]] if numbers else [],
        "errors": errors[:5],
        "seconds": round(spent, 2),
    }


def data_size() -> dict[str, Any]:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_database_size(current_database()), "
                "pg_total_relation_size('documents_incomingdocument'), "
                "pg_total_relation_size('documents_searchentry')"
            )
            database, documents, index = cursor.fetchone()
        return {
            "database_mb": database // 2**20,
            "incoming_mb": documents // 2**20,
            "search_index_mb": index // 2**20,
        }
    name = str(connection.settings_dict.get("NAME") or "")
    size = os.path.getsize(name) if os.path.exists(name) else 0
    return {"database_mb": size // 2**20}


def machine() -> dict[str, Any]:
    cpu, memory = platform.processor(), ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            cpu = next(
                (line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")),
                cpu,
            )
        with open("/proc/meminfo", encoding="utf-8") as handle:
            memory = handle.readline().split(":", 1)[1].strip()
    except OSError:
        pass
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()"
        )
        version = cursor.fetchone()[0]
    return {
        "nproc": os.cpu_count(),
        "memory": memory,
        "cpu": cpu,
        "db_version": str(version)[:80],
        "python": sys.version.split()[0],
        "loadavg_1_5_15": [round(x, 2) for x in os.getloadavg()],
    }


def analyze() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "ANALYZE documents_searchentry, documents_incomingdocument, documents_assignment"
            )
        else:
            cursor.execute("ANALYZE")
