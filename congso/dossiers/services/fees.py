"""Financial obligations (nghĩa vụ tài chính, portal status 6): the agency asks the applicant to
pay an amount (a tax, a fee fixed after appraisal…); the legal clock stands still, exactly as for
a supplement request (standards.md §5.2 step 3), until the payment is recorded.

`dossier_fee_paid` is called by an officer who saw the payment (bank transfer, counter) or, with
no actor, by the portal once the payment provider's signed result says the amount was paid
(`congso.portal.fees`; payments never imports dossiers).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from congso.core.errors import ValidationFailed
from congso.dossiers.constants import CLOCK_RUNNING, DossierAction, DossierStatus, EventKind
from congso.dossiers.errors import DossierNotFound, StepForbidden
from congso.dossiers.models import Dossier
from congso.dossiers.services.clock import clock_wait, clock_wait_end
from congso.dossiers.services.common import (
    audited_service,
    clean_text,
    is_staff,
    lock,
    require_handler,
    require_status,
)

#: The largest amount one request may ask for (đồng); guards against a typing slip.
MAX_FEE_AMOUNT = 10_000_000_000
MAX_REFERENCE = 64


@dataclass(frozen=True)
class FeeRequest:
    """The open request of a dossier waiting in `fee_requested` (read from its event)."""

    request_id: int  # the FEE_REQUESTED event's id: names the request in payments
    amount: int
    reason: str
    requested_at: Any


def fee_request_open(dossier: Dossier) -> FeeRequest | None:
    """The request the applicant still has to pay, or None when the dossier is not waiting."""
    if dossier.status != DossierStatus.FEE_REQUESTED:
        return None
    event = (
        dossier.events.filter(kind=EventKind.FEE_REQUESTED).order_by("-at", "-pk").first()
        if dossier.pk
        else None
    )
    if event is None:
        return None
    data = event.data or {}
    return FeeRequest(
        request_id=event.pk,
        amount=int(data.get("amount") or 0),
        reason=str(data.get("reason") or ""),
        requested_at=event.at,
    )


def _require_fee_handler(officer: Any, dossier: Dossier) -> None:
    """The agency holding the open step, or the receiving agency's staff (as for Mẫu 02, 04)."""
    require_handler(
        officer,
        dossier,
        _("Chỉ cơ quan đang giải quyết hồ sơ mới yêu cầu hoặc xác nhận nghĩa vụ tài chính."),
    )


def _amount(value: Any) -> int:
    try:
        amount = int(value)
    except (TypeError, ValueError):
        amount = 0
    if isinstance(value, bool) or amount <= 0 or str(amount) != str(value).strip():
        raise ValidationFailed(
            _("Số tiền phải là số nguyên dương (đồng)."),
            code="dossier_fee_amount_invalid",
            field="amount",
        )
    if amount > MAX_FEE_AMOUNT:
        raise ValidationFailed(
            _("Số tiền vượt quá mức cho phép."),
            code="dossier_fee_amount_invalid",
            field="amount",
        )
    return amount


@audited_service
def dossier_fee_request(officer: Any, dossier: Dossier, amount: int, reason: str) -> Dossier:
    """Ask the applicant to pay `amount` đồng (portal status 6); the legal clock pauses."""
    current = lock(dossier)
    if current.parent_id is not None:
        raise StepForbidden(_("Yêu cầu nghĩa vụ tài chính qua hồ sơ gốc của hồ sơ liên thông."))
    require_status(current, *CLOCK_RUNNING)
    _require_fee_handler(officer, current)
    value = _amount(amount)
    text = clean_text(reason, field="reason", required=True)
    clock_wait(
        current,
        status=DossierStatus.FEE_REQUESTED,
        actor=officer,
        kind=EventKind.FEE_REQUESTED,
        action=DossierAction.FEE_REQUESTED,
        data={"amount": value, "reason": text},
    )
    return current


@audited_service
def dossier_fee_paid(actor: Any, dossier: Dossier, payment_reference: str) -> Dossier:
    """The requested amount is paid: processing resumes where it stood and every due date moves
    by the working days the clock stood still.

    `actor` is the officer who saw the payment, or None for the payment system (the portal's
    callback glue, after the provider's signed result). An applicant cannot declare it.
    """
    current = lock(dossier)
    if actor is not None:
        if not is_staff(actor):
            if getattr(actor, "pk", None) != current.applicant_id:
                raise DossierNotFound(current.pk)
            raise StepForbidden(
                _("Việc nộp tiền được ghi nhận qua cổng thanh toán hoặc cán bộ giải quyết.")
            )
        _require_fee_handler(actor, current)
    require_status(current, DossierStatus.FEE_REQUESTED)
    reference = clean_text(
        payment_reference, field="payment_reference", required=True, max_length=MAX_REFERENCE
    )
    request = fee_request_open(current)
    clock_wait_end(
        current,
        fallback=DossierStatus.PROCESSING,
        actor=actor,
        kind=EventKind.FEE_PAID,
        action=DossierAction.FEE_PAID,
        data={
            "payment_reference": reference,
            "amount": request.amount if request else None,
            "request_id": request.request_id if request else None,
        },
    )
    return current
