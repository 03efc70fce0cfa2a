"""Reads over incoming documents: lists, detail, history, stamp data, duplicates, task lists and
overdue assignments. Every read that a user asked for starts from `incoming_visible_to`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from congso.documents.access import incoming_visible_to, is_unit_head
from congso.documents.constants import (
    AssignmentStatus,
    IncomingStatus,
)
from congso.documents.models import (
    Assignment,
    IncomingDocument,
    IncomingFile,
)
from congso.organizations.constants import AgencyKind
from congso.organizations.models import Agency
from congso.workdays.calendar import local_day

ACTIVE_ASSIGNMENT = (AssignmentStatus.PENDING, AssignmentStatus.IN_PROGRESS)
OPEN_DOCUMENT = (IncomingStatus.ASSIGNED, IncomingStatus.IN_PROGRESS)
LIST_FIELDS = (
    "id",
    "agency_id",
    "arrival_number",
    "arrived_at",
    "code_number",
    "code_notation",
    "issued_on",
    "organ_name",
    "subject",
    "due_on",
    "status",
    "source",
    "is_secret",
    "document_type__id",
    "document_type__code",
    "document_type__name",
    "urgency__id",
    "urgency__code",
    "urgency__name",
)


# --- Lists ---------------------------------------------------------------------------------


def incoming_list(
    *,
    user: Any,
    status: str | None = None,
    year: int | None = None,
    urgency: str | None = None,
    assigned_to_me: bool = False,
    overdue: bool = False,
    today: date | None = None,
) -> QuerySet[IncomingDocument]:
    """Incoming documents `user` may read, newest first, without contents (list payloads)."""
    documents = (
        incoming_visible_to(user)
        .select_related("document_type", "urgency")
        .only(*LIST_FIELDS)
        .order_by("-pk")
    )
    if status:
        documents = documents.filter(status=status)
    if year:
        documents = documents.filter(
            arrived_at__gte=datetime(year, 1, 1, tzinfo=timezone.get_current_timezone()),
            arrived_at__lt=datetime(year + 1, 1, 1, tzinfo=timezone.get_current_timezone()),
        )
    if urgency:
        documents = documents.filter(urgency__code=urgency)
    if assigned_to_me:
        mine = Assignment.objects.filter(assignee_id=user.pk, status__in=ACTIVE_ASSIGNMENT)
        documents = documents.filter(pk__in=mine.values("document_id"))
    if overdue:
        documents = documents.filter(
            status__in=OPEN_DOCUMENT, due_on__lt=today or local_day(timezone.now())
        )
    return documents


def incoming_awaiting_acceptance(*, user: Any) -> QuerySet[IncomingDocument]:
    """Internal arrivals waiting for the clerk to accept or return them ("chờ vào sổ")."""
    return (
        incoming_list(user=user, status=IncomingStatus.RECEIVED)
        .select_related("issuer")
        .only(*LIST_FIELDS, "issuer__id", "issuer__name")
    )


def incoming_awaiting_distribution(*, user: Any) -> QuerySet[IncomingDocument]:
    """Registered documents nobody handles yet: the leader's inbox for distribution."""
    return incoming_list(user=user, status=IncomingStatus.ACCEPTED)


def assignments_of_user(*, user: Any, include_closed: bool = False) -> QuerySet[Assignment]:
    """ "Việc của tôi": assignments to `user`, and to the unit they head, earliest deadline first.

    Secret documents count only with a grant (the documents come from `incoming_visible_to`).
    """
    mine = Q(assignee_id=user.pk)
    if user.unit_id and is_unit_head(user, user.unit_id):
        mine |= Q(assignee__isnull=True, unit_id=user.unit_id)
    assignments = Assignment.objects.filter(mine, document__in=incoming_visible_to(user))
    if not include_closed:
        assignments = assignments.filter(status__in=ACTIVE_ASSIGNMENT)
    return assignments.select_related(
        "document", "document__document_type", "document__urgency", "assigned_by", "unit"
    ).order_by("due_on", "pk")


# --- Overdue -------------------------------------------------------------------------------


def assignments_overdue(
    *,
    on: date,
    unit_id: int | None = None,
    user_id: int | None = None,
    visible_to: Any = None,
    agency_id: int | None = None,
) -> QuerySet[Assignment]:
    """Assignments still open whose deadline passed before day `on` (quá hạn).

    `visible_to` restricts them to documents that user may read (what a person is shown);
    without it the selector is for the system (reminders, reports) and sees every agency.
    """
    assignments = Assignment.objects.filter(status__in=ACTIVE_ASSIGNMENT, due_on__lt=on)
    if visible_to is not None:
        assignments = assignments.filter(document__in=incoming_visible_to(visible_to))
    if agency_id is not None:
        assignments = assignments.filter(document__agency_id=agency_id)
    if unit_id is not None:
        assignments = assignments.filter(Q(unit_id=unit_id) | Q(assignee__unit_id=unit_id))
    if user_id is not None:
        assignments = assignments.filter(assignee_id=user_id)
    return assignments.select_related(
        "document", "document__document_type", "assignee", "assignee__unit", "unit"
    ).order_by("due_on", "pk")


