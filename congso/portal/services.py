"""The portal's own use cases: submitting (fee paid first, then the dossiers service, then the
e-mail after commit) and recording refused public lookups."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.audit.services import audit_record
from congso.core.errors import ValidationFailed
from congso.dossiers.models import Dossier
from congso.dossiers.services import dossier_submit
from congso.payments.selectors import payment_is_settled
from congso.payments.services import payment_create
from congso.portal.constants import PortalAuditAction
from congso.portal.notify import applicant_notify, lookup_url

logger = logging.getLogger(__name__)


def dossier_payment_ref(dossier: Dossier) -> str:
    return f"dossier:{dossier.pk}"


def portal_payment_start(*, actor: Any, dossier: Dossier) -> str:
    """Open the fee payment of a draft; returns the provider URL to send the citizen to."""
    fee = int(dossier.procedure.fee_amount or 0)
    if fee <= 0:
        raise ValidationFailed(_("Thủ tục này không thu phí."), code="payment_not_required")
    _payment, url = payment_create(
        payer=actor,
        dossier_ref=dossier_payment_ref(dossier),
        amount=fee,
        description=_("Phí, lệ phí thủ tục %(code)s") % {"code": dossier.procedure.code},
        return_path=reverse("portal:dossier", args=[dossier.pk]),
    )
    return url


def portal_dossier_submit(*, actor: Any, dossier: Dossier) -> tuple[Dossier, str]:
    """Submit a draft online: the fee must be paid first (when the procedure has one); the
    dossiers service checks the form and components and issues the code and lookup secret; the
    applicant's e-mail goes out after that commit (the secret is never e-mailed)."""
    if int(dossier.procedure.fee_amount or 0) > 0 and not payment_is_settled(
        dossier_payment_ref(dossier)
    ):
        with transaction.atomic():
            audit_record(
                actor=actor,
                action=PortalAuditAction.SUBMIT_REFUSED_UNPAID,
                target=dossier,
                data={"fee_amount": dossier.procedure.fee_amount},
            )
        raise ValidationFailed(
            _("Vui lòng nộp phí, lệ phí trước khi nộp hồ sơ."), code="payment_required"
        )
    submitted, secret = dossier_submit(actor, dossier)
    applicant_notify(
        submitted,
        template_key="dossier_submitted",
        context={
            "applicant_name": submitted.applicant_name,
            "dossier_code": submitted.code,
            "procedure_name": submitted.procedure.name,
            "agency_name": submitted.receiving_agency.name,
            "submitted_at": timezone.localtime(submitted.submitted_at).strftime("%H:%M %d/%m/%Y")
            if submitted.submitted_at
            else "",
            "lookup_url": lookup_url(),
        },
        actor=actor,
    )
    return submitted, secret


@transaction.atomic
def lookup_refusal_record(*, code: str, remote_addr: str, rate_limited: bool) -> None:
    """A public lookup that found nothing, or an address that hit the rate limit."""
    audit_record(
        actor=None,
        action=PortalAuditAction.LOOKUP_RATE_LIMITED
        if rate_limited
        else PortalAuditAction.LOOKUP_FAILED,
        target=None,
        data={"code": code[:64], "remote_addr": remote_addr[:64]},
    )
