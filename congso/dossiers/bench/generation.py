"""Synthetic dossiers for the benchmark, written with PostgreSQL COPY: `dossiers_generate`."""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, models
from django.utils import timezone

from congso.dossiers.bench.postgresql import BenchUnavailable, require_postgresql
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
