"""Glue between a dossier's financial obligation (`dossiers.services.fees`) and the payments app.

payments knows a payment only by a plain reference string; a fee request is named
`dossier:<id>:fee:<request event id>` (the submission fee stays `dossier:<id>`). The citizen pays
on the provider's page; the provider's signed result comes back to the portal's callback
(`views_fees.fee_callback`), which lets payments take it in and then, when the request is paid,
resumes the dossier with `dossier_fee_paid` (actor None: the payment system). Each step is
idempotent: the browser return and the server notification of one payment resume it once.
"""

from __future__ import annotations

import logging
import re

from django.urls import reverse
from django.utils.translation import gettext as _

from congso.core.errors import CongsoError, ValidationFailed
from congso.dossiers.constants import DossierStatus
from congso.dossiers.models import Dossier
from congso.dossiers.services.fees import FeeRequest, dossier_fee_paid, fee_request_open
from congso.payments.constants import PaymentStatus
from congso.payments.models import Payment
from congso.payments.providers import PaymentOrder, payment_provider
from congso.payments.selectors import payment_latest_for
from congso.payments.services import payment_create

logger = logging.getLogger(__name__)

FEE_REF = re.compile(r"^dossier:(?P<dossier>\d+):fee:(?P<request>\d+)$")


def fee_payment_ref(dossier_id: int, request_id: int) -> str:
    return f"dossier:{dossier_id}:fee:{request_id}"


def fee_payment_of(dossier: Dossier, request: FeeRequest | None) -> Payment | None:
    """The latest payment opened for the dossier's open request (None before the first try)."""
    if request is None:
        return None
    return payment_latest_for(fee_payment_ref(dossier.pk, request.request_id))


def portal_fee_payment_start(*, actor: object, dossier: Dossier) -> str:
    """Open (or reuse) the payment of the open request; the provider URL to send the payer to,
    whose result comes back to the portal's callback."""
    request = fee_request_open(dossier)
    if request is None or request.amount <= 0:
        raise ValidationFailed(
            _("Hồ sơ không có yêu cầu nộp tiền nào đang chờ."), code="dossier_fee_not_requested"
        )
    payment, _url = payment_create(
        payer=actor,
        dossier_ref=fee_payment_ref(dossier.pk, request.request_id),
        amount=request.amount,
        description=_("Nghĩa vụ tài chính hồ sơ %(code)s") % {"code": dossier.code},
        return_path=reverse("portal:dossier", args=[dossier.pk]),
    )
    return payment_provider().create_payment(
        PaymentOrder(
            reference=payment.reference,
            amount=payment.amount,
            description=payment.description,
            callback_path=reverse("portal:fee-callback"),
        )
    )


def fee_payment_settle(reference: str) -> Dossier | None:
    """If the payment `reference` paid a dossier's open fee request, resume that dossier.

    Returns the resumed dossier, or None when there is nothing (more) to do: not a fee payment,
    not paid, a request already settled or replaced, an amount that differs.
    """
    payment = Payment.objects.filter(reference=reference[:32]).first()
    match = FEE_REF.match(payment.dossier_ref) if payment is not None else None
    if payment is None or match is None or payment.status != PaymentStatus.PAID:
        return None
    dossier = Dossier.objects.filter(pk=int(match["dossier"])).first()
    request = fee_request_open(dossier) if dossier is not None else None
    if (
        dossier is None
        or request is None
        or request.request_id != int(match["request"])
        or request.amount != payment.amount
    ):
        return None
    try:
        return dossier_fee_paid(None, dossier, payment.reference)
    except CongsoError as error:  # a concurrent result resumed it first, or it was stopped
        dossier.refresh_from_db(fields=["status"])
        if dossier.status != DossierStatus.FEE_REQUESTED:
            return None
        logger.warning("Fee payment %s not applied: %s", payment.reference, error.code)
        raise
