"""Revoke, update and replace packages to outside recipients (Bussiness kinds 1/2/3,
standards.md §4.3–4.4), the outgoing side.

Two sources, both writing `BusinessMessage` outbox rows in their own transaction:

- documents' relation services (outgoing_relations) call `documents.hooks.outgoing_superseded`
  when an issued document is revoked, replaced or corrected; every outside recipient that
  received the original through the hub gets a revoke package (the original's header, no files)
  or the new document as a replace / update package naming the original (Bussiness/DocumentId,
  ReplacementInfo). A recipient that is also on the new document's own list gets that package
  with the replace / update Bussiness instead (packages.superseding_business), never two.
- the clerk asks one recipient to take a document back (`revoke_request_send`): a revoke package
  to that recipient only. Status packages only flow from a receiver to the original sender
  (§4.6: From = the reporting receiver, ResponseFor = the original sender's document), so the
  request travels as a revoke package; the recipient answers 13 (request registered, waiting
  for its clerk) and then 15 (agreed) or 16 (refused, with the reason) — services/revocations.py.

Secret documents never travel: they have no outbox rows, and the package builder refuses them.
Sending is the outbox's: claim, build once into the spool, send, retry with back-off.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.audit.services import audit_record
from congso.core.errors import Conflict, PermissionDenied, ValidationFailed
from congso.core.identity import Role
from congso.documents.constants import OutboxStatus, OutgoingStatus, RelationKind
from congso.documents.models import OutboxMessage, OutgoingDocument, OutgoingRecipient
from congso.exchange.models import (
    BusinessKind,
    BusinessMessage,
    BusinessOrigin,
    IncidentKind,
    StatusMessageState,
)
from congso.exchange.services import config
from congso.exchange.services.common import ExchangeAction, claim_due, incident_record
from congso.exchange.services.packages import business_package
from congso.exchange.services.sending import SendFailure, package_send
from congso.exchange.transport import Transport

LEASE = dt.timedelta(minutes=10)
KIND_BY_RELATION = {
    RelationKind.REVOKES: BusinessKind.REVOKE,
    RelationKind.REPLACES: BusinessKind.REPLACE,
    RelationKind.CORRECTS: BusinessKind.UPDATE,
}
MAX_REASON = 500


def _schedule(message_ids: list[int]) -> None:
    from congso.exchange.tasks import business_send

    def send() -> None:
        for message_id in message_ids:
            business_send.delay(message_id=message_id)

    if message_ids:
        transaction.on_commit(send)


def _reached(document: OutgoingDocument) -> list[OutgoingRecipient]:
    """The outside recipients the document reached through the hub."""
    return list(
        OutgoingRecipient.objects.filter(
            document=document,
            agency__isnull=True,
            outbox_message__status=OutboxStatus.SENT,
        ).order_by("pk")
    )


def _queue(
    *,
    kind: str,
    origin: str,
    document: OutgoingDocument,
    original: OutgoingDocument,
    recipient: OutgoingRecipient,
    reason: str,
    actor: Any = None,
) -> tuple[BusinessMessage, bool]:
    return BusinessMessage.objects.get_or_create(
        kind=kind,
        document=document,
        recipient=recipient,
        defaults={
            "origin": origin,
            "original": original,
            "reason": reason[:MAX_REASON],
            "requested_by": actor,
        },
    )


def superseded_listener(
    document_id: int, kind: str, by_document_id: int | None, reason: str
) -> None:
    """documents.hooks listener (inside the revoking / issuing transaction): queue the revoke,
    replace or update packages to the original's outside recipients."""
    business = KIND_BY_RELATION.get(RelationKind(kind))
    if business is None:
        return
    original = OutgoingDocument.objects.get(pk=document_id)
    document = (
        original if by_document_id is None else OutgoingDocument.objects.get(pk=by_document_id)
    )
    if document.is_secret or original.is_secret:
        return  # secret documents never travel (they never reached the hub either)
    covered: set[str] = set()
    if document.pk != original.pk:
        covered = set(
            OutboxMessage.objects.filter(document=document).values_list(
                "recipient__organ_id", flat=True
            )
        )
    created: list[int] = []
    for recipient in _reached(original):
        if recipient.organ_id in covered:
            continue  # the new document's own package carries the replace / update
        message, new = _queue(
            kind=business,
            origin=BusinessOrigin.RELATION,
            document=document,
            original=original,
            recipient=recipient,
            reason=reason,
        )
        if new:
            created.append(message.pk)
    if created:
        audit_record(
            actor=None,
            action=ExchangeAction.BUSINESS_QUEUED,
            target=original,
            agency_id=original.agency_id,
            data={"kind": business, "by": by_document_id, "messages": created},
        )
    _schedule(created)


