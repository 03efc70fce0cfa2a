"""Registers (sổ đăng ký văn bản đến / đi) and the report on handling incoming documents.

- Sổ đăng ký văn bản đến / đi carry the columns of Nghị định 30/2020/NĐ-CP, Phụ lục IV
  (standards.md §3.8); documents registered on the system are printed as the register form
  (Điều 16 khoản 2 điểm b; Điều 22 khoản 3 điểm b). Ordinary and secret documents have separate
  books (Điều 15 khoản 1): the secret book lists only documents the reader holds a grant for.
- Báo cáo tình hình giải quyết văn bản đến (Phụ lục VI, part I, III: output reports) counts the
  lead assignments (xử lý chính) of documents that arrived in the period, per unit or per person:
  received; done on time (completed on or before the deadline, or without one); done late; in
  progress within the deadline; overdue (not done, deadline before `as_of`, default today).
  Reassigned or returned assignments are not counted (their successor is).
Who: văn thư, lãnh đạo and administrators for the whole agency; a unit head for their own unit's
handling report. Every row starts from the access gates, so secret documents the reader may not
see are in no row and no count.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.core.errors import PermissionDenied, ValidationFailed
from congso.documents.access import (
    incoming_visible_to,
    is_unit_head,
    outgoing_visible_to,
    sees_whole_agency,
)
from congso.documents.constants import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    AssignmentRole,
    AssignmentStatus,
)
from congso.documents.models import Assignment, IncomingDocument, OutgoingDocument
from congso.documents.reports.tables import TableReport, day
from congso.organizations.models import Agency

MAX_PERIOD_DAYS = 5 * 366
CHUNK = 2000
INCOMING_COLUMNS = (
    "Ngày đến",
    "Số đến",
    "Tác giả",
    "Số, ký hiệu văn bản",
    "Ngày tháng văn bản",
    "Tên loại và trích yếu nội dung văn bản",
    "Đơn vị hoặc người nhận",
    "Ngày chuyển",
    "Ký nhận",
    "Ghi chú",
)
INCOMING_WIDTHS = (8.5, 5.5, 14, 11, 8.5, 28, 13, 8.5, 6, 9)
OUTGOING_COLUMNS = (
    "Số, ký hiệu văn bản",
    "Ngày tháng văn bản",
    "Tên loại và trích yếu nội dung văn bản",
    "Người ký",
    "Nơi nhận văn bản",
    "Đơn vị, người nhận bản lưu",
    "Số lượng bản",
    "Ngày chuyển",
    "Ký nhận",
    "Ghi chú",
)
OUTGOING_WIDTHS = (11, 8.5, 28, 11, 17, 10, 5.5, 8.5, 6, 8)
HANDLING_COLUMNS = (
    "STT",
    "Đơn vị, cá nhân",
    "Tổng số văn bản nhận",
    "Đã giải quyết đúng hạn",
    "Đã giải quyết quá hạn",
    "Đang giải quyết trong hạn",
    "Quá hạn chưa giải quyết",
)
HANDLING_WIDTHS = (4, 30, 10, 10, 10, 10, 10)
GROUP_BY = ("unit", "person")


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def label(self) -> str:
        return f"Từ ngày {day(self.start)} đến ngày {day(self.end)}"

    def bounds(self) -> tuple[datetime, datetime]:
        """[start 00:00, day after end 00:00) in local time, as aware datetimes."""
        zone = timezone.get_current_timezone()
        return (
            datetime.combine(self.start, time.min, tzinfo=zone),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=zone),
        )


def report_period(start: date | None, end: date | None) -> Period:
    """A checked period: both days given, start ≤ end, at most five years, within the years of
    documents (EARLIEST_YEAR..LATEST_YEAR)."""
    if start is None or end is None:
        raise ValidationFailed(_("Chọn khoảng thời gian báo cáo."), code="period_required")
    if start > end:
        raise ValidationFailed(
            _("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc."), code="period_reversed"
        )
    if (end - start).days > MAX_PERIOD_DAYS:
        raise ValidationFailed(_("Khoảng thời gian tối đa 5 năm."), code="period_too_long")
    if start.year < EARLIEST_YEAR or end.year > LATEST_YEAR:
        raise ValidationFailed(
            _("Khoảng thời gian báo cáo phải nằm trong các năm %(first)d–%(last)d.")
            % {"first": EARLIEST_YEAR, "last": LATEST_YEAR},
            code="period_out_of_range",
        )
    return Period(start, end)


def _require_agency_wide(user: Any) -> None:
    if not sees_whole_agency(user) or user.agency_id is None:
        raise PermissionDenied(
            _("Chỉ văn thư, lãnh đạo cơ quan được in sổ và báo cáo của cơ quan."),
            code="reports_forbidden",
        )


def _organ_lines(agency_id: int) -> list[str]:
    agency = Agency.objects.select_related("parent").get(pk=agency_id)
    lines = [agency.parent.name] if agency.parent_id and agency.parent else []
    return [*lines, agency.name]


def _book_note(secret: bool) -> list[str]:
    return [_("Sổ văn bản mật")] if secret else []


# --- Sổ đăng ký văn bản đến --------------------------------------------------------------------


def _receivers(document: IncomingDocument) -> tuple[str, date | None]:
    leads = [a for a in document.assignments.all() if a.parent_id is None]
    names = []
    for assignment in leads:
        target = assignment.unit or assignment.assignee
        if target is not None:
            names.append(str(getattr(target, "display_name", None) or target))
    first = min((a.created_at for a in leads), default=None)
    receivers = "; ".join(dict.fromkeys(names)) or document.to_places
    return receivers, timezone.localdate(first) if first else None


def _incoming_rows(documents: QuerySet[IncomingDocument]) -> Iterator[list[str | int]]:
    for document in documents.iterator(chunk_size=CHUNK):
        receivers, sent_on = _receivers(document)
        yield [
            day(timezone.localdate(document.arrived_at)),
            document.arrival_number or "",
            document.organ_name,
            document.number_notation,
            day(document.issued_on),
            f"{document.document_type.name}: {document.subject}",
            receivers,
            day(sent_on),
            "",
            document.description,
        ]


def incoming_register_report(
    *, user: Any, start: date | None, end: date | None, secret: bool = False
) -> TableReport:
    """Sổ đăng ký văn bản đến of the user's agency for a period (by date of arrival)."""
    _require_agency_wide(user)
    period = report_period(start, end)
    since, until = period.bounds()
    documents = (
        incoming_visible_to(user)
        .filter(
            arrival_number__isnull=False,
            register__is_secret=secret,
            arrived_at__gte=since,
            arrived_at__lt=until,
        )
        .select_related("document_type")
        .prefetch_related("assignments__unit", "assignments__assignee")
        .order_by("register__year", "arrival_number")
    )
    return TableReport(
        title=_("Sổ đăng ký văn bản đến"),
        organ_lines=_organ_lines(user.agency_id),
        period_line=period.label,
        columns=INCOMING_COLUMNS,
        widths=INCOMING_WIDTHS,
        rows=_incoming_rows(documents),
        notes=_book_note(secret),
        file_stem=f"so-van-ban-den-{period.start:%Y%m%d}-{period.end:%Y%m%d}",
    )


