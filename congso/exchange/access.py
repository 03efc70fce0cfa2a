"""The connector's gate: who sees incidents and failed sends, and who may send again.

The văn thư (clerk) and the administrator of an agency see their agency's incidents and failed
sends; a superuser sees every agency's. Missing and forbidden look the same (NotFound).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from congso.core.errors import NotFound
from congso.core.identity import Role
from congso.documents.constants import OutboxStatus
from congso.documents.models import OutboxMessage, OutgoingRecipient
from congso.exchange.models import ExchangeIncident, RevokeRequest

EXCHANGE_ROLES = (Role.CLERK, Role.ADMINISTRATOR)


def sees_everything(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False))


def can_watch_exchange(user: Any) -> bool:
    """A clerk or administrator of an agency (or a superuser)."""
    if sees_everything(user):
        return True
    if getattr(user, "kind", "") != "staff" or getattr(user, "agency_id", None) is None:
        return False
    return any(user.has_role(role) for role in EXCHANGE_ROLES)


def incidents_visible_to(user: Any) -> QuerySet[ExchangeIncident]:
    incidents = ExchangeIncident.objects.select_related("agency")
    if sees_everything(user):
        return incidents
    if not can_watch_exchange(user):
        return incidents.none()
    return incidents.filter(agency_id=user.agency_id)


def failed_sends_visible_to(user: Any) -> QuerySet[OutboxMessage]:
    failed = OutboxMessage.objects.filter(status=OutboxStatus.FAILED).select_related(
        "document", "recipient"
    )
    if sees_everything(user):
        return failed
    if not can_watch_exchange(user):
        return failed.none()
    return failed.filter(document__agency_id=user.agency_id)


def access_failed_send_by_id(*, user: Any, outbox_id: int) -> OutboxMessage:
    message = failed_sends_visible_to(user).filter(pk=outbox_id).first()
    if message is None:
        raise NotFound("Không tìm thấy lượt gửi lỗi.", code="outbox_message_not_found")
    return message


def external_recipients_visible_to(user: Any) -> QuerySet[OutgoingRecipient]:
    """Outside recipients (sent through the hub) of the documents of the user's agency."""
    rows = OutgoingRecipient.objects.filter(
        agency__isnull=True, outbox_message__isnull=False
    ).select_related("document", "outbox_message")
    if sees_everything(user):
        return rows
    if not can_watch_exchange(user):
        return rows.none()
    return rows.filter(document__agency_id=user.agency_id)


def access_external_recipient_by_id(*, user: Any, recipient_id: int) -> OutgoingRecipient:
    recipient = external_recipients_visible_to(user).filter(pk=recipient_id).first()
    if recipient is None:
        raise NotFound("Không tìm thấy nơi nhận qua trục.", code="recipient_not_found")
    return recipient


def revoke_requests_visible_to(user: Any) -> QuerySet[RevokeRequest]:
    """Revoke packages received by the user's agency."""
    requests = RevokeRequest.objects.select_related("receipt__incoming_document")
    if sees_everything(user):
        return requests
    if not can_watch_exchange(user):
        return requests.none()
    return requests.filter(receipt__incoming_document__agency_id=user.agency_id)


def access_revoke_request_by_id(*, user: Any, request_id: int) -> RevokeRequest:
    found = revoke_requests_visible_to(user).filter(pk=request_id).first()
    if found is None:
        raise NotFound("Không tìm thấy yêu cầu thu hồi.", code="revoke_request_not_found")
    return found


def can_act_as_clerk(user: Any, agency_id: int | None) -> bool:
    """Only the agency's văn thư asks for, agrees to or refuses a revocation."""
    return (
        getattr(user, "kind", "") == "staff"
        and agency_id is not None
        and getattr(user, "agency_id", None) == agency_id
        and user.has_role(Role.CLERK)
    )
