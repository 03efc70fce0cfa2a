"""Reads of the hub: members' inboxes and the operator's traffic, timing and stuck lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from congso.hub import conf
from congso.hub.constants import BusinessKind, DeliveryState, MessageKind
from congso.hub.models import Delivery, Member

# Delivery times are computed over at most this many recent deliveries (operator page stays fast).
TIMING_SAMPLE = 20_000


def delivery_pending_list(*, member: Member, kind: str, limit: int) -> QuerySet[Delivery]:
    """The member's not-yet-acknowledged packages of one kind, oldest first."""
    return (
        Delivery.objects.filter(recipient=member, state=DeliveryState.PENDING, kind=kind)
        .select_related("message__sender")
        .order_by("created_at", "pk")[:limit]
    )


def delivery_pending_kinds(*, member: Member) -> dict[str, bool]:
    """Whether the member has a package, and a status, waiting (two indexed EXISTS)."""
    waiting = Delivery.objects.filter(recipient=member, state=DeliveryState.PENDING)
    return {
        kind: waiting.filter(kind=kind).exists() for kind in (MessageKind.EDOC, MessageKind.STATUS)
    }


def member_list() -> QuerySet[Member]:
    return Member.objects.order_by("code")


def _rows_around(query: QuerySet[Any, Any], outer: str, *extra: Any) -> list[tuple[Any, ...]]:
    """The rows of the fixed statement `outer` run over `query`'s own SQL (put in place of
    `{inner}`, its parameters first, then `extra` for the statement's own placeholders)."""
    inner, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(outer.replace("{inner}", inner), (*params, *extra))
        return cursor.fetchall()


@dataclass(frozen=True)
class PairTraffic:
    sender: str
    recipient: str
    last_24h: int
    last_7d: int
    pending: int


@dataclass(frozen=True)
class Traffic:
    """The busiest pairs of the last 7 days, and the totals over every pair."""

    pairs: list[PairTraffic]
    pair_count: int
    last_24h: int
    last_7d: int
    pending: int


def traffic_by_pair(*, now: datetime | None = None, limit: int | None = None) -> Traffic:
    """Document deliveries per (sender, recipient) pair over the last 24 hours and 7 days: the
    `limit` (HUB_TRAFFIC_PAIRS) busiest pairs, most deliveries first, and the totals over every
    pair, in one statement (window functions over the ORM's grouped query)."""
    now = now or timezone.now()
    day, week = now - timedelta(days=1), now - timedelta(days=7)
    grouped = (
        Delivery.objects.filter(kind=MessageKind.EDOC, created_at__gte=week)
        .values("sender__code", "recipient__code")
        .annotate(
            last_24h=Count("pk", filter=Q(created_at__gte=day)),
            last_7d=Count("pk"),
            pending=Count("pk", filter=Q(state=DeliveryState.PENDING)),
        )
        .order_by()
    )
    rows = _rows_around(
        grouped,
        'SELECT "sender__code", "recipient__code", "last_24h", "last_7d", "pending", '
        'count(*) OVER (), sum("last_24h") OVER (), sum("last_7d") OVER (), '
        'sum("pending") OVER () FROM ({inner}) AS pairs '
        'ORDER BY "last_7d" DESC, "pending" DESC, "sender__code", "recipient__code" LIMIT %s',
        limit or conf.traffic_pairs(),
    )
    if not rows:
        return Traffic(pairs=[], pair_count=0, last_24h=0, last_7d=0, pending=0)
    return Traffic(
        pairs=[PairTraffic(*row[:5]) for row in rows],
        pair_count=int(rows[0][5]),
        last_24h=int(rows[0][6]),
        last_7d=int(rows[0][7]),
        pending=int(rows[0][8]),
    )


@dataclass(frozen=True)
class DeliveryTimes:
    count: int
    p50_seconds: float | None
    p95_seconds: float | None