# --- Sổ đăng ký văn bản đi ---------------------------------------------------------------------


def _outgoing_rows(documents: QuerySet[OutgoingDocument]) -> Iterator[list[str | int]]:
    for document in documents.iterator(chunk_size=CHUNK):
        recipients = "; ".join(r.name for r in document.recipients.all())
        kept_by = document.storage_note or (
            document.drafting_unit.name if document.drafting_unit else ""
        )
        note = _("Đã thu hồi") if document.revoked_at else ""
        yield [
            document.number_notation,
            day(document.issued_on),
            f"{document.document_type.name}: {document.subject}",
            document.signer_full_name,
            recipients,
            kept_by,
            document.issued_amount or "",
            day(timezone.localdate(document.issued_at)) if document.issued_at else "",
            "",
            note,
        ]


def outgoing_register_report(
    *, user: Any, start: date | None, end: date | None, secret: bool = False
) -> TableReport:
    """Sổ đăng ký văn bản đi of the user's agency for a period (by date of the document)."""
    _require_agency_wide(user)
    period = report_period(start, end)
    documents = (
        outgoing_visible_to(user)
        .filter(
            code_number__isnull=False,
            register__is_secret=secret,
            issued_on__gte=period.start,
            issued_on__lte=period.end,
        )
        .select_related("document_type", "drafting_unit")
        .prefetch_related("recipients")
        .order_by("register__year", "code_number")
    )
    return TableReport(
        title=_("Sổ đăng ký văn bản đi"),
        organ_lines=_organ_lines(user.agency_id),
        period_line=period.label,
        columns=OUTGOING_COLUMNS,
        widths=OUTGOING_WIDTHS,
        rows=_outgoing_rows(documents),
        notes=_book_note(secret),
        file_stem=f"so-van-ban-di-{period.start:%Y%m%d}-{period.end:%Y%m%d}",
    )


# --- Báo cáo tình hình giải quyết văn bản đến ----------------------------------------------------


@dataclass(frozen=True)
class HandlingLine:
    key: int | None
    name: str
    received: int
    done_on_time: int
    done_late: int
    in_progress: int
    overdue: int

    def cells(self) -> list[str | int]:
        return [
            self.name,
            self.received,
            self.done_on_time,
            self.done_late,
            self.in_progress,
            self.overdue,
        ]