@dataclass(frozen=True)
class OverdueCount:
    key_id: int | None
    name: str
    count: int


@dataclass(frozen=True)
class OverdueSummary:
    by_unit: list[OverdueCount]
    by_person: list[OverdueCount]


def assignments_overdue_summary(*, on: date, visible_to: Any) -> OverdueSummary:
    """How many overdue assignments each unit and each person has (one query)."""
    rows = assignments_overdue(on=on, visible_to=visible_to).values_list(
        "unit_id",
        "unit__name",
        "assignee_id",
        "assignee__full_name",
        "assignee__username",
        "assignee__unit_id",
        "assignee__unit__name",
    )
    units: Counter[tuple[int | None, str]] = Counter()
    people: Counter[tuple[int | None, str]] = Counter()
    for unit_id, unit_name, person_id, full_name, username, p_unit_id, p_unit_name in rows:
        if person_id is not None:
            people[(person_id, full_name or username)] += 1
        unit_key = (unit_id, unit_name) if unit_id else (p_unit_id, p_unit_name or "")
        units[unit_key] += 1

    def ordered(counter: Counter[tuple[int | None, str]]) -> list[OverdueCount]:
        return [
            OverdueCount(key_id=key[0], name=key[1] or "", count=count)
            for key, count in sorted(counter.items(), key=lambda item: (-item[1], item[0][1]))
        ]

    return OverdueSummary(by_unit=ordered(units), by_person=ordered(people))


# --- Duplicates ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DuplicateMatch:
    document_id: int
    arrival_number: int | None
    arrived_on: date
    number_notation: str
    organ_name: str
    subject: str
    reasons: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        values = asdict(self)
        values["arrived_on"] = self.arrived_on.isoformat()
        values["reasons"] = list(self.reasons)
        return values


def incoming_duplicates(
    *,
    user: Any,
    code_number: str,
    code_notation: str,
    organ_name: str,
    issuer_id: int | None,
    sha256s: Sequence[str],
) -> list[DuplicateMatch]:
    """Documents of the agency, readable by `user`, that look like the one being registered:
    same (số, ký hiệu, cơ quan ban hành) or same file (Phụ lục VI, part I, III.1)."""
    candidates = incoming_visible_to(user).exclude(status=IncomingStatus.RETURNED)
    same_triple = Q(pk__in=[])
    if code_number and code_notation:
        issuer = Q(organ_name__iexact=organ_name)
        if issuer_id is not None:
            issuer |= Q(issuer_id=issuer_id)
        same_triple = (
            Q(code_number__iexact=code_number) & Q(code_notation__iexact=code_notation) & issuer
        )
    with_file = IncomingFile.objects.filter(stored_file__sha256__in=list(sha256s))
    same_file = Q(pk__in=with_file.values("document_id")) if sha256s else Q(pk__in=[])
    matches = candidates.filter(same_triple | same_file).order_by("pk")[:20]
    found_by_file = set(with_file.values_list("document_id", flat=True)) if sha256s else set()
    result = []
    for document in matches:
        reasons = []
        if document.pk in found_by_file:
            reasons.append("same_file")
        if (
            code_number
            and code_notation
            and document.code_number.lower() == code_number.lower()
            and document.code_notation.lower() == code_notation.lower()
        ):
            reasons.append("same_number")
        result.append(
            DuplicateMatch(
                document_id=document.pk,
                arrival_number=document.arrival_number,
                arrived_on=local_day(document.arrived_at),
                number_notation=document.number_notation,
                organ_name=document.organ_name,
                subject=document.subject,
                reasons=tuple(reasons),
            )
        )
    return result


# --- Directory for pickers ------------------------------------------------------------------


def issuer_directory() -> QuerySet[Agency]:
    """Agencies of the installation that issue documents (not internal units), by name."""
    return (
        Agency.objects.filter(is_active=True)
        .exclude(kind=AgencyKind.INTERNAL_UNIT)
        .only("id", "name", "code_qcvn102")
        .order_by("name")
    )


def agency_units(*, agency_id: int) -> QuerySet[Agency]:
    """The internal units (phòng, ban) of an agency, for the distribution pickers."""
    return Agency.objects.filter(
        parent_id=agency_id, kind=AgencyKind.INTERNAL_UNIT, is_active=True
    ).order_by("name")


def agency_staff(*, agency_id: int) -> QuerySet[Any]:
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(agency_id=agency_id, kind="staff", is_active=True)
        .select_related("unit", "position")
        .order_by("unit__name", "full_name", "username")
    )
