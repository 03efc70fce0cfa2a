"""Documents that arrive from another agency of the same installation (liên thông nội bộ).

The outgoing side's issuing service calls `incoming_document_receive_internal` once per recipient
agency inside the installation, after its own transaction committed. The document then waits in
status "received" (QCVN 102 code 01) until a clerk of the recipient agency accepts it, which gives
it its số đến (code 03), or returns it as misaddressed (code 02) — Nghị định 30/2020/NĐ-CP,
Điều 21 khoản 2: receive on the system, return wrong or misaddressed documents on the system.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.audit.services import audit_record
from congso.core.errors import PermissionDenied, ValidationFailed
from congso.core.identity import Role
from congso.documents import hooks
from congso.documents.access import can_accept_internal
from congso.documents.constants import (
    DeliveryStatus,
    Direction,
    FileRole,
    IncomingSource,
    IncomingStatus,
    OutgoingStatus,
)
from congso.documents.errors import InvalidTransition
from congso.documents.models import (
    IncomingDocument,
    IncomingFile,
    OutgoingDocument,
    OutgoingRecipient,
    StoredFile,
)
from congso.documents.services.incoming_common import IncomingAction, local_today
from congso.documents.services.incoming_signatures import (
    SIGNATURE_FIELDS,
    apply_check,
    signature_audit_data,
    signature_checks,
)
from congso.documents.services.numbering import register_take_numbers
from congso.documents.services.search_index import search_entry_schedule
from congso.documents.services.secrets import secret_grants_ensure

MAX_RETURN_REASON = 500


class DeliveredFile(NamedTuple):
    """One file of the issued document, shared by StoredFile row (never copied)."""

    stored_file: StoredFile
    name: str
    role: str = FileRole.MAIN


def _clerks_of(agency_id: int) -> list[Any]:
    return list(
        get_user_model()
        .objects.filter(
            agency_id=agency_id, kind="staff", is_active=True, role_grants__role=Role.CLERK
        )
        .distinct()
    )


def _number_as_printed(outgoing: OutgoingDocument) -> str:
    """`5` → `05`: numbers below 10 take a leading zero (Phụ lục I, mục II.3)."""
    if outgoing.code_number is None:
        return ""
    return f"{outgoing.code_number:02d}"


@transaction.atomic
def incoming_document_receive_internal(
    *,
    outgoing: OutgoingDocument,
    recipient: OutgoingRecipient,
    files: Sequence[DeliveredFile | tuple[StoredFile, str, str]],
) -> IncomingDocument:
    """Deliver an issued document to a recipient agency of this installation.

    Creates an incoming document in status "received" (no số đến yet), its metadata copied from
    the outgoing document and its files pointing at the same stored bytes, and marks the
    recipient delivered. Idempotent: a recipient already delivered returns its document.

    Secret documents stay secret: nobody at the recipient agency can read one unless granted;
    its clerks are granted here because they must accept and register it (Điều 21), and they
    decide whom to grant next (leaders, assignees are granted when assigned).
    """
    locked = OutgoingRecipient.objects.select_for_update().get(pk=recipient.pk)
    if locked.delivered_document_id is not None:
        return IncomingDocument.objects.get(pk=locked.delivered_document_id)
    if locked.agency_id is None or locked.document_id != outgoing.pk:
        raise ValueError("recipient is not an agency of this installation for this document")
    issuer = outgoing.agency
    now = timezone.now()
    document = IncomingDocument(
        agency_id=locked.agency_id,
        register=None,
        arrival_number=None,
        arrived_at=now,
        document_type_id=outgoing.document_type_id,
        code_number=_number_as_printed(outgoing),
        code_notation=outgoing.code_notation,
        issued_on=outgoing.issued_on or timezone.localdate(),
        issuer=issuer,
        organ_id=issuer.code_qcvn102 or "",
        organ_name=issuer.name[:200],
        subject=outgoing.subject,
        page_amount=outgoing.page_amount,
        signer_position=outgoing.signer_position,
        signer_full_name=outgoing.signer_full_name,
        urgency_id=outgoing.urgency_id,
        secrecy_id=outgoing.secrecy_id,
        is_secret=outgoing.is_secret,
        due_on=outgoing.reply_due_on,
        status=IncomingStatus.RECEIVED,
        source=IncomingSource.INTERNAL,
        source_outgoing=outgoing,
        registered_by=None,
    )
    document.full_clean()
    document.save()
    delivered = [DeliveredFile(*item) for item in files]
    IncomingFile.objects.bulk_create(
        [
            IncomingFile(
                document=document,
                stored_file=item.stored_file,
                name=item.name,
                role=item.role,
                ordinal=index,
            )
            for index, item in enumerate(delivered)
        ]
    )
    granted = secret_grants_ensure(
        document=document,
        users=_clerks_of(locked.agency_id),
        granted_by=outgoing.signer or outgoing.created_by,
    )
    locked.delivered_document = document
    locked.delivery_status = DeliveryStatus.DELIVERED
    locked.delivered_at = now
    locked.save(update_fields=["delivered_document", "delivery_status", "delivered_at"])
    recipient.delivered_document = document
    recipient.delivery_status = DeliveryStatus.DELIVERED
    recipient.delivered_at = now
    audit_record(
        actor=None,
        action=IncomingAction.RECEIVED_INTERNAL,
        target=document,
        agency_id=document.agency_id,
        data={"outgoing_id": outgoing.pk, "recipient_id": locked.pk, "secret_grants": granted},
    )
    search_entry_schedule(direction=Direction.INCOMING, document_id=document.pk)
    return document


def _require_clerk_of(clerk: Any, document: IncomingDocument) -> None:
    if not can_accept_internal(clerk) or clerk.agency_id != document.agency_id:
        raise PermissionDenied(
            _("Chỉ văn thư của cơ quan nhận được tiếp nhận hoặc trả lại văn bản."),
            code="clerk_required",
        )


def _require_received(document: IncomingDocument) -> None:
    if document.status != IncomingStatus.RECEIVED:
        raise InvalidTransition(
            _("Văn bản không ở trạng thái chờ tiếp nhận (hiện: %(status)s).")
            % {"status": document.get_status_display()}
        )


def _locked(document: IncomingDocument) -> IncomingDocument:
    return IncomingDocument.objects.select_for_update().get(pk=document.pk)


def _require_not_revoked_at_source(document: IncomingDocument) -> None:
    source = document.source_outgoing
    if source is not None and source.status == OutgoingStatus.REVOKED:
        raise InvalidTransition(
            _("Văn bản đã bị cơ quan ban hành thu hồi, không tiếp nhận được."),
            code="revoked_by_issuer",
        )


def _check_signatures(clerk: Any, document: IncomingDocument) -> list[IncomingFile]:
    """Check every PDF delivered with the document, before the số đến is taken."""
    files = list(
        IncomingFile.objects.select_related("stored_file")
        .filter(document=document)
        .order_by("ordinal", "pk")
    )
    checks = signature_checks(
        actor=clerk,
        files=[(f.stored_file, f.name) for f in files],
        document_ref=f"incoming:{document.pk}",
        private=document.is_secret,
    )
    for incoming_file, check in zip(files, checks, strict=True):
        if check is not None:
            apply_check(incoming_file, check)
            incoming_file.save(update_fields=SIGNATURE_FIELDS)
    return files


@transaction.atomic
def incoming_document_accept(*, clerk: Any, document: IncomingDocument) -> IncomingDocument:
    """Accept an internal arrival: the signatures of its PDFs (the issuer's signed PDF) are
    checked (Điều 21 khoản 2), it takes the next số đến of the year's book (its own book when
    secret) and becomes "accepted" (Nghị định 30/2020/NĐ-CP, Điều 22 khoản 2).

    A copy whose document the issuer has revoked is not accepted: the receiver cancels it
    (Điều 18 khoản 4 điểm b)."""
    _require_clerk_of(clerk, document)
    current = _locked(document)
    _require_not_revoked_at_source(current)
    _require_received(current)
    files = _check_signatures(clerk, current)
    return _register_arrival(current, clerk=clerk, audit_data=signature_audit_data(files))


@transaction.atomic
def incoming_document_accept_on_arrival(*, document: IncomingDocument) -> IncomingDocument:
    """Register an arrival from the exchange hub in the incoming book as it arrives, without
    waiting for the clerk — for an agency that chose so (EXCHANGE_AUTO_ACCEPT, docs/exchange.md):
    the number is taken from the year's book by the system, the same way a clerk's acceptance
    takes it. The signatures of its PDFs were checked on arrival, moments before, in the same
    transaction; the caller refuses the arrival when one failed."""
    current = _locked(document)
    _require_received(current)
    return _register_arrival(current, clerk=None, audit_data={"automatic": True})


def _register_arrival(
    current: IncomingDocument, *, clerk: Any, audit_data: dict[str, Any]
) -> IncomingDocument:
    register, number = register_take_numbers(
        agency_id=current.agency_id,
        year=local_today().year,
        direction=Direction.INCOMING,
        is_secret=current.is_secret,
    )
    current.register = register
    current.arrival_number = number
    current.registered_by = clerk
    current.status = IncomingStatus.ACCEPTED
    current.save(
        update_fields=["register", "arrival_number", "registered_by", "status", "updated_at"]
    )
    hooks.incoming_state_changed(current.pk, current.status)
    audit_record(
        actor=clerk,
        action=IncomingAction.ACCEPTED,
        target=current,
        agency_id=current.agency_id,
        data={"arrival_number": number, "register_id": register.pk, **audit_data},
    )
    search_entry_schedule(direction=Direction.INCOMING, document_id=current.pk)
    return current


@transaction.atomic
def incoming_document_return_to_sender(
    *, clerk: Any, document: IncomingDocument, reason: str
) -> IncomingDocument:
    """Return a misaddressed or invalid arrival to its sender with a reason
    (Nghị định 30/2020/NĐ-CP, Điều 21 khoản 2 điểm b). An internal sender sees it on its
    recipient row (`recipient.delivered_document.status == "returned"` with `return_reason`);
    an arrival through the exchange hub is answered with status 02 and the reason (the
    exchange app listens to `hooks.incoming_state_changed`)."""
    _require_clerk_of(clerk, document)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationFailed(_("Nhập lý do trả lại."), code="reason_required", field="reason")
    if len(reason) > MAX_RETURN_REASON:
        raise ValidationFailed(
            _("Lý do trả lại tối đa %(limit)d ký tự.") % {"limit": MAX_RETURN_REASON},
            code="reason_too_long",
            field="reason",
        )
    current = _locked(document)
    _require_received(current)
    if current.source not in (IncomingSource.INTERNAL, IncomingSource.EXCHANGE):
        raise InvalidTransition(_("Chỉ trả lại được văn bản nhận qua liên thông."))
    current.status = IncomingStatus.RETURNED
    current.returned_at = timezone.now()
    current.return_reason = reason
    current.save(update_fields=["status", "returned_at", "return_reason", "updated_at"])
    hooks.incoming_state_changed(current.pk, current.status)
    audit_record(
        actor=clerk,
        action=IncomingAction.RETURNED,
        target=current,
        agency_id=current.agency_id,
        data={"reason": reason, "outgoing_id": current.source_outgoing_id},
    )
    search_entry_schedule(direction=Direction.INCOMING, document_id=current.pk)
    return current
