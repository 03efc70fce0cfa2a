"""Revoke packages received (Bussiness kind "thu hồi") and this agency's answer: 13, 15 or 16.

Status packages travel from a receiver to the original sender only (standards.md §4.6), so a
sender's wish to take a document back arrives as a revoke package naming the document
(Bussiness/DocumentId), and every answer comes from here:

- the document is not registered here → incident, 16 "không tìm thấy văn bản";
- it is already revoked, or was returned (02) → 15 at once: there is nothing to give back;
- it is still waiting for the clerk (state in EXCHANGE_REVOKE_AUTO_STATES, default "received":
  no số đến, nobody handles it) → revoked at once (documents'
  `incoming_document_revoke_by_sender`, audited) and 15;
- it is already in handling → 13 ("yêu cầu lấy lại văn bản": the request is registered and waits
  for the clerk), then the clerk agrees (`revoke_request_decide`: revoked, 15) or refuses with a
  reason (16).

Each package is one `RevokeRequest` (unique per hub message and recipient), so a package
delivered twice is answered once.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.audit.services import audit_record
from congso.core.errors import Conflict, PermissionDenied, ValidationFailed
from congso.core.identity import Role
from congso.documents.constants import IncomingStatus
from congso.documents.services.incoming_exchange import (
    incoming_document_note_by_sender,
    incoming_document_revoke_by_sender,
)
from congso.exchange import lib
from congso.exchange.models import (
    ExchangeReceipt,
    IncidentKind,
    RevokeRequest,
    RevokeState,
)
from congso.exchange.services.common import ExchangeAction, incident_record
from congso.exchange.services.statuses import revoke_status_queue
from congso.exchange.transport import ReceivedItem, Transport
from congso.organizations.models import Agency

ANSWERED_AT_ONCE = (IncomingStatus.REVOKED, IncomingStatus.RETURNED)
MAX_REASON = 500


def revoke_package_receive(
    *, transport: Transport, item: ReceivedItem, agency: Agency, package: lib.DocumentPackage
) -> RevokeRequest:
    """Register one revoke package and answer it (in one transaction)."""
    sender = package.header.from_org.code
    document_id = package.business.document_id or package.header.document_id
    reason = (package.business.reason or "").strip()[:MAX_REASON]
    with transaction.atomic():
        receipt = (
            ExchangeReceipt.objects.select_for_update(of=("self",))  # not the agency row
            .select_related("incoming_document__agency")
            .filter(
                sender_code=sender, document_id=document_id, recipient_code=transport.member_code
            )
            .first()
        )
        request = RevokeRequest(
            sender_code=sender,
            document_id=document_id[:100],
            recipient_code=transport.member_code,
            hub_message_id=item.id[:64],
            reason=reason,
            receipt=receipt,
        )
        request.full_clean(validate_unique=False)
        request.save()
        audit_record(
            actor=None,
            action=ExchangeAction.REVOKE_RECEIVED,
            target=request,
            agency_id=agency.pk,
            data={"from": sender, "document_id": document_id, "hub_message_id": item.id},
        )
        if receipt is None:
            _unknown(request, agency)
            return request
        status = receipt.incoming_document.status
        if status in ANSWERED_AT_ONCE:
            _accept(request, receipt, actor=None, apply=False)
        elif status in settings.EXCHANGE_REVOKE_AUTO_STATES:
            _accept(request, receipt, actor=None, apply=True)
        else:
            revoke_status_queue(receipt=receipt, status_code="13", reason=reason)
        return request


def _unknown(request: RevokeRequest, agency: Agency) -> None:
    message = (
        f"Không tìm thấy văn bản {request.document_id} của {request.sender_code} đã nhận qua trục."
    )
    revoke_status_queue(
        receipt=None,
        request=request,
        status_code="16",
        reason=message,
    )
    request.state = RevokeState.REFUSED
    request.refusal_reason = message[:MAX_REASON]
    request.decided_at = timezone.now()
    request.save(update_fields=["state", "refusal_reason", "decided_at"])
    incident_record(
        kind=IncidentKind.REVOKE_REFUSED,
        code="exchange_unknown_document",
        message=f"Yêu cầu thu hồi không thực hiện được: {message}",
        agency=agency,
        hub_message_id=request.hub_message_id,
        sender_code=request.sender_code,
        recipient_code=request.recipient_code,
        document_id=request.document_id,
        status_reply_sent=True,
        audit_action=ExchangeAction.REVOKE_REFUSED,
    )


def _accept(request: RevokeRequest, receipt: ExchangeReceipt, *, actor: Any, apply: bool) -> None:
    if apply:
        incoming_document_revoke_by_sender(
            document_id=receipt.incoming_document_id,
            reason=request.reason or _("không ghi lý do"),
            actor=actor,
        )
    request.state = RevokeState.ACCEPTED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.save(update_fields=["state", "decided_by", "decided_at"])
    revoke_status_queue(receipt=receipt, status_code="15")
    audit_record(
        actor=actor,
        action=ExchangeAction.REVOKE_ACCEPTED,
        target=request,
        agency_id=receipt.incoming_document.agency_id,
        data={"document_id": request.document_id, "applied": apply},
    )


@transaction.atomic
def revoke_request_decide(
    *, actor: Any, request: RevokeRequest, accept: bool, reason: str = ""
) -> RevokeRequest:
    """The recipient's clerk agrees (the incoming document is revoked, 15) or refuses with a
    reason (16). The caller loads `request` through `access.access_revoke_request_by_id`."""
    if not actor.has_role(Role.CLERK):
        raise PermissionDenied(_("Chỉ văn thư được quyết định yêu cầu thu hồi."))
    current = RevokeRequest.objects.select_for_update().get(pk=request.pk)
    if current.state != RevokeState.PENDING or current.receipt_id is None:
        raise Conflict(_("Yêu cầu thu hồi này đã được trả lời."), code="revoke_already_decided")
    receipt = ExchangeReceipt.objects.select_related("incoming_document").get(pk=current.receipt_id)
    if accept:
        _accept(current, receipt, actor=actor, apply=True)
        return current
    reason = " ".join((reason or "").split())
    if not reason or len(reason) > MAX_REASON:
        raise ValidationFailed(
            _("Ghi lý do từ chối thu hồi (tối đa 500 ký tự)."),
            code="reason_required",
            field="reason",
        )
    current.state = RevokeState.REFUSED
    current.refusal_reason = reason
    current.decided_by = actor
    current.decided_at = timezone.now()
    current.save(update_fields=["state", "refusal_reason", "decided_by", "decided_at"])
    revoke_status_queue(receipt=receipt, status_code="16", reason=reason)
    audit_record(
        actor=actor,
        action=ExchangeAction.REVOKE_REFUSED,
        target=current,
        data={"document_id": current.document_id, "reason": reason},
    )
    return current


def supersedes_link(receipt: ExchangeReceipt, package: lib.DocumentPackage) -> None:
    """An update / replace package was registered as `receipt`: link it to the receipt of the
    document it names (Bussiness/DocumentId) and say so in the notes of both documents."""
    kind = package.business.kind
    old_id = package.business.document_id
    if kind not in ("update", "replace") or not old_id or old_id == receipt.document_id:
        return
    verb = _("thay thế") if kind == "replace" else _("cập nhật, đính chính")
    old = ExchangeReceipt.objects.filter(
        sender_code=receipt.sender_code, document_id=old_id, recipient_code=receipt.recipient_code
    ).first()
    if old is None:
        note = _("Văn bản này %(verb)s văn bản %(old)s (văn bản đó chưa nhận qua trục).")
    else:
        receipt.supersedes = old
        receipt.save(update_fields=["supersedes"])
        note = _("Văn bản này %(verb)s văn bản %(old)s đã nhận qua trục.")
        incoming_document_note_by_sender(
            document_id=old.incoming_document_id,
            note=_("Văn bản này đã được %(verb)s bởi văn bản %(new)s nhận qua trục.")
            % {"verb": verb, "new": receipt.document_id},
        )
    incoming_document_note_by_sender(
        document_id=receipt.incoming_document_id, note=note % {"verb": verb, "old": old_id}
    )
