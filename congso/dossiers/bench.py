"""The Django side of `congso bench services` (issue 6, Performance); orchestration, the server
and the load generator live in bench/services.py.

- `dossiers_generate`: N synthetic dossiers written with PostgreSQL COPY (agencies, procedures,
  statuses and dates of the demo catalogue; events for every dossier, steps for those being or
  done processing, a rich history for a sample received at the province's service centre);
- `detail_measure`: the detail API (`GET /api/v1/dossiers/{id}/`, history included) in process;
- `sweep_measure`: the overdue sweep over every open dossier (`dossiers_overdue`) and its plan;
- `submit_measure`: draft + component files + submit through the real services;
- `urlpatterns`: the urlconf of the benchmark server — the project's URLs plus a bare view.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections, models, transaction
from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from django.utils import timezone

from congso.dossiers.constants import (
    CLOCK_RUNNING,
    DEFAULT_PORTAL_CODES,
    Channel,
    DossierStatus,
    EventKind,
    StepOutcome,
)
from congso.dossiers.lookup import ALPHABET, LENGTH, normalise_secret
from congso.dossiers.models import Dossier, DossierComponentFile, DossierEvent, DossierStep

DESK_USERNAME = "motcua"  # demo one-stop officer of the Trung tâm Phục vụ hành chính công tỉnh
BARE_PATH = "/__bench__/bare/"
# (status, share): 65 % with the clock running, as the "1 M open dossiers" asks.
STATUS_SHARES = (
    (DossierStatus.PROCESSING, 45),
    (DossierStatus.RECEIVED, 20),
    (DossierStatus.SUPPLEMENT_REQUESTED, 3),
    (DossierStatus.SUBMITTED, 4),
    (DossierStatus.DONE, 6),
    (DossierStatus.RETURNED, 19),
    (DossierStatus.REFUSED, 2),
    (DossierStatus.WITHDRAWN, 1),
)
LEVEL_SHARES = {"xa": 60, "huyen": 25, "tinh": 15}
RICH_SAMPLE = 300
CHUNK = 20_000


class BenchUnavailable(RuntimeError):
    """The benchmark needs PostgreSQL (COPY, a server in another process)."""


def require_postgresql() -> None:
    if connection.vendor != "postgresql":
        raise BenchUnavailable(
            "`congso bench services` chỉ chạy trên PostgreSQL (COPY, máy chủ ở tiến trình khác); "
            f"cơ sở dữ liệu hiện tại là {connection.vendor}. Đặt DATABASE_URL=postgres://…"
        )


# --- the benchmark server's urlconf ---------------------------------------------------------


def bare_view(request: HttpRequest) -> JsonResponse:
    """The baseline: a Django view that does nothing, behind the same middleware."""
    return JsonResponse({"ok": True})


urlpatterns = [path(BARE_PATH.strip("/") + "/", bare_view), path("", include("config.urls"))]


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


# --- demo data ------------------------------------------------------------------------------


def demo_ensure() -> dict[str, Any]:
    """The Kon Tum organisation, the demo accounts and the demo procedure catalogue."""
    from congso.accounts.demo import CITIZEN_ID, demo_accounts_load
    from congso.accounts.models import User
    from congso.organizations.demo import kontum_demo_load
    from congso.procedures.demo import procedure_demo_load
    from congso.procedures.models import Procedure

    if not Procedure.objects.filter(code="1.001193.000.00.00.H34").exists():
        with transaction.atomic():
            if not User.objects.filter(username=DESK_USERNAME).exists():
                kontum_demo_load()
            procedure_demo_load()
    if not User.objects.filter(username=DESK_USERNAME).exists():
        demo_accounts_load()
    return {
        "desk": User.objects.select_related("agency").get(username=DESK_USERNAME),
        "citizen": User.objects.get(username=CITIZEN_ID),
    }


@dataclass
class ProcedureShape:
    pk: int
    level: str
    days: Decimal
    agencies: list[tuple[int, str]]  # (id, QCVN 102 code) of the receiving agencies
    steps: list[tuple[int | None, int | None, str, Decimal]]  # (id, agency id, name, days)


def _procedures() -> list[ProcedureShape]:
    from congso.procedures.models import Procedure

    shapes = []
    for procedure in Procedure.objects.prefetch_related("receiving_agencies", "steps").order_by(
        "pk"
    ):
        agencies = [(a.pk, a.code_qcvn102) for a in procedure.receiving_agencies.all()]
        coded = [(pk, code) for pk, code in agencies if code]
        if not coded:
            continue
        steps: list[tuple[int | None, int | None, str, Decimal]] = [
            (s.pk, s.agency_id, s.name[:255], s.days) for s in procedure.steps.all()
        ]
        shapes.append(
            ProcedureShape(procedure.pk, procedure.level, procedure.processing_days, coded, steps)
        )
    return shapes


# --- generation -----------------------------------------------------------------------------


def _copy_columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields]


def _defaults(model: type[models.Model]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for item in _copy_columns(model):
        if item.primary_key:
            continue
        default = item.get_default()
        if isinstance(item, models.JSONField):
            default = json.dumps(default if default is not None else {})
        values[item.attname] = default
    return values


class _Copier:
    """Rows of one model into COPY … FROM STDIN, with explicit ids (sequence set afterwards)."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.columns = [f.attname for f in _copy_columns(model)]
        self.defaults = _defaults(model)
        self.rows: list[tuple[Any, ...]] = []
        self.count = 0
        self.next_id = (model._default_manager.aggregate(m=models.Max("pk"))["m"] or 0) + 1

    def add(self, **values: Any) -> int:
        pk = self.next_id
        self.next_id += 1
        merged = {**self.defaults, **values, "id": pk}
        self.rows.append(tuple(merged[c] for c in self.columns))
        return pk

    def flush(self) -> None:
        if not self.rows:
            return
        table = self.model._meta.db_table
        names = ", ".join(f'"{c}"' for c in self.columns)
        connection.ensure_connection()
        raw = connection.connection
        assert raw is not None
        with raw.cursor() as cursor:
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in self.rows:
                    copy.write_row(row)
        self.count += len(self.rows)
        self.rows = []

    def finish(self) -> None:
        self.flush()
        table = self.model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                [table, max(self.next_id - 1, 1)],
            )


