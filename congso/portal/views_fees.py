"""Citizen pages of a dossier's financial obligation and of a stopped dossier: pay the requested
amount (provider → the portal's callback → the dossier resumes), read the stop notice (PDF)."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from congso.core.errors import CongsoError
from congso.dossiers.constants import DossierStatus
from congso.dossiers.printing import builders, render_stop_notice
from congso.dossiers.printing.fonts import FontMissing
from congso.payments import views as payment_views
from congso.portal.fees import fee_payment_settle, portal_fee_payment_start
from congso.portal.guards import public_account_required
from congso.portal.views import _own_dossier

logger = logging.getLogger(__name__)


@public_account_required
@require_POST
def dossier_fee_pay(request: HttpRequest, dossier_id: int) -> HttpResponse:
    """Send the applicant to the payment provider for the amount the agency asked for."""
    dossier = _own_dossier(request, dossier_id)
    try:
        url = portal_fee_payment_start(actor=request.user, dossier=dossier)
    except CongsoError as error:
        messages.error(request, error.message)
        return redirect("portal:dossier", dossier.pk)
    return redirect(url)


@csrf_exempt  # the provider's server and the payer's browser post no CSRF token; the HMAC rules
@require_http_methods(["GET", "POST"])
def fee_callback(request: HttpRequest) -> HttpResponse:
    """The provider's result for a fee payment: payments takes it in (signature, nonce, amount,
    idempotence — same answers as /thanh-toan/ket-qua/), then a paid request resumes the dossier."""
    response = payment_views.callback(request)
    if response.status_code < 400:
        data = request.POST if request.method == "POST" else request.GET
        try:
            resumed = fee_payment_settle(str(data.get("ref", "")))
        except CongsoError:
            logger.exception("Fee payment %s: dossier not resumed", data.get("ref", ""))
        else:
            if resumed is not None and request.method == "GET":
                messages.success(request, "Đã nhận tiền nộp; hồ sơ tiếp tục được giải quyết.")
    return response


@public_account_required
@require_GET
def dossier_stop_notice(request: HttpRequest, dossier_id: int) -> HttpResponse:
    """The notice that handling of the applicant's dossier stopped (PDF)."""
    dossier = _own_dossier(request, dossier_id)
    if dossier.status != DossierStatus.STOPPED:
        raise Http404
    try:
        data = render_stop_notice(builders.stop_notice_data(dossier))
    except FontMissing as error:
        messages.error(request, str(error))
        return redirect("portal:dossier", dossier.pk)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="thong-bao-dung-{dossier.code or dossier.pk}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response