def _handling_assignments(
    user: Any, period: Period, unit_id: int | None, group_by: str
) -> QuerySet[Assignment]:
    since, until = period.bounds()
    visible = incoming_visible_to(user).filter(arrived_at__gte=since, arrived_at__lt=until)
    assignments = Assignment.objects.filter(
        document_id__in=visible.values("pk"), role=AssignmentRole.LEAD
    ).exclude(status__in=[AssignmentStatus.REASSIGNED, AssignmentStatus.RETURNED])
    if group_by == "unit":
        assignments = assignments.filter(parent__isnull=True)
    else:
        assignments = assignments.filter(assignee__isnull=False)
    if unit_id is not None:
        assignments = assignments.filter(Q(unit_id=unit_id) | Q(assignee__unit_id=unit_id))
    return assignments


def handling_lines(
    *,
    user: Any,
    start: date | None,
    end: date | None,
    unit_id: int | None = None,
    group_by: str = "unit",
    as_of: date | None = None,
) -> tuple[Period, list[HandlingLine]]:
    """Counts per unit or person (see the module docstring for each column's rule)."""
    period = report_period(start, end)
    if group_by not in GROUP_BY:
        raise ValidationFailed(_("Chọn thống kê theo đơn vị hoặc cá nhân."), code="bad_group_by")
    if not sees_whole_agency(user) and not is_unit_head(user, unit_id):
        raise PermissionDenied(
            _("Bạn chỉ được xem báo cáo của đơn vị mình phụ trách."), code="reports_forbidden"
        )
    if (
        unit_id is not None
        and not Agency.objects.filter(pk=unit_id, parent_id=user.agency_id).exists()
    ):
        raise ValidationFailed(
            _("Đơn vị không thuộc cơ quan của bạn."), code="unknown_unit", field="unit"
        )
    as_of = as_of or timezone.localdate()
    done = Q(status=AssignmentStatus.DONE)
    on_time = done & (Q(due_on__isnull=True) | Q(completed_at__date__lte=F("due_on")))
    late = done & Q(completed_at__date__gt=F("due_on"))
    overdue = ~done & Q(due_on__lt=as_of)
    key = Coalesce("unit_id", "assignee__unit_id") if group_by == "unit" else F("assignee_id")
    counted = (
        _handling_assignments(user, period, unit_id, group_by)
        .annotate(group_key=key)
        .values("group_key")
        .annotate(
            received=Count("pk"),
            done_on_time=Count("pk", filter=on_time),
            done_late=Count("pk", filter=late),
            overdue=Count("pk", filter=overdue),
        )
        .order_by("group_key")
    )
    rows = list(counted)
    names = _group_names(group_by, [row["group_key"] for row in rows])
    lines = [
        HandlingLine(
            key=row["group_key"],
            name=names.get(row["group_key"], _("(Chưa xác định đơn vị)")),
            received=row["received"],
            done_on_time=row["done_on_time"],
            done_late=row["done_late"],
            in_progress=row["received"] - row["done_on_time"] - row["done_late"] - row["overdue"],
            overdue=row["overdue"],
        )
        for row in rows
    ]
    return period, sorted(lines, key=lambda line: line.name)


def _group_names(group_by: str, keys: Sequence[int | None]) -> dict[int | None, str]:
    ids = [key for key in keys if key is not None]
    if group_by == "unit":
        return dict(Agency.objects.filter(pk__in=ids).values_list("pk", "name"))
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(pk__in=ids)
    return {u.pk: str(getattr(u, "display_name", u)) for u in users}


def handling_report(
    *,
    user: Any,
    start: date | None,
    end: date | None,
    unit_id: int | None = None,
    group_by: str = "unit",
    as_of: date | None = None,
) -> TableReport:
    """Báo cáo tình hình giải quyết văn bản đến as a table for PDF / Excel."""
    period, lines = handling_lines(
        user=user, start=start, end=end, unit_id=unit_id, group_by=group_by, as_of=as_of
    )
    rows = [[index, *line.cells()] for index, line in enumerate(lines, start=1)]
    numbers = ("received", "done_on_time", "done_late", "in_progress", "overdue")
    sums = [sum(getattr(line, field) for line in lines) for field in numbers]
    totals: list[str | int] = ["", _("Tổng cộng"), *sums]
    scope = _("theo đơn vị") if group_by == "unit" else _("theo cá nhân")
    notes = [
        _("Thống kê %(scope)s, tình trạng đến ngày %(day)s")
        % {
            "scope": scope,
            "day": day(as_of or timezone.localdate()),
        }
    ]
    if unit_id is not None:
        unit = Agency.objects.filter(pk=unit_id).values_list("name", flat=True).first()
        notes.append(_("Đơn vị: %(unit)s") % {"unit": unit or unit_id})
    return TableReport(
        title=_("Báo cáo tình hình giải quyết văn bản đến"),
        organ_lines=_organ_lines(user.agency_id),
        period_line=period.label,
        columns=HANDLING_COLUMNS,
        widths=HANDLING_WIDTHS,
        rows=rows,
        totals=totals,
        notes=notes,
        file_stem=f"bao-cao-giai-quyet-van-ban-den-{period.start:%Y%m%d}-{period.end:%Y%m%d}",
        numbered_columns=False,
    )