@dataclass
class Generated:
    dossiers: int = 0
    events: int = 0
    steps: int = 0
    files: int = 0
    seconds: float = 0.0
    lookup_targets: list[tuple[str, str]] = field(default_factory=list)
    detail_ids: list[int] = field(default_factory=list)
    by_status: dict[str, int] = field(default_factory=dict)


def _weighted(rnd: random.Random, pairs: list[tuple[Any, int]]) -> Callable[[], Any]:
    values = [v for v, _ in pairs]
    weights = [w for _, w in pairs]
    cumulative = []
    total = 0
    for weight in weights:
        total += weight
        cumulative.append(total)

    def pick() -> Any:
        return rnd.choices(values, cum_weights=cumulative)[0]

    return pick


class _Writer:
    def __init__(self, seed: int, now: datetime, desk_agency_id: int) -> None:
        self.rnd = random.Random(seed)  # noqa: S311 - synthetic data, reproducible by seed
        self.now = now
        self.key = settings.SECRET_KEY.encode("utf-8")
        self.dossiers = _Copier(Dossier)
        self.events = _Copier(DossierEvent)
        self.steps = _Copier(DossierStep)
        self.files = _Copier(DossierComponentFile)
        self.codes: dict[tuple[int, str], int] = {}
        self.desk_agency_id = desk_agency_id
        self.result = Generated()
        shapes = _procedures()
        by_level = {level: [s for s in shapes if s.level == level] for level in LEVEL_SHARES}
        self.pick_level = _weighted(
            self.rnd, [(lv, w) for lv, w in LEVEL_SHARES.items() if by_level[lv]]
        )
        self.by_level = by_level
        self.pick_status = _weighted(self.rnd, list(STATUS_SHARES))
        self.province = [s for s in shapes if any(a[0] == desk_agency_id for a in s.agencies)]

    def _secret(self) -> str:
        return "".join(self.rnd.choices(ALPHABET, k=LENGTH))

    def _hash(self, secret: str) -> str:
        message = b"dossier-lookup:" + normalise_secret(secret).encode("utf-8")
        return hmac.new(self.key, message, hashlib.sha256).hexdigest()

    def _code(self, agency: tuple[int, str], at: datetime) -> str:
        day = timezone.localtime(at).strftime("%y%m%d")
        number = self.codes.get((agency[0], day), 0) + 1
        self.codes[(agency[0], day)] = number
        return f"{agency[1]}-{day}-{number:04d}"

    def _event(self, dossier_id: int, kind: str, at: datetime, status: str) -> None:
        self.events.add(
            dossier_id=dossier_id,
            kind=kind,
            at=at,
            status=status,
            data="{}",
            portal_status=DEFAULT_PORTAL_CODES.get(status),
        )

    def one(self, index: int, *, rich: bool, keep_secret: bool) -> None:
        rnd = self.rnd
        shape = (
            rnd.choice(self.province)
            if rich and self.province
            else rnd.choice(self.by_level[self.pick_level()])
        )
        agency = (
            next(a for a in shape.agencies if a[0] == self.desk_agency_id)
            if rich and self.province
            else rnd.choice(shape.agencies)
        )
        status = DossierStatus.PROCESSING if rich else self.pick_status()
        days = float(shape.days or 1)
        # submitted within the last two years, before today (today's codes belong to the
        # submissions measured later); open dossiers are recent, a third of them past due
        age = rnd.uniform(1, 60 if status in CLOCK_RUNNING else 730)
        submitted = self.now - timedelta(days=age, minutes=rnd.randint(0, 600))
        received = submitted + timedelta(hours=rnd.uniform(0.2, 30))
        due = received + timedelta(days=days * 1.4 + rnd.uniform(0, 8))
        if status in CLOCK_RUNNING and rnd.random() < 0.33:
            due = self.now - timedelta(days=rnd.uniform(0.1, 20))
        elif status in CLOCK_RUNNING:
            due = self.now + timedelta(days=rnd.uniform(0.1, 25))
        secret = self._secret()
        is_received = status not in (DossierStatus.SUBMITTED, DossierStatus.REFUSED)
        finished = (
            received + timedelta(days=rnd.uniform(0.5, days * 1.6 + 1))
            if status in (DossierStatus.DONE, DossierStatus.RETURNED)
            else None
        )
        returned = (
            finished + timedelta(hours=rnd.uniform(1, 72))
            if finished and status == DossierStatus.RETURNED
            else None
        )
        last = returned or finished or (received if is_received else submitted)
        dossier_id = self.dossiers.add(
            created_at=submitted,
            updated_at=last,
            code=self._code(agency, submitted),
            procedure_id=shape.pk,
            receiving_agency_id=agency[0],
            handling_agency_id=agency[0],
            channel=Channel.ONLINE if rnd.random() < 0.55 else Channel.DIRECT,
            applicant_name=f"Công dân {index:07d}",
            applicant_id_number=f"0{rnd.randint(10**10, 10**11 - 1)}",
            summary="Đề nghị giải quyết thủ tục hành chính",
            status=status,
            lookup_secret_hash=self._hash(secret),
            submitted_at=submitted,
            received_at=received if is_received else None,
            processing_days=shape.days,
            legal_due_at=due if is_received else None,
            due_at=due if is_received else None,
            paused_at=received + timedelta(days=1)
            if status == DossierStatus.SUPPLEMENT_REQUESTED
            else None,
            finished_at=finished,
            returned_at=returned,
        )
        self.result.by_status[status] = self.result.by_status.get(status, 0) + 1
        if keep_secret:
            self.result.lookup_targets.append((self._code_of(dossier_id), secret))
        self._event(dossier_id, EventKind.SUBMITTED, submitted, DossierStatus.SUBMITTED)
        if status == DossierStatus.REFUSED:
            self._event(dossier_id, EventKind.REFUSED, received, status)
            return
        if is_received:
            self._event(dossier_id, EventKind.RECEIVED, received, DossierStatus.RECEIVED)
        if status in (DossierStatus.PROCESSING, DossierStatus.DONE, DossierStatus.RETURNED):
            self._steps(dossier_id, shape, agency[0], received, finished, rich)
        if rich:
            self.result.detail_ids.append(dossier_id)
            for number in range(2):
                self.files.add(
                    dossier_id=dossier_id,
                    component_code=f"TP{number + 1}",
                    name=f"thanh-phan-{number + 1}.pdf",
                    file=f"dossiers/files/00/00/bench{dossier_id}-{number}",
                    sha256="0" * 64,
                    size=120_000,
                    content_type="application/pdf",
                    uploaded_at=submitted,
                    is_supplement=False,
                )
        if finished:
            self._event(dossier_id, EventKind.FINISHED, finished, DossierStatus.DONE)
        if returned:
            self._event(dossier_id, EventKind.RETURNED, returned, DossierStatus.RETURNED)
        if status == DossierStatus.SUPPLEMENT_REQUESTED:
            self._event(dossier_id, EventKind.SUPPLEMENT_REQUESTED, received, status)
        if status == DossierStatus.WITHDRAWN:
            self._event(dossier_id, EventKind.WITHDRAWN, received, status)

    def _code_of(self, dossier_id: int) -> str:
        return str(self.dossiers.rows[-1][self.dossiers.columns.index("code")])

    def _steps(
        self,
        dossier_id: int,
        shape: ProcedureShape,
        agency_id: int,
        received: datetime,
        finished: datetime | None,
        rich: bool,
    ) -> None:
        plan = shape.steps or [(None, agency_id, "Thẩm định hồ sơ", Decimal(1))]
        if rich:
            plan = (plan * 4)[: max(4, len(plan))]
        elif not finished:
            plan = plan[: self.rnd.randint(1, len(plan))]
        at = received
        for order, (step_id, step_agency, name, days) in enumerate(plan, start=1):
            budget = timedelta(days=float(days or 1) * 1.4)
            done_at: datetime | None = at + budget * self.rnd.uniform(0.3, 1.3)
            if not finished and order == len(plan):
                done_at = None  # the step holding the dossier now
            self.steps.add(
                dossier_id=dossier_id,
                process_step_id=step_id,
                order=order,
                name=name,
                agency_id=step_agency or agency_id,
                days=days or Decimal(1),
                received_at=at,
                due_at=at + budget,
                finished_at=done_at,
                outcome=""
                if done_at is None
                else (StepOutcome.LATE if done_at > at + budget else StepOutcome.ON_TIME),
            )
            kind = EventKind.FORWARDED if order < len(plan) or finished is None else None
            self._event(dossier_id, kind or EventKind.STEP_COMPLETED, at, DossierStatus.PROCESSING)
            if done_at is None:
                break
            at = done_at

    def flush(self) -> None:
        for copier in (self.dossiers, self.events, self.steps, self.files):
            copier.flush()

    def finish(self) -> None:
        for copier in (self.dossiers, self.events, self.steps, self.files):
            copier.finish()
        self.result.dossiers = self.dossiers.count
        self.result.events = self.events.count
        self.result.steps = self.steps.count
        self.result.files = self.files.count


