"""The benchmark's in-process measurements: the detail API, the overdue sweep and submission."""

from __future__ import annotations

import json
import statistics
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.utils import timezone

from congso.dossiers.bench.postgresql import BenchUnavailable
from congso.dossiers.constants import CLOCK_RUNNING
from congso.dossiers.models import Dossier

# --- timing helpers -------------------------------------------------------------------------


def percentile(samples: list[float], share: float) -> float:
    if not samples:
        return 0.0
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def summary_ms(samples: list[float]) -> dict[str, float]:
    return {
        "n": len(samples),
        "p50_ms": round(statistics.median(samples) * 1000, 2) if samples else 0.0,
        "p95_ms": round(percentile(samples, 0.95) * 1000, 2),
        "p99_ms": round(percentile(samples, 0.99) * 1000, 2),
        "max_ms": round(max(samples) * 1000, 2) if samples else 0.0,
    }


# --- detail, sweep, submission --------------------------------------------------------------


def detail_measure(user: Any, dossier_ids: list[int], rounds: int = 2) -> dict[str, Any]:
    """`GET /api/v1/dossiers/{id}/` (history, steps, files, sub-dossiers) through the API view,
    in process: access gate, selector, serializer and JSON rendering."""
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIRequestFactory, force_authenticate

    from congso.dossiers.api.views import DossierDetailApi

    factory = APIRequestFactory()
    view = DossierDetailApi.as_view()

    def one(dossier_id: int) -> tuple[int, int]:
        request = factory.get(f"/api/v1/dossiers/{dossier_id}/")
        force_authenticate(request, user=user)
        response = view(request, dossier_id=dossier_id)
        response.render()
        events = len(getattr(response, "data", {}).get("events", []) or [])
        return response.status_code, events

    samples: list[float] = []
    statuses: dict[int, int] = {}
    events = 0
    for dossier_id in dossier_ids[:5]:  # warm-up
        one(dossier_id)
    for _ in range(rounds):
        for dossier_id in dossier_ids:
            started = time.perf_counter()
            code, events = one(dossier_id)
            samples.append(time.perf_counter() - started)
            statuses[code] = statuses.get(code, 0) + 1
    queries = 0
    if dossier_ids:
        with CaptureQueriesContext(connection) as captured:
            one(dossier_ids[0])
        queries = len(captured.captured_queries)
    return {
        **summary_ms(samples),
        "statuses": statuses,
        "queries_per_request": queries,
        "events_in_last": events,
    }


def _plan_uses_index(sql: str, params: Any) -> tuple[bool, list[str]]:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    nodes: list[str] = []

    def walk(node: dict[str, Any]) -> None:
        name = node.get("Node Type", "")
        if node.get("Index Name"):
            name += f" using {node['Index Name']}"
        nodes.append(name)
        for child in node.get("Plans", []) or []:
            walk(child)

    walk(plan[0]["Plan"])
    uses_index = any("Index" in n and "dossier" in n for n in nodes)
    return uses_index, nodes


def sweep_measure(as_of: datetime | None = None) -> dict[str, Any]:
    """The overdue sweep: every open dossier past its return date (all agencies), read in full
    with `dossiers_overdue`, plus the per-agency counts; and the query plan."""
    from congso.dossiers.selectors import dossiers_overdue

    moment = as_of or timezone.now()
    overdue = dossiers_overdue(as_of=moment).values_list("pk", "handling_agency_id", "due_at")
    sql, params = overdue.query.sql_with_params()
    uses_index, nodes = _plan_uses_index(sql, params)
    started = time.perf_counter()
    per_agency: dict[int, int] = {}
    rows = 0
    for _pk, agency_id, _due in overdue.iterator(chunk_size=20_000):
        per_agency[agency_id] = per_agency.get(agency_id, 0) + 1
        rows += 1
    seconds = time.perf_counter() - started
    open_count = Dossier.objects.filter(status__in=CLOCK_RUNNING).count()
    return {
        "seconds": round(seconds, 3),
        "overdue": rows,
        "agencies": len(per_agency),
        "open_dossiers": open_count,
        "uses_index": uses_index,
        "plan": nodes,
    }


def _form_value(spec: dict[str, Any]) -> Any:
    if "enum" in spec:
        return spec["enum"][0]
    kind = spec.get("type", "string")
    if kind in ("integer", "number"):
        return spec.get("minimum", 1)
    if kind == "boolean":
        return False
    if kind == "object":
        return {name: _form_value(sub) for name, sub in spec.get("properties", {}).items()}
    if kind == "array":
        return []
    if spec.get("format") == "date":
        return "2020-03-02"
    return "Giấy khai sinh bản sao"


def _submittable() -> tuple[Any, dict[str, Any], list[str], Any]:
    """A published procedure whose schema-made form validates; its required component codes."""
    import jsonschema

    from congso.procedures.models import Procedure

    for procedure in Procedure.objects.filter(is_published=True).order_by("processing_days", "pk"):
        schema = procedure.form_schema or {}
        data = {
            name: _form_value(spec)
            for name, spec in (schema.get("properties") or {}).items()
            if name in (schema.get("required") or [])
        }
        if schema and list(jsonschema.Draft202012Validator(schema).iter_errors(data)):
            continue
        agency = procedure.receiving_agencies.exclude(code_qcvn102="").first()
        if agency is None:
            continue
        required = list(
            procedure.components.filter(is_required=True).values_list("code", flat=True)
        )
        return procedure, data, required, agency
    raise BenchUnavailable("Không có thủ tục nào nộp thử được.")


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def submit_measure(citizen: Any, count: int, threads: int = 1) -> dict[str, Any]:
    """Draft + one file per required component + submit, through the real services, `count`
    times; with threads > 1 (PostgreSQL, outside a transaction) each has its own connection."""
    from congso.dossiers import services

    procedure, form_data, components, agency = _submittable()
    errors: list[str] = []
    done = [0]
    parallel = threads > 1 and not connection.in_atomic_block
    lock = threading.Lock()

    def one_dossier(index: int) -> None:
        draft = services.dossier_draft_create(
            citizen,
            procedure,
            {"receiving_agency": agency.pk, "form_data": form_data, "summary": f"Nộp thử {index}"},
        )
        for code in components:
            upload = SimpleUploadedFile(f"{code}.pdf", PDF, content_type="application/pdf")
            services.dossier_file_add(citizen, draft, code, upload)
        submitted, secret = services.dossier_submit(citizen, draft)
        if not (submitted.code and secret):
            raise RuntimeError("submitted without code or secret")

    def worker(indexes: Iterator[int]) -> None:
        try:
            for index in indexes:
                try:
                    one_dossier(index)
                except Exception as error:  # noqa: BLE001 - counted and reported
                    errors.append(f"{type(error).__name__}: {error}")
                    continue
                with lock:
                    done[0] += 1
        finally:
            if parallel:
                connections.close_all()

    started = time.perf_counter()
    if parallel:
        shares = [iter(range(i, count, threads)) for i in range(threads)]
        pool = [threading.Thread(target=worker, args=(share,)) for share in shares]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
    else:
        worker(iter(range(count)))
    seconds = time.perf_counter() - started
    return {
        "submitted": done[0],
        "threads": threads if parallel else 1,
        "seconds": round(seconds, 2),
        "per_s": round(done[0] / seconds, 1) if seconds else 0.0,
        "procedure": procedure.code,
        "files_per_dossier": len(components),
        "errors": errors[:5],
    }