@transaction.atomic
def revoke_request_send(
    *, actor: Any, recipient: OutgoingRecipient, reason: str
) -> BusinessMessage:
    """The clerk asks one outside recipient to give back (thu hồi) a document it received
    through the hub: a revoke package to that recipient. The caller loads `recipient` through
    `access.access_external_recipient_by_id`."""
    reason = " ".join((reason or "").split())
    if not reason or len(reason) > MAX_REASON:
        raise ValidationFailed(
            _("Ghi lý do yêu cầu thu hồi (tối đa 500 ký tự)."),
            code="reason_required",
            field="reason",
        )
    if not actor.has_role(Role.CLERK):
        raise PermissionDenied(_("Chỉ văn thư được yêu cầu thu hồi văn bản đã gửi."))
    recipient = OutgoingRecipient.objects.select_for_update().get(pk=recipient.pk)
    document = OutgoingDocument.objects.get(pk=recipient.document_id)
    if document.status not in (OutgoingStatus.ISSUED, OutgoingStatus.REPLACED):
        raise Conflict(_("Văn bản không còn ở trạng thái đã ban hành."), code="not_issued")
    if (
        recipient.agency_id is not None
        or not OutboxMessage.objects.filter(recipient=recipient, status=OutboxStatus.SENT).exists()
    ):
        raise Conflict(
            _("Chỉ yêu cầu thu hồi được văn bản đã gửi qua trục đến nơi nhận này."),
            code="not_sent_through_hub",
        )
    message, new = _queue(
        kind=BusinessKind.REVOKE,
        origin=BusinessOrigin.REQUEST,
        document=document,
        original=document,
        recipient=recipient,
        reason=reason,
        actor=actor,
    )
    if not new:
        raise Conflict(_("Đã yêu cầu nơi nhận này thu hồi văn bản."), code="revoke_already_asked")
    audit_record(
        actor=actor,
        action=ExchangeAction.REVOKE_ASKED,
        target=document,
        data={"recipient": recipient.organ_id, "reason": reason, "message_id": message.pk},
    )
    _schedule([message.pk])
    return message


def spool_path(message_id: int) -> Path:
    return config.spool_dir() / f"business-{message_id}.edxml"


def business_message_send(*, message_id: int, transport: Transport | None = None) -> str:
    """Send one revoke / replace / update row if pending and due (idempotent)."""
    claimed = claim_due(
        BusinessMessage.objects.filter(state=StatusMessageState.PENDING),
        pk=message_id,
        lease=LEASE,
    )
    if claimed is None:
        return "skipped"
    message = BusinessMessage.objects.select_related(
        "original__agency", "recipient", "document"
    ).get(pk=claimed.pk)
    sent = package_send(
        spool_path(message.pk),
        lambda: business_package(
            kind=message.kind,
            document_pk=message.document_id,
            original=message.original,
            recipient=message.recipient,
            reason=message.reason,
        ),
        member_code=message.original.agency.code_qcvn102 or "",
        transport=transport,
    )
    if isinstance(sent, SendFailure):
        return _failed(message, sent.code, sent.message, permanent=sent.permanent)
    with transaction.atomic():
        BusinessMessage.objects.filter(pk=message.pk).update(
            state=StatusMessageState.SENT,
            hub_message_id=sent.id[:64],
            sent_at=timezone.now(),
            last_error="",
            next_attempt_at=None,
        )
        audit_record(
            actor=None,
            action=ExchangeAction.BUSINESS_SENT,
            target=message.original,
            agency_id=message.original.agency_id,
            data={
                "kind": message.kind,
                "recipient": message.recipient.organ_id,
                "hub_message_id": sent.id,
            },
        )
    spool_path(message.pk).unlink(missing_ok=True)
    return StatusMessageState.SENT


def _failed(message: BusinessMessage, code: str, error: str, *, permanent: bool) -> str:
    exhausted = message.attempts >= settings.EXCHANGE_SEND_MAX_ATTEMPTS
    text = f"{code}: {error}"[:500]
    with transaction.atomic():
        if not (permanent or exhausted):
            BusinessMessage.objects.filter(pk=message.pk).update(
                last_error=text,
                next_attempt_at=timezone.now() + config.retry_delay(message.attempts),
            )
            return StatusMessageState.PENDING
        BusinessMessage.objects.filter(pk=message.pk).update(
            state=StatusMessageState.FAILED, last_error=text, next_attempt_at=None
        )
        incident_record(
            kind=IncidentKind.SEND_FAILED,
            code=code,
            message=(
                f"Không gửi được gói tin {message.get_kind_display().lower()} văn bản "
                f"{message.original.number_notation} đến {message.recipient.name}: {error}"
            ),
            agency=message.original.agency,
            sender_code=message.original.agency.code_qcvn102 or "",
            recipient_code=message.recipient.organ_id,
            audit_action=ExchangeAction.SEND_FAILED,
        )
    spool_path(message.pk).unlink(missing_ok=True)
    return StatusMessageState.FAILED


def business_due_ids(*, limit: int = 500) -> list[int]:
    now = timezone.now()
    return list(
        BusinessMessage.objects.filter(state=StatusMessageState.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