def dossiers_generate(
    count: int,
    *,
    desk_agency_id: int,
    seed: int = 2020,
    targets: int = 2000,
    say: Callable[[str], None] = lambda message: None,
) -> Generated:
    """Write `count` dossiers with COPY (autocommit per chunk), then ANALYZE."""
    require_postgresql()
    if Dossier.objects.exists():
        raise BenchUnavailable(
            "Cơ sở dữ liệu đã có hồ sơ: hãy chạy trên một CSDL mới (xem docs/benchmarks.md) "
            "hoặc dùng --reuse để đo lại trên hồ sơ đã sinh."
        )
    started = time.perf_counter()
    writer = _Writer(seed, timezone.now().replace(hour=0, minute=0, second=0), desk_agency_id)
    rich_every = max(1, count // RICH_SAMPLE)
    target_every = max(1, count // targets)
    for index in range(count):
        rich = index % rich_every == 0 and len(writer.result.detail_ids) < RICH_SAMPLE
        writer.one(index, rich=rich, keep_secret=index % target_every == 0)
        if len(writer.dossiers.rows) >= CHUNK:
            writer.flush()  # dossiers first: events, steps and files point at them
            say(f"generated {index + 1:,}/{count:,} dossiers")
    writer.finish()
    # VACUUM sets the visibility map (index-only scans), as autovacuum would on a live system
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        for model in (Dossier, DossierEvent, DossierStep, DossierComponentFile):
            cursor.execute(f"{command} {model._meta.db_table}")
    writer.result.seconds = round(time.perf_counter() - started, 1)
    say(f"generated {count:,} dossiers in {writer.result.seconds}s")
    return writer.result


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
