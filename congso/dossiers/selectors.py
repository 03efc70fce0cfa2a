"""Reads of the dossiers domain: public lookup, detail, deadline lists, delay attribution."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from congso.dossiers import deadlines
from congso.dossiers.constants import CLOCK_RUNNING
from congso.dossiers.lookup import lookup_secret_matches
from congso.dossiers.models import Dossier, DossierComponentFile, DossierEvent, DossierStep
from congso.workdays.calendar import LOCAL_TZ, add_working_days, local_day

RELATION_PAGE = 50
logger = logging.getLogger(__name__)


def dossier_public_lookup(code: str, secret: str) -> Dossier | None:
    """The dossier with this code when the secret matches; None for an unknown code and for a
    wrong secret alike (no oracle)."""
    code = (code or "").strip()
    if not code or not secret:
        return None
    dossier = (
        Dossier.objects.select_related("procedure", "receiving_agency")
        .only(
            "id",
            "code",
            "status",
            "lookup_secret_hash",
            "submitted_at",
            "received_at",
            "due_at",
            "finished_at",
            "returned_at",
            "procedure__name",
            "procedure__code",
            "receiving_agency__name",
            "updated_at",
        )
        .filter(code=code)
        .first()
    )
    if dossier is None or not lookup_secret_matches(secret, dossier.lookup_secret_hash):
        return None
    return dossier


# The public answer: these columns only (the secret's HMAC is checked, never shown).
PUBLIC_COLUMNS = {
    "code": "code",
    "status": "status",
    "procedure_name": "procedure__name",
    "receiving_agency_name": "receiving_agency__name",
    "submitted_at": "submitted_at",
    "received_at": "received_at",
    "due_at": "due_at",
    "finished_at": "finished_at",
    "returned_at": "returned_at",
}
_CODE_KEY = "dossiers:lookup:code:"
_ID_KEY = "dossiers:lookup:id:"
# Codes are `{QCVN 102 code}-{yymmdd}-{nnnn}`; anything else is looked up but never cached.
_CACHEABLE_CODE = re.compile(r"[0-9A-Za-z.\-]{1,40}")
CODE_MAX = 40


def _public_row(code: str) -> dict[str, Any] | None:
    columns = (*PUBLIC_COLUMNS.values(), "id", "lookup_secret_hash")
    rows = Dossier.objects.filter(code=code).order_by().values(*columns)[:1]
    return next(iter(rows), None)


def dossier_public_status(code: str, secret: str) -> dict[str, Any] | None:
    """The public status of the dossier with this code when the secret matches; None for an
    unknown code and for a wrong secret alike (no oracle). The lean path of the public lookup
    (issue 6, Performance): one query on the unique code index with `.values()` of the public
    columns, kept DOSSIER_LOOKUP_CACHE_SECONDS in the Django cache keyed by code (with the
    secret's HMAC, checked with `hmac.compare_digest` on every answer) and forgotten on every
    status change (`public_status_forget`, registered on the dossier hooks)."""
    code = (code or "").strip()
    if not code or not secret or len(code) > CODE_MAX:
        return None
    seconds = int(getattr(settings, "DOSSIER_LOOKUP_CACHE_SECONDS", 0))
    cacheable = seconds > 0 and _CACHEABLE_CODE.fullmatch(code) is not None
    row = cache.get(_CODE_KEY + code) if cacheable else None
    if row is None:
        row = _public_row(code)
        if row is None:
            return None
        if cacheable:
            # the id key lets a status change (which knows only the id) forget the answer
            cache.set_many({_CODE_KEY + code: row, _ID_KEY + str(row["id"]): code}, seconds)
    if not lookup_secret_matches(secret, row["lookup_secret_hash"]):
        return None
    return {name: row[column] for name, column in PUBLIC_COLUMNS.items()}


def public_status_forget(dossier_id: int, event_id: int | None = None) -> None:
    """Drop the cached public answer of a dossier (a dossier hook: its status changed). Runs in
    the changing transaction and again after commit, so a lookup cached between the two is
    dropped too; a cache failure never blocks the change."""
    try:
        code = cache.get(_ID_KEY + str(dossier_id))
        if code is not None:
            cache.delete_many([_CODE_KEY + str(code), _ID_KEY + str(dossier_id)])
    except Exception:  # noqa: BLE001 - the cache is an optimisation; the entry expires anyway
        logger.warning("lookup cache: could not forget dossier %s", dossier_id, exc_info=True)


def dossier_detail(
    dossier_id: int, *, visible: QuerySet[Dossier] | None = None, page: int = RELATION_PAGE
) -> Dossier | None:
    """The dossier with its history, components, steps, sub-dossiers, rating and result in a
    fixed number of queries (five); each relation holds its first `page + 1` rows (the extra row
    says whether there are more: the relation endpoints page the rest — no COUNT), as
    `events_page`, `files_page` and `steps_page`. One dossier, so each relation is a plain
    `WHERE dossier_id = … ORDER BY … LIMIT page + 1` on its dossier index (a sliced prefetch
    would compile and run a ROW_NUMBER() window over the same rows)."""
    base = visible if visible is not None else Dossier.objects.all()
    dossier = (
        base.select_related("procedure", "receiving_agency", "handling_agency", "parent", "rating")
        .filter(pk=dossier_id)
        .first()
    )
    if dossier is None:
        return None
    limit = page + 1
    dossier.events_page = list(  # type: ignore[attr-defined]
        DossierEvent.objects.filter(dossier_id=dossier.pk)
        .select_related("actor")
        .order_by("at", "pk")[:limit]
    )
    dossier.files_page = list(  # type: ignore[attr-defined]
        DossierComponentFile.objects.filter(dossier_id=dossier.pk).order_by("pk")[:limit]
    )
    dossier.steps_page = list(  # type: ignore[attr-defined]
        DossierStep.objects.filter(dossier_id=dossier.pk)
        .select_related("agency", "assignee", "sender", "sub_dossier")
        .order_by("received_at", "pk")[:limit]
    )
    prefetch_related_objects(
        [dossier],
        Prefetch(
            "children", queryset=Dossier.objects.select_related("handling_agency").order_by("pk")
        ),
    )
    return dossier


def _agency_q(agency: Any) -> Q:
    agency_id = getattr(agency, "pk", agency)
    return Q(handling_agency_id=agency_id) | Q(receiving_agency_id=agency_id, parent__isnull=True)


def _officer_q(officer: Any) -> Q:
    steps = DossierStep.objects.filter(
        dossier=OuterRef("pk"),
        assignee_id=getattr(officer, "pk", officer),
        finished_at__isnull=True,
    )
    return Q(Exists(steps))


def _running(agency: Any, officer: Any) -> QuerySet[Dossier]:
    # A sub-dossier keeps its status while its parent waits for a supplement: its clock stands.
    queryset = Dossier.objects.filter(status__in=CLOCK_RUNNING, paused_at__isnull=True)
    if agency is not None:
        queryset = queryset.filter(_agency_q(agency))
    if officer is not None:
        queryset = queryset.filter(_officer_q(officer))
    return queryset


def dossiers_overdue(
    agency: Any = None, as_of: datetime | None = None, officer: Any = None
) -> QuerySet[Dossier]:
    """Open dossiers whose return date has passed (paused ones are not running late)."""
    moment = as_of or timezone.now()
    return _running(agency, officer).filter(due_at__lt=moment).order_by("due_at", "pk")


def nearing_limit(as_of: datetime, days: int) -> datetime:
    last_day = add_working_days(local_day(as_of), days, cutoff=None)
    return datetime.combine(last_day, time(23, 59, 59), tzinfo=LOCAL_TZ)


def dossiers_nearing_due(
    agency: Any = None, days: int | None = None, as_of: datetime | None = None, officer: Any = None
) -> QuerySet[Dossier]:
    """Open dossiers not yet late but due within `days` working days (default setting)."""
    moment = as_of or timezone.now()
    window = settings.DOSSIER_NEARING_DUE_DAYS if days is None else days
    return (
        _running(agency, officer)
        .filter(due_at__gte=moment, due_at__lte=nearing_limit(moment, window))
        .order_by("due_at", "pk")
    )


def steps_overdue(
    agency: Any = None, officer: Any = None, as_of: datetime | None = None
) -> QuerySet[DossierStep]:
    """Open steps past their own budget, per agency or per officer (Mẫu 05 "quá hạn")."""
    queryset = DossierStep.objects.filter(
        finished_at__isnull=True,
        due_at__lt=as_of or timezone.now(),
        dossier__status__in=CLOCK_RUNNING,
    )
    if agency is not None:
        queryset = queryset.filter(agency_id=getattr(agency, "pk", agency))
    if officer is not None:
        queryset = queryset.filter(assignee_id=getattr(officer, "pk", officer))
    return queryset.select_related("dossier", "agency", "assignee").order_by("due_at", "pk")


@dataclass(frozen=True)
class DelayShare:
    step_id: int | None
    agency_id: int | None
    agency_name: str
    step_name: str
    days: int


@dataclass(frozen=True)
class DelayAttribution:
    total_days: int
    shares: list[DelayShare]


def dossier_delay_attribution(dossier: Dossier, as_of: datetime | None = None) -> DelayAttribution:
    """Each working day after the legal due date (pauses included, extension not) until the
    result — or `as_of` — attributed to the step (and its agency) that held the dossier."""
    due = dossier.legal_due_at or dossier.due_at
    if due is None:
        return DelayAttribution(total_days=0, shares=[])
    until = dossier.finished_at or as_of or timezone.now()
    steps = list(dossier.steps.select_related("agency").order_by("received_at", "pk"))
    holdings = [deadlines.Holding(step.pk, step.received_at, step.finished_at) for step in steps]
    counts = deadlines.attribute_delay(due, until, holdings)
    by_id = {step.pk: step for step in steps}
    shares = []
    for key, days in counts.items():
        step = by_id.get(key) if isinstance(key, int) else None
        shares.append(
            DelayShare(
                step_id=step.pk if step else None,
                agency_id=step.agency_id if step else None,
                agency_name=step.agency.name if step else "",
                step_name=step.name if step else "",
                days=days,
            )
        )
    return DelayAttribution(total_days=sum(counts.values()), shares=shares)


def dossier_list(user_visible: QuerySet[Dossier], **filters: Any) -> QuerySet[Dossier]:
    queryset = user_visible.select_related("procedure", "receiving_agency", "handling_agency")
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    if filters.get("procedure"):
        queryset = queryset.filter(procedure__code=filters["procedure"])
    if filters.get("code"):
        queryset = queryset.filter(code__startswith=filters["code"].strip())
    if filters.get("applicant"):
        queryset = queryset.filter(applicant_name__icontains=filters["applicant"].strip())
    if filters.get("overdue"):
        queryset = queryset.filter(
            status__in=CLOCK_RUNNING, paused_at__isnull=True, due_at__lt=timezone.now()
        )
    if filters.get("parent_dossier") is not None:
        queryset = queryset.filter(parent_id=filters["parent_dossier"])
    return queryset
