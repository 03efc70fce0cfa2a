"""The hub's one gate: which member may read which package, and who may see operator pages."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from congso.hub.constants import DeliveryState
from congso.hub.errors import HubMessageNotFound
from congso.hub.models import Delivery, Member, Message


def access_message_by_id(
    *, member: Member, message_id: uuid.UUID | str, kind: str
) -> tuple[Message, Delivery | None]:
    """The package if `member` sent it or it is (still) addressed to them; missing looks the same.

    A delivery revoked before the recipient fetched it is no longer readable by that recipient.
    Returns the member's delivery (None for the sender).
    """
    message = Message.objects.select_related("sender").filter(pk=message_id, kind=kind).first()
    if message is None:
        raise HubMessageNotFound()
    delivery = (
        Delivery.objects.select_related("recipient")
        .filter(message=message, recipient=member)
        .exclude(state=DeliveryState.REVOKED)
        .first()
    )
    if delivery is not None:
        return message, delivery
    if message.sender_id == member.pk:
        return message, None
    raise HubMessageNotFound()


def access_delivery_for_ack(*, member: Member, message_id: uuid.UUID | str, kind: str) -> Delivery:
    """The caller's own delivery of a package, for acknowledging it.

    A revoked delivery is gone for its recipient (`access_message_by_id` answers 404), so it
    cannot be acknowledged either: missing looks the same.
    """
    delivery = (
        Delivery.objects.select_related("message", "recipient")
        .filter(message_id=message_id, kind=kind, recipient=member)
        .exclude(state=DeliveryState.REVOKED)
        .first()
    )
    if delivery is None:
        raise HubMessageNotFound()
    return delivery


def access_deliveries_for_ack(
    *, member: Member, message_ids: Sequence[uuid.UUID], kind: str
) -> dict[uuid.UUID, Delivery]:
    """The caller's own deliveries of these packages, by message id, for acknowledging them.

    Ids of other members' packages, of another kind, of deliveries revoked before the caller
    fetched them or of nothing at all are simply absent, so the caller learns nothing about them
    (as `access_delivery_for_ack` answers 404).
    """
    deliveries = Delivery.objects.filter(
        message_id__in=message_ids, kind=kind, recipient=member
    ).exclude(state=DeliveryState.REVOKED)
    return {delivery.message_id: delivery for delivery in deliveries}


def is_operator(user: Any) -> bool:
    """Operator pages are for active staff accounts of the hub deployment."""
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and getattr(user, "is_staff", False)
    )
