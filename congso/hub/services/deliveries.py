"""A recipient's deliveries: acknowledged (one or a page at once, audited) and fetches counted."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from congso.audit.services import AuditItem, audit_record, audit_record_many
from congso.hub.constants import DeliveryState, HubAuditAction
from congso.hub.models import Delivery, Member


@transaction.atomic
def delivery_acknowledge(*, delivery: Delivery) -> Delivery:
    """Mark a pending delivery as received by its recipient; repeating it changes nothing."""
    locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if locked.state != DeliveryState.PENDING:
        return locked
    locked.state = DeliveryState.DELIVERED
    locked.delivered_at = timezone.now()
    locked.save(update_fields=["state", "delivered_at"])
    audit_record(
        actor=None,
        action=HubAuditAction.DELIVERY_ACKNOWLEDGED,
        target=locked.message,
        data={"member": delivery.recipient.code, "delivery": locked.pk},
    )
    return locked


@transaction.atomic
def delivery_acknowledge_many(*, member: Member, deliveries: Sequence[Delivery]) -> list[Delivery]:
    """Mark the member's pending deliveries among `deliveries` as received, all at once.

    One transaction, one audit entry per delivery that changes state (written with
    `audit_record_many`); deliveries already acknowledged or revoked change nothing. Returns the
    deliveries acknowledged now.
    """
    locked = list(
        Delivery.objects.select_for_update(of=("self",))
        .select_related("message")
        .filter(pk__in=[d.pk for d in deliveries], recipient=member, state=DeliveryState.PENDING)
        .order_by("pk")
    )
    if not locked:
        return []
    now = timezone.now()
    Delivery.objects.filter(pk__in=[d.pk for d in locked]).update(
        state=DeliveryState.DELIVERED, delivered_at=now
    )
    audit_record_many(
        [
            AuditItem(
                action=HubAuditAction.DELIVERY_ACKNOWLEDGED,
                target=d.message,
                data={"member": member.code, "delivery": d.pk},
            )
            for d in locked
        ]
    )
    for d in locked:
        d.state, d.delivered_at = DeliveryState.DELIVERED, now
    return locked


def delivery_count_fetch(*, delivery: Delivery) -> None:
    """Count a download of the package by its recipient (shown to operators; not audited)."""
    Delivery.objects.filter(pk=delivery.pk).update(attempts=F("attempts") + 1)


def delivery_count_fetch_many(*, deliveries: Sequence[Delivery]) -> None:
    """`delivery_count_fetch` for a page of packages handed out inline, in one statement."""
    if deliveries:
        Delivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(
            attempts=F("attempts") + 1
        )