def _percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    rank = max(1, int(-(-fraction * len(sorted_values) // 1)))
    return sorted_values[rank - 1]


def delivery_times(*, since: datetime | None = None) -> DeliveryTimes:
    """From acceptance by the hub to acknowledgement by the recipient, for document packages
    (a delivery is made in the transaction that accepts its message), over the latest
    TIMING_SAMPLE deliveries since `since`; PostgreSQL computes the percentiles itself."""
    since = since or timezone.now() - timedelta(days=7)
    sample = (
        Delivery.objects.filter(
            kind=MessageKind.EDOC,
            state=DeliveryState.DELIVERED,
            delivered_at__gte=since,
        )
        .order_by("-delivered_at")
        .values_list("created_at", "delivered_at")[:TIMING_SAMPLE]
    )
    if connection.vendor == "postgresql":
        return _times_counted_in_database(sample)
    seconds = sorted(
        max(0.0, (delivered - created).total_seconds())
        for created, delivered in sample
        if delivered is not None
    )
    if not seconds:
        return DeliveryTimes(0, None, None)
    return DeliveryTimes(len(seconds), _percentile(seconds, 0.5), _percentile(seconds, 0.95))


def _times_counted_in_database(sample: QuerySet[Delivery, tuple[Any, Any]]) -> DeliveryTimes:
    """The same nearest-rank percentiles as `_percentile` (percentile_disc), without sending
    the sample's rows to Python."""
    [(count, p50, p95)] = _rows_around(
        sample,
        "SELECT count(*), percentile_disc(0.5) WITHIN GROUP (ORDER BY seconds), "
        "percentile_disc(0.95) WITHIN GROUP (ORDER BY seconds) FROM ("
        "SELECT greatest(extract(epoch FROM delivered_at - created_at)::float8, 0) AS seconds "
        "FROM ({inner}) AS recent) AS spans",
    )
    if not count:
        return DeliveryTimes(0, None, None)
    return DeliveryTimes(int(count), float(p50), float(p95))


@dataclass(frozen=True)
class StuckItem:
    kind: str
    document_id: str
    sender: str
    recipient: str
    since: datetime
    state: str
    must_act: str
    action: str


def _stuck(d: Delivery, *, since: datetime, state: str, action: str) -> StuckItem:
    """Whoever holds the delivery must act: the recipient of a package or of a status."""
    return StuckItem(
        kind=d.message.kind,
        document_id=d.message.document_id,
        sender=d.message.sender.code,
        recipient=d.recipient.code,
        since=since,
        state=state,
        must_act=d.recipient.code,
        action=action,
    )


def stuck_list(*, now: datetime | None = None, limit: int = 200) -> list[StuckItem]:
    """Packages and documents waiting longer than HUB_STUCK_AFTER minutes, with who must act.

    - a document package not acknowledged → its recipient must fetch it;
    - a document fetched but without a final status (HUB_FINAL_STATUS_CODES, e.g. 02/03/06)
      from that recipient → the recipient must answer;
    - a status package not acknowledged → the document's sender must fetch it.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=conf.stuck_after_minutes())
    base = Delivery.objects.select_related("message__sender", "recipient")
    unfetched = base.filter(
        state=DeliveryState.PENDING, created_at__lt=cutoff, kind=MessageKind.EDOC
    ).order_by("created_at")[:limit]
    unanswered = base.filter(
        state=DeliveryState.DELIVERED,
        final_status_at__isnull=True,
        delivered_at__lt=cutoff,
        kind=MessageKind.EDOC,
        message__business=BusinessKind.NEW,
    ).order_by("delivered_at")[:limit]
    unread_statuses = base.filter(
        state=DeliveryState.PENDING, created_at__lt=cutoff, kind=MessageKind.STATUS
    ).order_by("created_at")[:limit]
    items = [
        _stuck(
            d,
            since=d.created_at,
            state="Chưa nhận gói tin",
            action="Nơi nhận cần tải và xác nhận gói tin",
        )
        for d in unfetched
    ]
    items += [
        _stuck(
            d,
            since=d.delivered_at or d.created_at,
            state=f"Trạng thái cuối: {d.last_status_code or '—'}",
            action="Nơi nhận cần gửi trạng thái tiếp nhận/từ chối/hoàn thành",
        )
        for d in unanswered
    ]
    items += [
        _stuck(
            d,
            since=d.created_at,
            state=f"Trạng thái {d.message.status_code} chưa được nhận",
            action="Nơi gửi văn bản cần tải và xác nhận gói tin trạng thái",
        )
        for d in unread_statuses
    ]
    items.sort(key=lambda item: item.since)
    return items[:limit]
